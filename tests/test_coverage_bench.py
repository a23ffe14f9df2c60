"""The coverage benchmark wired into `python -m bench` (issue 16): `--only coverage` runs it on
its own temporary database at a tiny size, end to end (import, lists, the page and its XLSX),
and the other benchmarks' choices and defaults stay as they were."""
import re

from bench import __main__ as bench_main
from bench import bench_coverage


def test_only_coverage_runs_the_coverage_benchmark_end_to_end(capsys):
    bench_main.main(["--only", "coverage", "--coverage-members", "240"])
    out = capsys.readouterr().out
    assert "== coverage on sqlite: BNBA 240 members (XLSX 60), list 60 NIKs" in out
    assert "== size" not in out  # the rollup data set is not built for it
    households = int(re.search(r"preview [\d.]+ s \(x[\d.]+\); (\d+) households", out)[1])
    assert 0 < households <= 240
    matched = re.search(r"List: 60 NIKs: .*; (\d+) households matched, (\d+) outside", out)
    assert 0 < int(matched[1]) <= 54 and int(matched[2]) == 6
    assert "Coverage page (30 lists): computed" in out
    assert "Unduh XLSX: coverage page" in out and "whole unreached list" in out
    assert "load average:" in out


def test_sizes_and_the_other_defaults():
    args = bench_main._parse([])
    assert (args.size, args.runs, args.only, args.coverage_members) == ("S", 5, None, None)
    assert bench_main.NAMES[:5] == ("rollup", "pdf", "import", "load", "bombs")
    assert "coverage" in bench_main.NAMES
    assert bench_coverage.SIZES["L"] == (200_000, 200_000, 50_000)  # the figure
    assert bench_main._parse(["--only", "coverage", "--size", "L"]).only == ["coverage"]

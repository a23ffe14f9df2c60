"""The verval benchmark (issue 28) end to end at a tiny size: it opens the campaign, records by
NIK and by row through the page, reads the progress page and its XLSX files."""
import re

from bench import bench_verval


def test_verval_benchmark_runs_end_to_end(tmp_path, capsys):
    bench_verval.run(f"sqlite:///{tmp_path / 'verval.db'}", districts=2, per_district=2,
                     per_desa=10)
    out = capsys.readouterr().out
    assert "built 4 desa, 40 households" in out
    assert re.search(r"record one household by NIK: median [\d.]+ ms", out)
    assert re.search(r"record one household by row \+ prefix: median [\d.]+ ms", out)
    assert "progress page, 4 desa + 2 kecamatan" in out
    assert "one kecamatan's XLSX (counts + 20 prefixes by status)" in out

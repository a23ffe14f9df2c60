"""Each benchmark runs on tiny data and returns sane numbers (no timed assertions: the figures
live in docs/PERFORMANCE.md). The floors are checked against known sums, because a floor that
computed something else would make every ratio meaningless."""
from datetime import date
from decimal import Decimal

import pytest

from bench import bench_import, bench_pdf, bench_rollup, load
from bench.common import Result, guard_url, measure
from bench.generate import generate


def _year_with_two_tags(make):
    opd = make.opd()
    fy = make.fiscal_year(2026)
    fy.is_current = True
    sa = make.sub_activity(opd, fy, allocation=Decimal("1000000000"))
    a = make.tag(sa, Decimal("300000000.50"), strategy_code=1, kind="langsung")
    b = make.tag(sa, Decimal("200000000.25"), strategy_code=3, kind="penunjang")
    q3 = make.quarter(fy, 3)
    make.realization(a, q3, Decimal("100000000.10"), 40, 10)
    make.realization(b, q3, Decimal("50000000.20"), 20, 5)
    return fy, opd


def test_floor_sums_what_was_entered(make):
    fy, opd = _year_with_two_tags(make)
    total = bench_rollup.floor_grouped(fy.id, 3, None)[None]
    assert total[:3] == (2, Decimal("500000000.75"), Decimal("150000000.30"))
    # physical progress weighted by the tagged amount: (40 x 300M + 20 x 200M) / 500M
    assert total[3] == Decimal("32.00")
    by_opd = bench_rollup.floor_grouped(fy.id, 3, "opd")
    assert by_opd[opd.id][2] == Decimal("150000000.30")
    assert set(bench_rollup.floor_grouped(fy.id, 3, "tag_kind")) == {"langsung", "penunjang"}
    trend = bench_rollup.floor_trend(fy.id)
    assert trend[3][0] == Decimal("150000000.30") and 1 not in trend


def test_rollup_benchmark_agrees_with_its_floor_and_times_the_page(app):
    generate(1, year=2026)
    results = bench_rollup.run(app, runs=1)  # raises if any figure differs from its floor
    names = [r.name for r in results]
    assert "all six, summed" in names and results[-1].name == "GET /dasbor/"
    for r in results:
        assert r.app_ms > 0
        assert r.floor_ms is None or r.ratio > 0
    assert int(results[-1].note.split()[0]) > 5  # the page holds tens of KB, not an error


def test_bare_pdf_holds_the_same_rows(app):
    generate(1, year=2026)
    from reports.content.kemenko import build_content, resolve_options

    content = build_content(resolve_options(2026, "opd", quarter=3, opd_id=_first_opd(),
                                            fixed_date=date(2026, 10, 20)))
    data, pages = bench_pdf.bare_pdf(content)
    assert data.startswith(b"%PDF") and pages >= 2
    results = bench_pdf.run(app, runs=1, opd_only=True)
    layout = results[0]
    assert layout.floor_ms > 0 and layout.app_ms > 0
    assert layout.note.startswith(f"{len(content.matrix)} tags")


def _first_opd() -> int:
    from sqlalchemy import func, select

    from models import Opd, db

    return db.session.scalar(select(func.min(Opd.id)))


def test_import_benchmark_imports_every_row_and_restores_the_limit(app, make):
    from app.budget.services import sipd_import
    from app.core import sheet_reader
    from models import SubActivity, db

    make.fiscal_year(2026).is_current = True
    before = db.session.query(SubActivity).count()
    assert bench_import.parse_floor(bench_import.make_xlsx(30)) == 31
    [result] = bench_import.run(app, rows=30, runs=1)  # asserts 30 created inside
    assert result.app_ms > 0 and result.floor_ms > 0
    assert sheet_reader.MAX_ROWS == sipd_import.MAX_ROWS == 5000
    assert db.session.query(SubActivity).count() == before  # each run was rolled back


def test_load_helpers_read_forms_and_percentiles(capsys):
    page = ('<form><input type="hidden" name="csrf_token" value="abc">'
            '<input name="r-7-amount" value="1.250.000,50"><textarea name="r-7-problems">'
            'Hujan deras</textarea><input type="submit"></form>')
    assert load.inputs(page) == {"csrf_token": "abc", "r-7-amount": "1.250.000,50",
                                 "r-7-problems": "Hujan deras"}
    values = list(range(1, 101))
    assert load.percentile(values, 50) in (50, 51) and load.percentile(values, 99) == 99
    load.report({"samples": {"list": [10.0, 20.0, 30.0]}, "errors": {"save: HTTP 409": 2},
                 "elapsed": 3.0, "users": 2, "workers": 2, "threads": 1, "think": 1.0})
    out = capsys.readouterr().out
    assert "errors: 2" in out and "save: HTTP 409: 2" in out and "ALL" in out


def test_common_helpers():
    with pytest.raises(SystemExit):
        guard_url("postgresql://postgres@127.0.0.1:5432/test")
    assert guard_url("postgresql://u@h/bench_s").startswith("postgresql+psycopg://")
    t = measure(lambda: 42, runs=3)
    assert t.result == 42 and 0 <= t.min_ms <= t.median_ms
    assert Result("x", "y", 30.0, 20.0).ratio == 1.5

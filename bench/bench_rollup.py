"""The dashboard rollup through the app against its floor: hand-written GROUP BY SQL.

For each grouping the dashboard shows (total, strategy, tag kind, OPD, funding source, the
quarterly trend) the app's `reports.queries.rollup` call and a bare `text()` query that yields the
same figures run on the same database; the figures are asserted equal, then both are timed. The
whole `/dasbor/` page is timed through the test client.

The floor sums money the cheapest way that is still exact: plain SUM of NUMERIC on PostgreSQL;
on SQLite, whose NUMERIC is a float, a sum of whole sen (as the app does), else it would not
yield the same figures. It yields every figure of the app's rows, the physical progress
(weighted by the tagged amount) included; it does not carry a missing quarter forward, so it
yields the app's figures only on data with a row for every tag and quarter (the generated
data has), and the app's extra work for real data is in the ratio.
"""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, text

from bench.common import BENCH_PASSWORD, Result, dialect_name, measure

CENT = Decimal("0.01")
KEYS = {"strategy": "t.strategy_id", "tag_kind": "tk.code", "opd": "sa.opd_id",
        "funding_source": "sa.funding_source_id"}
GROUPED = """
SELECT {key} AS k, COUNT(t.id), {tagged}, {realized}, {weighted},
       SUM(COALESCE(t.target_count, 0)), SUM(COALESCE(r.reached_count, 0))
FROM tag t
JOIN sub_activity sa ON sa.id = t.sub_activity_id
{join}
LEFT JOIN quarter q ON q.fiscal_year_id = sa.fiscal_year_id AND q.number = :n
LEFT JOIN realization r ON r.tag_id = t.id AND r.quarter_id = q.id
WHERE sa.fiscal_year_id = :fy
{group}
"""
TREND = """
SELECT q.number, {realized}, {weighted}, SUM(r.reached_count), ({tagged})
FROM realization r
JOIN quarter q ON q.id = r.quarter_id
JOIN tag t ON t.id = r.tag_id
JOIN sub_activity sa ON sa.id = t.sub_activity_id
WHERE sa.fiscal_year_id = :fy AND q.fiscal_year_id = :fy
GROUP BY q.number
"""
TAGGED = """SELECT {tagged} FROM tag t JOIN sub_activity sa ON sa.id = t.sub_activity_id
WHERE sa.fiscal_year_id = :fy"""


def _sum(expr: str) -> str:
    if dialect_name() == "sqlite":
        return f"SUM(CAST(ROUND({expr} * 100) AS INTEGER))"
    return f"SUM({expr})"


def _weighted(progress: str) -> str:
    """Progress times the tagged amount, summed: over NUMERIC on PostgreSQL, over sen on
    SQLite (as the app, whose float products it must equal)."""
    if dialect_name() == "sqlite":
        return f"SUM({progress} * CAST(ROUND(t.amount * 100) AS INTEGER))"
    return f"SUM({progress} * t.amount)"


def _physical(weighted, tagged) -> Decimal | None:
    """Weighted progress over the tagged amount, in percent to two decimals (as the app)."""
    if not tagged:
        return None
    return (Decimal(str(weighted or 0)) / Decimal(str(tagged))).quantize(CENT, ROUND_HALF_UP)


def _money(value) -> Decimal:
    """A floor sum back to rupiah: sen (int) on SQLite, NUMERIC on PostgreSQL."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, int):
        return Decimal(value).scaleb(-2)
    return Decimal(value).quantize(CENT)


def floor_grouped(fy_id: int, quarter: int, by: str | None) -> dict:
    """{key: (tags, tagged, realized, physical, target, reached)}; `by` None gives the total
    (key None)."""
    from models import db

    sql = GROUPED.format(
        key=KEYS[by] if by else "NULL", tagged=_sum("t.amount"),
        realized=_sum("COALESCE(r.amount, 0)"),
        weighted=_weighted("COALESCE(r.physical_progress, 0)"),
        join="JOIN tag_kind tk ON tk.id = t.tag_kind_id" if by == "tag_kind" else "",
        group=f"GROUP BY {KEYS[by]}" if by else "")
    rows = db.session.execute(text(sql), {"fy": fy_id, "n": quarter}).all()
    return {r[0]: (int(r[1]), _money(r[2]), _money(r[3]), _physical(r[4], r[2]),
                   int(r[5] or 0), int(r[6] or 0)) for r in rows}


def floor_trend(fy_id: int) -> dict:
    from models import db

    sql = TREND.format(realized=_sum("r.amount"), weighted=_weighted("r.physical_progress"),
                       tagged=TAGGED.format(tagged=_sum("t.amount")))
    rows = db.session.execute(text(sql), {"fy": fy_id})
    return {int(n): (_money(a), _physical(w, tagged), int(c or 0)) for n, a, w, c, tagged in rows}


def app_grouped(f, by: str | None) -> dict:
    from reports.queries import rollup

    rows = [rollup.total(f)] if by is None else rollup.rollup(f, by)
    return {r.key: (r.tags, r.tagged, r.realized, r.physical, r.target, r.reached)
            for r in rows if r.tags}


def app_trend(f) -> dict:
    from reports.queries import rollup

    return {r.key: (r.realized, r.physical, r.reached) for r in rollup.trend(f)}


def _ensure_viewer():
    from app.accounts.accounts import create_user
    from models import User, db

    if db.session.scalar(select(User.id).where(User.username == "bench.pimpinan")) is None:
        create_user("bench.pimpinan", BENCH_PASSWORD, "viewer")
        db.session.commit()


def run(app, runs: int = 5) -> list[Result]:
    """Every rollup query against its floor, then the dashboard page; inside no app context."""
    from app.reference.service import current_fiscal_year, reporting_quarter
    from reports.queries import rollup

    out = []
    with app.app_context():
        fy = current_fiscal_year()
        quarter = reporting_quarter(fy).number
        f = rollup.RollupFilter(fiscal_year_id=fy.id, quarter=quarter)
        app_sum = floor_sum = 0.0
        for by in (None, "strategy", "tag_kind", "opd", "funding_source"):
            mine = measure(lambda by=by: app_grouped(f, by), runs)
            bare = measure(lambda by=by: floor_grouped(fy.id, quarter, by), runs)
            if mine.result != bare.result:
                raise AssertionError(f"rollup by {by or 'total'} differs from its floor")
            out.append(Result("rollup", f"by {by or 'total'}", mine.min_ms, bare.min_ms))
            app_sum += mine.min_ms
            floor_sum += bare.min_ms
        mine, bare = measure(lambda: app_trend(f), runs), measure(lambda: floor_trend(fy.id), runs)
        if mine.result != bare.result:
            raise AssertionError("rollup trend differs from its floor")
        out.append(Result("rollup", "trend (4 quarters)", mine.min_ms, bare.min_ms))
        app_sum += mine.min_ms
        floor_sum += bare.min_ms
        out.append(Result("rollup", "all six, summed", app_sum, floor_sum))
        district = measure(lambda: rollup.rollup(f, "district"), runs)
        out.append(Result("rollup", "by district (apportioned)", district.min_ms,
                          note="no bare floor: shares tags among desa"))
        _ensure_viewer()
    out.append(dashboard_page(app, runs))
    return out


def dashboard_page(app, runs: int = 5) -> Result:
    """GET /dasbor/ as the viewer (the whole kabupaten), through the test client."""
    client = app.test_client()
    resp = client.post("/login", data={"username": "bench.pimpinan", "password": BENCH_PASSWORD})
    assert resp.status_code == 302, resp.status_code

    def get():
        r = client.get("/dasbor/")
        assert r.status_code == 200, r.status_code
        return len(r.data)

    page = measure(get, runs)
    return Result("page", "GET /dasbor/", page.min_ms, note=f"{page.result // 1024} KB")

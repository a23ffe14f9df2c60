"""Carried forward: the one rule for a quarter with no figure, applied by the rollup everywhere
(dashboard with and without the verified filter, API, PDF, XLSX, province bundle).

A tag's figure to date at quarter q is its realization row of the latest quarter k <= q that
has one (a quarter with no row carries the earlier cumulative forward; no row up to q is 0):
the rule the sheet's anomaly check uses (app/cycle/figures.py latest_before). Verified only, k
is moreover at most the OPD's last verified quarter m <= q (below). A quarter shown with a
carried figure is marked: OPD rows with a footnote sign (`carried_forward`, `marks`), trend rows
with the number of OPDs carried (`RollupRow.carried`).

Realization is stored to date per tag and quarter. For a quarter an OPD's submission is not
(yet) verified for, its figures are those to date at its last verified quarter before it: an OPD
verified for TW I-II whose TW III waits shows its TW II figures under TW III, not zero. So a
flow (to date at q minus to date at q-1) is 0 in a quarter not verified, never a false drop, and
the flows of quarters 1..q still add up to the figure to date at q. An OPD with no verified
quarter up to q counts 0.

The rule itself is `counted`. Which quarters a tag has a row for is stored on the tag
(`Tag.realized_quarters`, kept by the database: models/quarter_mask.py). `figure_at` (one
quarter: the rollup's tag base, the carried tags) and `figures_by_quarter` (all four: the trend)
join what it needs onto the caller's from-clause; the fiscal year is the bind parameter "fy" the
rollup gives at execution.
"""
from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import aliased, join

from models import Quarter, SubActivity, Submission, Tag, db

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
QUARTERS = (1, 2, 3, 4)


def last_verified(n: int, name: str | None = None):
    """A subquery (opd_id, m): per OPD, the number of its last verified quarter up to `n`."""
    return (
        select(Submission.opd_id, func.max(Quarter.number).label("m"))
        .join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Submission.status == "verified", Quarter.fiscal_year_id == bindparam("fy"),
               Quarter.number <= n)
        .group_by(Submission.opd_id)
        .subquery(name or f"lv{n}")
    )


def last_verified_by_quarter():
    """A subquery (opd_id, m1..m4): per OPD with a verified quarter, m{n} is the number of its
    last verified quarter up to n (NULL when none is). One row per OPD, a column per quarter,
    so the trend needs no join per quarter."""
    q = aliased(Quarter, name="lvbq_q")
    return (
        select(Submission.opd_id,
               *(func.max(case((q.number <= n, q.number))).label(f"m{n}") for n in QUARTERS))
        .join(q, q.id == Submission.quarter_id)
        .where(Submission.status == "verified", q.fiscal_year_id == bindparam("fy"))
        .group_by(Submission.opd_id)
        .subquery("lvbq")
    )


def _bit(j: int) -> int:
    return 1 << (j - 1)


def counted(n: int, has_row, m=None):
    """The rule, in one place: which quarter's row is a tag's figure to date at quarter n —
    the latest j <= n with a row (`has_row(j)`, a clause); verified only (`m`: the OPD's last
    verified quarter up to n) also j <= m, none when m is NULL. Returns the CASE giving that
    quarter's number j, NULL when no quarter counts (the figure is 0).

    A CASE over the (at most four) quarters, on what is already known per tag, rather than a
    max() over the rows: the cap then applies per tag with the caller's OPD column, where a
    capped max() needed every row joined to its tag, sub-activity and OPD first (verified
    rollups took ~1.4x longer on PostgreSQL)."""
    def counts(j):
        return has_row(j) if m is None else and_(has_row(j), m >= j)
    return case(*((counts(j), j) for j in range(n, 0, -1)))


def _has_row(mask):
    """has_row(j) for `counted` from a tag's stored quarters (`Tag.realized_quarters`, kept by
    the database on every write of a row: models/quarter_mask.py)."""
    def has_row(j):
        return mask.op("&")(_bit(j)) != 0
    return has_row


def figure_at(joined, n: int, verified_only: bool, mask, opd_id, name: str):
    """Each tag's figure to date at quarter n: returns (joined, k), `joined` (a from-clause with
    the tag's stored quarters `mask` and its OPD's `opd_id` columns) outer-joined to what the
    rule needs, and k the quarter number whose realization row is the figure (NULL: none, the
    figure is 0). The caller joins that row back by (tag, quarter number k). `joined` may be a
    Select.

    Read from the tag's stored quarters, k is a CASE on the tag's own row: grouping every row of
    the year by tag to find it instead cost the rollup 2-2.5x its floor on PostgreSQL."""
    if not verified_only:
        return joined, counted(n, _has_row(mask))
    lv = last_verified(n, f"{name}lv")
    return joined.outerjoin(lv, lv.c.opd_id == opd_id), counted(n, _has_row(mask), lv.c.m)


def latest_figure(n: int, verified_only: bool, name: str):
    """A subquery (tag_id, k): per tag of the year with a figure at quarter n, the quarter
    number k of its row (figure_at); tags without one are absent."""
    t, sa = aliased(Tag, name=f"{name}t"), aliased(SubActivity, name=f"{name}sa")
    joined, k = figure_at(join(t, sa, sa.id == t.sub_activity_id), n, verified_only,
                          t.realized_quarters, sa.opd_id, f"{name}f")
    return (select(t.id.label("tag_id"), k.label("k")).select_from(joined)
            .where(sa.fiscal_year_id == bindparam("fy"), k.is_not(None)).subquery(name))


def first_quarter(mask):
    """The first quarter a tag has a row for (NULL: none): with `figures_by_quarter`'s groups,
    a tag's own figures (count, amount, target) are counted once, in the group of that
    quarter's row (or of no row)."""
    return case(*((_has_row(mask)(j), j) for j in QUARTERS))


def figures_by_quarter(groups, verified_only: bool):
    """Which group of rows is each tag's figure to date at every quarter n, for the trend.

    `groups` is a subquery of a tag base outer-joined to its year's realization rows and
    grouped by (opd_id, mask: the tags' stored quarters, j: the rows' quarter number, NULL for
    tags without rows), with sums over each group. Every tag in a group has the same quarters
    with a row and the same OPD, so `counted` applies to the group: its sums count at n exactly
    when j is the quarter `counted` picks. Returns (joined, {f"k{n}": that quarter}), `groups`
    outer-joined to the OPDs' last verified quarters when verified only.

    The rule runs on a few hundred groups, not on every row: at M on PostgreSQL a column per
    quarter per tag cost the trend 1.8x its floor and a CASE per row 2.6x; the groups 1.3-1.4x."""
    joined, lv = groups, None
    if verified_only:
        lv = last_verified_by_quarter()
        joined = joined.outerjoin(lv, lv.c.opd_id == groups.c.opd_id)
    has_row = _has_row(groups.c.mask)
    return joined, {f"k{n}": counted(n, has_row, lv.c[f"m{n}"] if verified_only else None)
                    for n in QUARTERS}


def carried_forward(fiscal_year_id: int, quarter: int, opd_id: int | None = None,
                    verified_only: bool = True) -> dict[int, int | None]:
    """The OPDs whose figures at `quarter` are carried forward, one statement each way.

    Verified only: {opd id: last verified quarter number, or None when none is} for each OPD
    with tags in the year whose quarter `quarter` is not verified (carried forward, or 0).
    All data: {opd id: latest earlier quarter with a figure} for each OPD with a tag that has
    no figure at `quarter` but one before it (an OPD with no figure at all up to `quarter`
    shows 0, which is what it reported: not marked)."""
    if not verified_only:
        return _carried_all(fiscal_year_id, quarter, opd_id)
    lv = last_verified(quarter, "lv")
    stmt = (
        select(SubActivity.opd_id, lv.c.m).distinct()
        .select_from(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .outerjoin(lv, lv.c.opd_id == SubActivity.opd_id)
        .where(SubActivity.fiscal_year_id == bindparam("fy"),
               (lv.c.m.is_(None)) | (lv.c.m < quarter))
    )
    params = {"fy": fiscal_year_id}
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == bindparam("opd_id"))
        params["opd_id"] = opd_id
    return {row[0]: row[1] for row in db.session.execute(stmt, params)}


def _carried_all(fiscal_year_id: int, quarter: int, opd_id: int | None) -> dict[int, int]:
    lf = latest_figure(quarter, False, "lfc")
    stmt = (select(SubActivity.opd_id, func.max(lf.c.k))
            .select_from(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .join(lf, lf.c.tag_id == Tag.id)
            .where(SubActivity.fiscal_year_id == bindparam("fy"), lf.c.k < quarter)
            .group_by(SubActivity.opd_id))
    params = {"fy": fiscal_year_id}
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == bindparam("opd_id"))
        params["opd_id"] = opd_id
    return {row[0]: row[1] for row in db.session.execute(stmt, params)}


def carried_tags(fiscal_year_id: int, quarter: int, verified_only: bool,
                 opd_id: int | None = None) -> set[int]:
    """Tag ids whose figure at `quarter` is carried forward from an earlier quarter (the
    report's per-quarter columns mark them instead of printing a flow of 0). One statement."""
    lf = latest_figure(quarter, verified_only, "lct")
    stmt = (select(lf.c.tag_id).where(lf.c.k < quarter))
    params = {"fy": fiscal_year_id}
    if opd_id is not None:
        stmt = (stmt.join(Tag, Tag.id == lf.c.tag_id)
                .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
                .where(SubActivity.opd_id == bindparam("opd_id")))
        params["opd_id"] = opd_id
    return set(db.session.scalars(stmt, params))


def legend(last: int | None, quarter: int, verified_only: bool = True) -> str:
    """`angka s.d. TW II — TW III belum diverifikasi` (or the none-verified wording; all data:
    `angka s.d. TW II dibawa — TW III belum diisi`)."""
    pending = f"TW {ROMAN[quarter]}"
    if last is not None and last < quarter - 1:
        pending = f"TW {ROMAN[last + 1]}–{ROMAN[quarter]}"
    if last is None:
        return f"belum ada triwulan terverifikasi s.d. TW {ROMAN[quarter]} — angka 0"
    if not verified_only:
        return f"angka s.d. TW {ROMAN[last]} dibawa — {pending} belum diisi"
    return f"angka s.d. TW {ROMAN[last]} — {pending} belum diverifikasi"


SIGNS = ("†", "‡", "§", "¶")


def signs(carried: dict[int, int | None]) -> dict[int | None, str]:
    """One footnote sign per distinct last verified quarter (latest first), so each legend line
    names one cut-off."""
    lasts = sorted(set(carried.values()), key=lambda m: -1 if m is None else m, reverse=True)
    return {m: SIGNS[i % len(SIGNS)] * (1 + i // len(SIGNS)) for i, m in enumerate(lasts)}


def marks(carried: dict[int, int | None]) -> dict[int, str]:
    """{opd id: footnote sign} of the carried-forward OPDs (the report and the dashboard)."""
    by_last = signs(carried)
    return {opd: by_last[last] for opd, last in carried.items()}


def legends(carried: dict[int, int | None], quarter: int, verified_only: bool = True
            ) -> list[str]:
    """`† angka s.d. TW II — TW III belum diverifikasi`, one line per sign."""
    return [f"{sign} {legend(last, quarter, verified_only)}"
            for last, sign in signs(carried).items()]


__all__ = ["QUARTERS", "carried_forward", "carried_tags", "counted", "figure_at",
           "figures_by_quarter", "first_quarter", "last_verified", "last_verified_by_quarter",
           "latest_figure", "legend", "legends", "marks", "signs"]

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

Every statement here is a subquery the rollup joins; the fiscal year is the bind parameter "fy"
the rollup gives at execution.
"""
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased

from models import Quarter, Realization, SubActivity, Submission, Tag, db

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


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


def last_verified_per_quarter():
    """A subquery (opd_id, n, m): for every quarter number n of the year, each OPD's last
    verified quarter m <= n (rows only where the OPD has one). The trend joins it once instead
    of one subquery per quarter."""
    qs, qn = aliased(Quarter, name="qs"), aliased(Quarter, name="qn")
    return (
        select(Submission.opd_id, qn.number.label("n"), func.max(qs.number).label("m"))
        .join(qs, qs.id == Submission.quarter_id)
        .join(qn, and_(qn.fiscal_year_id == qs.fiscal_year_id, qn.number >= qs.number))
        .where(Submission.status == "verified", qs.fiscal_year_id == bindparam("fy"))
        .group_by(Submission.opd_id, qn.number)
        .subquery("lvq")
    )


def latest_figure(n: int, verified_only: bool, name: str):
    """A subquery (tag_id, k): per tag, the latest quarter number k <= n with a realization row
    (verified only: also k <= the OPD's last verified quarter). Tags without one are absent."""
    q, r = aliased(Quarter, name=f"{name}q"), aliased(Realization, name=f"{name}r")
    stmt = (select(r.tag_id, func.max(q.number).label("k"))
            .join(q, q.id == r.quarter_id)
            .where(q.fiscal_year_id == bindparam("fy"), q.number <= n))
    if verified_only:
        t, sa = aliased(Tag, name=f"{name}t"), aliased(SubActivity, name=f"{name}sa")
        lv = last_verified(n, f"{name}lv")
        stmt = (stmt.join(t, t.id == r.tag_id).join(sa, sa.id == t.sub_activity_id)
                .join(lv, lv.c.opd_id == sa.opd_id).where(q.number <= lv.c.m))
    return stmt.group_by(r.tag_id).subquery(name)


def latest_figure_per_quarter(verified_only: bool):
    """A subquery (tag_id, n, k): for every quarter number n of the year, the tag's latest
    quarter k <= n with a row (verified only: k <= its OPD's last verified quarter <= n). The
    trend joins it once instead of one subquery per quarter."""
    qs, qn = aliased(Quarter, name="lfqs"), aliased(Quarter, name="lfqn")
    r = aliased(Realization, name="lfr")
    stmt = (select(r.tag_id, qn.number.label("n"), func.max(qs.number).label("k"))
            .join(qs, qs.id == r.quarter_id)
            .join(qn, and_(qn.fiscal_year_id == qs.fiscal_year_id, qn.number >= qs.number))
            .where(qs.fiscal_year_id == bindparam("fy")))
    if verified_only:
        t, sa = aliased(Tag, name="lft"), aliased(SubActivity, name="lfsa")
        lv = last_verified_per_quarter()
        stmt = (stmt.join(t, t.id == r.tag_id).join(sa, sa.id == t.sub_activity_id)
                .join(lv, and_(lv.c.opd_id == sa.opd_id, lv.c.n == qn.number))
                .where(qs.number <= lv.c.m))
    return stmt.group_by(r.tag_id, qn.number).subquery("lfq")


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


__all__ = ["carried_forward", "carried_tags", "last_verified", "last_verified_per_quarter",
           "latest_figure", "latest_figure_per_quarter", "legend", "legends", "marks", "signs"]

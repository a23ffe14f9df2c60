"""Verified-only figures, carried forward: the one rule the rollup applies when asked for
verified figures only.

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

from models import Quarter, SubActivity, Submission, Tag, db

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


def carried_forward(fiscal_year_id: int, quarter: int, opd_id: int | None = None
                    ) -> dict[int, int | None]:
    """{opd id: last verified quarter number, or None when none is} for each OPD with tags in
    the year whose quarter `quarter` is not verified: the OPDs whose verified-only figures are
    carried forward (or 0). One statement."""
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


def legend(last: int | None, quarter: int) -> str:
    """`angka s.d. TW II — TW III belum diverifikasi` (or the none-verified wording)."""
    pending = f"TW {ROMAN[quarter]}"
    if last is not None and last < quarter - 1:
        pending = f"TW {ROMAN[last + 1]}–{ROMAN[quarter]}"
    if last is None:
        return f"belum ada triwulan terverifikasi s.d. TW {ROMAN[quarter]} — angka 0"
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


def legends(carried: dict[int, int | None], quarter: int) -> list[str]:
    """`† angka s.d. TW II — TW III belum diverifikasi`, one line per sign."""
    return [f"{sign} {legend(last, quarter)}" for last, sign in signs(carried).items()]


__all__ = ["carried_forward", "last_verified", "last_verified_per_quarter", "legend", "legends",
           "marks", "signs"]

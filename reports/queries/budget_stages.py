"""APBD murni versus perubahan: both allocations, what changed, and the tagged share of each.

The rule for the allocation in force on a date D (used by the comparison, the dashboard section,
the sub kegiatan list and the OPD home): the revised (perubahan) allocation counts when the
sub kegiatan has one AND either the fiscal year has no `revision_date` (the perubahan is in
force as soon as it is entered, the behaviour before the date existed) or D is on or after
`revision_date`. Before that date the original (murni) allocation counts, so a quarter that
ended before the perubahan keeps its murni figure. Realization and tagged amounts do not depend
on the stage; only the allocation (the denominator of the tagged share) does.

Every figure is summed in SQL, one statement per table.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select

from models import ZERO, FiscalYear, Opd, SubActivity, Tag, db

REVISED = SubActivity.allocation_revised
ORIGINAL = SubActivity.allocation_original
CHANGED = and_(REVISED.is_not(None), REVISED != ORIGINAL)


def revised_counts(fy: FiscalYear, on: date | None) -> bool:
    """Whether revised allocations are in force on `on` (None: today's rule, no date check)."""
    return fy.revision_date is None or on is None or on >= fy.revision_date


def in_force(fy: FiscalYear, on: date | None):
    """SQL: the allocation in force on `on` under the rule above."""
    if revised_counts(fy, on):
        return func.coalesce(REVISED, ORIGINAL)
    return ORIGINAL


def _tagged():
    return (select(Tag.sub_activity_id.label("sa_id"), func.sum(Tag.amount).label("tagged"))
            .group_by(Tag.sub_activity_id).subquery())


def _sums(fy: FiscalYear, on: date | None, tagged) -> list:
    """The figures of a group of sub kegiatan: how many, how many changed, murni, perubahan,
    the allocation in force on `on`, and the tagged amount (the OPD rows and the total alike)."""
    return [func.count(SubActivity.id).label("n_sub"),
            func.coalesce(func.sum(case((CHANGED, 1), else_=0)), 0).label("n_changed"),
            func.coalesce(func.sum(ORIGINAL), ZERO).label("murni"),
            func.coalesce(func.sum(func.coalesce(REVISED, ORIGINAL)), ZERO).label("perubahan"),
            func.coalesce(func.sum(in_force(fy, on)), ZERO).label("in_force"),
            func.coalesce(func.sum(tagged.c.tagged), ZERO).label("tagged")]


def by_opd(fy: FiscalYear, on: date | None = None, opd_id: int | None = None) -> list:
    """Per OPD: sub kegiatan, changed ones, murni, perubahan (murni where none), in force on
    `on`, tagged."""
    tagged = _tagged()
    stmt = (
        select(Opd.id, Opd.code, Opd.name, *_sums(fy, on, tagged))
        .join(SubActivity, SubActivity.opd_id == Opd.id)
        .outerjoin(tagged, tagged.c.sa_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fy.id)
        .group_by(Opd.id, Opd.code, Opd.name).order_by(Opd.code))
    if opd_id is not None:
        stmt = stmt.where(Opd.id == opd_id)
    return db.session.execute(stmt).all()


def total(fy: FiscalYear, on: date | None = None, opd_id: int | None = None):
    """The same figures over the whole kabupaten (or one OPD), computed by the database."""
    tagged = _tagged()
    stmt = (
        select(*_sums(fy, on, tagged))
        .select_from(SubActivity).outerjoin(tagged, tagged.c.sa_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fy.id))
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return db.session.execute(stmt).one()


def changed(fy: FiscalYear, opd_id: int | None = None, limit: int = 2000) -> list:
    """The sub kegiatan whose allocation the perubahan changed, biggest change first."""
    tagged = _tagged()
    delta = REVISED - ORIGINAL
    stmt = (
        select(SubActivity.id, SubActivity.code, SubActivity.name, Opd.code.label("opd_code"),
               func.coalesce(func.nullif(Opd.short_name, ""), Opd.name).label("opd"),
               ORIGINAL.label("murni"), REVISED.label("perubahan"), delta.label("delta"),
               func.coalesce(tagged.c.tagged, ZERO).label("tagged"))
        .join(Opd, Opd.id == SubActivity.opd_id)
        .outerjoin(tagged, tagged.c.sa_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fy.id, CHANGED)
        .order_by(func.abs(delta).desc(), SubActivity.code).limit(limit))
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return db.session.execute(stmt).all()


def changed_filter(flag: bool):
    """WHERE clause for the sub kegiatan list's filter: changed in perubahan, or not."""
    return CHANGED if flag else or_(REVISED.is_(None), REVISED == ORIGINAL)


def share(part, whole) -> Decimal | None:
    """`part` as a percentage of `whole`, two decimals; None when `whole` is zero."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01")) if whole else None


def dashboard_summary(fy: FiscalYear, quarter_number: int | None, today: date) -> dict | None:
    """The dashboard's section as plain data (it is cached with the page's figures): kabupaten
    totals of both stages at the end of the quarter shown (one statement); None when the year
    has no revised allocation at all."""
    quarter = next((q for q in fy.quarters if q.number == quarter_number), None)
    on = quarter.end_date if quarter else today
    t = total(fy, on)._asdict()
    if not t["n_changed"]:
        return None
    return {"total": t, "on": on, "quarter_label": quarter.label if quarter else None,
            "share_murni": share(t["tagged"], t["murni"]),
            "share_perubahan": share(t["tagged"], t["perubahan"]),
            "revised_in_force": revised_counts(fy, on)}


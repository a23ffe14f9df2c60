"""The small aggregates behind each role's home page, all computed in SQL."""
from decimal import Decimal

from sqlalchemy import func, literal_column, select

from app.cycle import compliance
from models import (
    ZERO,
    FiscalYear,
    Opd,
    Quarter,
    Realization,
    SubActivity,
    Submission,
    Tag,
    TagVillage,
    db,
)


def opd_sub_activities(opd_id: int, fiscal_year_id: int):
    """The OPD's sub-activities with tagged amount and lokus count, one query."""
    tagged = (
        select(Tag.sub_activity_id, func.sum(Tag.amount).label("tagged"),
               func.count(Tag.id).label("tags"))
        .group_by(Tag.sub_activity_id).subquery()
    )
    lokus = (
        select(Tag.sub_activity_id, func.count(func.distinct(TagVillage.village_id)).label("n"))
        .join(TagVillage, TagVillage.tag_id == Tag.id)
        .group_by(Tag.sub_activity_id).subquery()
    )
    stmt = (
        select(SubActivity, func.coalesce(tagged.c.tagged, ZERO), func.coalesce(tagged.c.tags, 0),
               func.coalesce(lokus.c.n, 0))
        .outerjoin(tagged, tagged.c.sub_activity_id == SubActivity.id)
        .outerjoin(lokus, lokus.c.sub_activity_id == SubActivity.id)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)
        .order_by(SubActivity.code)
    )
    return db.session.execute(stmt).all()


def opd_budget_totals(opd_id: int, fiscal_year_id: int) -> dict[str, Decimal]:
    """Allocation in force and tagged amount of an OPD's year, summed in SQL."""
    tagged = (select(func.coalesce(func.sum(Tag.amount), ZERO))
              .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
              .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)
              .scalar_subquery())
    # Issue 15: the perubahan counts only from the year's revision date (reports/budget_stages).
    from app.core.clock import today
    from reports.queries.budget_stages import in_force

    allocation = in_force(db.session.get(FiscalYear, fiscal_year_id), today())
    row = db.session.execute(
        select(func.coalesce(func.sum(allocation), ZERO), tagged)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)
    ).one()
    return {"allocation": Decimal(row[0]), "tagged": Decimal(row[1])}


def submission_statuses(quarter: Quarter):
    """Every active OPD with its submission for the quarter (None when it has not started)."""
    stmt = (
        select(Opd, Submission)
        .outerjoin(Submission, (Submission.opd_id == Opd.id)
                   & (Submission.quarter_id == quarter.id))
        .where(Opd.is_active)
        .order_by(Opd.code)
    )
    return db.session.execute(stmt).all()


def headline(fy: FiscalYear, quarter: Quarter | None, opd_id: int | None = None) -> dict:
    """Tagged amount, realized to date at `quarter`, absorption, sub-activities and tags (one
    statement: the realized sum is a scalar subquery beside the tag counts)."""
    realized = ZERO
    if quarter is not None:
        realized = (
            select(func.coalesce(func.sum(Realization.amount), ZERO))
            .join(Tag, Tag.id == Realization.tag_id)
            .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(Realization.quarter_id == quarter.id)
        )
        if opd_id:
            realized = realized.where(SubActivity.opd_id == opd_id)
        realized = realized.scalar_subquery()
    base = (
        select(func.count(func.distinct(SubActivity.id)), func.count(Tag.id),
               func.coalesce(func.sum(Tag.amount), ZERO), realized)
        .select_from(SubActivity).join(Tag, Tag.sub_activity_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fy.id)
    )
    if opd_id:
        base = base.where(SubActivity.opd_id == opd_id)
    n_sub, n_tags, tagged, realized = db.session.execute(base).one()
    tagged = Decimal(tagged)
    realized = Decimal(realized)
    return {
        "sub_activities": n_sub,
        "tags": n_tags,
        "tagged": tagged,
        "realized": realized,
        "absorption": (realized / tagged * 100) if tagged else None,
    }


def status_counts(quarter: Quarter) -> dict[str, int]:
    """How many active OPDs are in each status for the quarter ('none' = not started)."""
    # A literal, not a bound parameter: PostgreSQL must see the GROUP BY expression as the same.
    status = func.coalesce(Submission.status, literal_column("'none'"))
    stmt = (
        select(status, func.count(Opd.id))
        .select_from(Opd)
        .outerjoin(Submission, (Submission.opd_id == Opd.id)
                   & (Submission.quarter_id == quarter.id))
        .where(Opd.is_active)
        .group_by(status)
    )
    counts = dict(db.session.execute(stmt).all())
    counts["late"] = compliance.late_count(quarter)  # never-started OPDs past the deadline too
    return counts


def anomaly_count(fiscal_year_id: int, *, quarter_id: int | None = None,
                  opd_id: int | None = None) -> int:
    """Realizations flagged by an anomaly rule in a year (or one quarter), for one OPD or all."""
    stmt = (
        select(func.count(Realization.id))
        .join(Quarter, Quarter.id == Realization.quarter_id)
        .join(Tag, Tag.id == Realization.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(Quarter.fiscal_year_id == fiscal_year_id, Realization.anomalies != "")
    )
    if quarter_id is not None:
        stmt = stmt.where(Realization.quarter_id == quarter_id)
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return db.session.scalar(stmt)

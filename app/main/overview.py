"""The small aggregates behind each role's home page, all computed in SQL."""
from dataclasses import replace
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
    """Tagged amount, realized to date at `quarter` from the one rollup (all data, and verified
    only beside it, so each figure says which it is), absorption, sub-activities and tags, and
    the targets per unit (never added across units). Cached by data version: four rollup
    statements on the first load, one (the version) after."""
    from app.core.cache import cached
    from models.data_version import current_version

    parts = {"fy": fy.id, "quarter": quarter.number if quarter else None, "opd": opd_id,
             "version": current_version()}
    return cached("headline", parts, lambda: _headline(fy, quarter, opd_id))


def _headline(fy: FiscalYear, quarter: Quarter | None, opd_id: int | None) -> dict:
    from reports.queries import rollup

    n_sub = db.session.scalar(
        select(func.count(func.distinct(SubActivity.id))).select_from(SubActivity)
        .join(Tag, Tag.sub_activity_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fy.id,
               *([SubActivity.opd_id == opd_id] if opd_id else [])))
    f = rollup.RollupFilter(fiscal_year_id=fy.id, quarter=quarter.number if quarter else 4,
                            opd_id=opd_id or None)
    total = rollup.total(f)
    verified_total = rollup.total(replace(f, verified_only=True))
    realized = total.realized if quarter is not None else ZERO
    return {
        "sub_activities": n_sub,
        "tags": total.tags,
        "tagged": total.tagged,
        "realized": realized,
        "absorption": total.absorption if quarter is not None else None,
        "verified_realized": verified_total.realized if quarter is not None else ZERO,
        "verified_absorption": verified_total.absorption if quarter is not None else None,
        "targets": rollup.targets_by_unit(f),
    }


def opd_partition(quarter: Quarter) -> dict:
    """The active OPDs split by their report for the quarter, into parts that add up to the
    number of OPDs: verified, waiting for verification, returned, not sent (a draft or not
    started). `late` is not a part: it counts, among them, the reports sent after the deadline
    or not sent once it passed (app.cycle.compliance), and says so."""
    counts = status_counts(quarter)
    parts = [("verified", "Terverifikasi", counts.get("verified", 0)),
             ("submitted", "Menunggu verifikasi", counts.get("submitted", 0)),
             ("returned", "Dikembalikan", counts.get("returned", 0)),
             ("not_sent", "Belum mengirim (draf atau belum mulai)",
              counts.get("draft", 0) + counts.get("none", 0))]
    return {"parts": parts, "total": sum(n for _, _, n in parts), "late": counts["late"]}


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

"""Read-side queries of the workspace: the list with its totals, and a sub-activity's history.

The list is two SQL statements whatever its length: the rows with their aggregates, and the
totals over the same filtered set (a total is the sum of its parts, computed by the database).
"""
from sqlalchemy import case, func, or_, select

from models import (
    ZERO,
    AuditLog,
    District,
    FundingSource,
    Strategy,
    SubActivity,
    Tag,
    TagKind,
    TagVillage,
    User,
    Village,
    VillageYear,
    db,
)
from reports.queries import budget_stages

ALLOCATION = func.coalesce(SubActivity.allocation_revised, SubActivity.allocation_original)


def _filtered(opd_id: int, fiscal_year_id: int, strategy: int | None, text: str,
              changed: bool | None = None):
    stmt = select(SubActivity.id).where(SubActivity.opd_id == opd_id,
                                        SubActivity.fiscal_year_id == fiscal_year_id)
    if changed is not None:  # issue 15: changed in the APBD perubahan, or not
        stmt = stmt.where(budget_stages.changed_filter(changed))
    if strategy:
        stmt = stmt.where(SubActivity.id.in_(
            select(Tag.sub_activity_id).join(Strategy, Strategy.id == Tag.strategy_id)
            .where(Strategy.code == strategy)))
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(or_(func.lower(SubActivity.code).like(like),
                              func.lower(SubActivity.name).like(like)))
    return stmt


def sub_activity_list(opd_id: int, fiscal_year_id: int, *, strategy: int | None = None,
                      text: str = "", changed: bool | None = None,
                      allocation=ALLOCATION) -> tuple[list, dict]:
    """`allocation`: the SQL of the allocation in force (reports/budget_stages.in_force)."""
    ids = _filtered(opd_id, fiscal_year_id, strategy, text, changed).subquery()
    tags = (
        select(Tag.sub_activity_id.label("sa_id"),
               func.sum(Tag.amount).label("tagged"),
               func.count(Tag.id).label("n_tags"),
               *[func.max(case((Strategy.code == c, 1), else_=0)).label(f"s{c}")
                 for c in (1, 2, 3)])
        .join(Strategy, Strategy.id == Tag.strategy_id)
        .where(Tag.sub_activity_id.in_(select(ids.c.id)))
        .group_by(Tag.sub_activity_id).subquery())
    lokus = (
        select(Tag.sub_activity_id.label("sa_id"),
               func.count(func.distinct(TagVillage.village_id)).label("n"))
        .join(TagVillage, TagVillage.tag_id == Tag.id)
        .where(Tag.sub_activity_id.in_(select(ids.c.id)))
        .group_by(Tag.sub_activity_id).subquery())
    rows_stmt = (
        select(SubActivity.id, SubActivity.code, SubActivity.name,
               allocation.label("allocation"),
               SubActivity.allocation_original.label("murni"),
               SubActivity.allocation_revised.label("perubahan"),
               func.coalesce(tags.c.tagged, ZERO).label("tagged"),
               func.coalesce(tags.c.n_tags, 0).label("n_tags"),
               func.coalesce(tags.c.s1, 0).label("s1"), func.coalesce(tags.c.s2, 0).label("s2"),
               func.coalesce(tags.c.s3, 0).label("s3"),
               func.coalesce(lokus.c.n, 0).label("lokus"))
        .outerjoin(tags, tags.c.sa_id == SubActivity.id)
        .outerjoin(lokus, lokus.c.sa_id == SubActivity.id)
        .where(SubActivity.id.in_(select(ids.c.id)))
        .order_by(SubActivity.code))
    rows = db.session.execute(rows_stmt).all()

    ids2 = _filtered(opd_id, fiscal_year_id, strategy, text, changed)
    totals_stmt = select(
        select(func.coalesce(func.sum(allocation), ZERO)).where(SubActivity.id.in_(ids2))
        .scalar_subquery().label("allocation"),
        select(func.coalesce(func.sum(SubActivity.allocation_original), ZERO))
        .where(SubActivity.id.in_(ids2)).scalar_subquery().label("murni"),
        select(func.coalesce(func.sum(ALLOCATION), ZERO)).where(SubActivity.id.in_(ids2))
        .scalar_subquery().label("perubahan"),
        select(func.coalesce(func.sum(Tag.amount), ZERO)).where(Tag.sub_activity_id.in_(ids2))
        .scalar_subquery().label("tagged"),
        select(func.count(func.distinct(TagVillage.village_id)))
        .join(Tag, Tag.id == TagVillage.tag_id).where(Tag.sub_activity_id.in_(ids2))
        .scalar_subquery().label("lokus"),
    )
    totals = db.session.execute(totals_stmt).one()._asdict()
    totals["count"] = len(rows)
    return rows, totals


def history(sa_id: int) -> list:
    """The audit entries of a sub-activity and of its tags and their lokus, newest first."""
    stmt = (
        select(AuditLog, User)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(or_((AuditLog.entity == "sub_activity") & (AuditLog.entity_id == sa_id),
                   (AuditLog.parent_entity == "sub_activity") & (AuditLog.parent_id == sa_id)))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()))
    return db.session.execute(stmt).all()


def reference_names(entries) -> dict[str, dict]:
    """Names for the ids an audit entry holds (strategy, tag kind, fund, desa), few queries."""
    village_ids = set()
    for entry, _user in entries:
        for values in (entry.old_values or {}, entry.new_values or {}):
            if values.get("village_id"):
                village_ids.add(int(values["village_id"]))
    names = {
        "strategy_id": {i: f"{c}. {n}" for i, c, n in db.session.execute(
            select(Strategy.id, Strategy.code, Strategy.short_name))},
        "tag_kind_id": dict(db.session.execute(select(TagKind.id, TagKind.name)).all()),
        "funding_source_id": dict(db.session.execute(
            select(FundingSource.id, FundingSource.name)).all()),
        "village_id": {},
    }
    if village_ids:
        names["village_id"] = dict(db.session.execute(
            select(Village.id, Village.name).where(Village.id.in_(village_ids))).all())
    return names



def village_choices(fiscal_year_id: int) -> tuple[list[dict], dict[int, dict]]:
    """Every desa of the kabupaten grouped by kecamatan, flagged when a lokus of the year."""
    stmt = (
        select(Village.id, Village.name, District.id, District.name,
               func.coalesce(VillageYear.is_priority, False))
        .join(District, District.id == Village.district_id)
        .outerjoin(VillageYear, (VillageYear.village_id == Village.id)
                   & (VillageYear.fiscal_year_id == fiscal_year_id))
        .order_by(District.name, Village.name))
    groups: dict[int, dict] = {}
    by_id: dict[int, dict] = {}
    for vid, vname, did, dname, lokus in db.session.execute(stmt):
        group = groups.setdefault(did, {"id": did, "name": dname, "villages": []})
        item = {"id": vid, "name": vname, "district": dname, "lokus": bool(lokus)}
        group["villages"].append(item)
        by_id[vid] = item
    return list(groups.values()), by_id

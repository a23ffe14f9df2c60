"""Lokus desa: which interventions reach each priority village, convergence of the three
strategies, and the gaps (priority villages with desil-1 households and no intervention).

Amounts and beneficiaries per desa come from the rollup's `village` grouping (apportioned by
per-desa share), so this page and the dashboard never disagree. A fixed number of statements.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from models import District, Strategy, SubActivity, Tag, TagVillage, Village, VillageYear, db

from .rollup import RollupFilter, rollup


@dataclass
class LokusVillage:
    village_id: int
    code: str
    name: str
    district_id: int
    district: str
    households: int
    strategies: set[int] = field(default_factory=set)
    tags: int = 0
    tagged: Decimal = Decimal("0.00")
    realized: Decimal = Decimal("0.00")
    target: int = 0
    reached: int = 0

    @property
    def convergence(self) -> int:
        return len(self.strategies)


def _reach(fy_id: int):
    """A subquery: per village, how many distinct strategies of the year's tags reach it."""
    return (
        select(TagVillage.village_id,
               func.count(func.distinct(Tag.strategy_id)).label("strategies"))
        .join(Tag, Tag.id == TagVillage.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.fiscal_year_id == fy_id)
        .group_by(TagVillage.village_id).subquery("reach")
    )


def priority_villages(f: RollupFilter) -> list[LokusVillage]:
    """Each priority village of the year with its interventions (in kecamatan, desa order)."""
    stmt = (
        select(Village.id, Village.code, Village.name, District.id, District.name,
               VillageYear.desil1_households)
        .join(Village, Village.id == VillageYear.village_id)
        .join(District, District.id == Village.district_id)
        .where(VillageYear.fiscal_year_id == f.fiscal_year_id, VillageYear.is_priority)
        .order_by(District.code, Village.code)
    )
    if f.district_id is not None:
        stmt = stmt.where(Village.district_id == f.district_id)
    rows = {r[0]: LokusVillage(*r) for r in db.session.execute(stmt)}
    pairs = (
        select(TagVillage.village_id, Strategy.code)
        .join(Tag, Tag.id == TagVillage.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .join(Strategy, Strategy.id == Tag.strategy_id)
        .where(SubActivity.fiscal_year_id == f.fiscal_year_id)
        .group_by(TagVillage.village_id, Strategy.code)
    )
    for village_id, code in db.session.execute(pairs):
        if village_id in rows:
            rows[village_id].strategies.add(code)
    for r in rollup(f, "village"):
        v = rows.get(r.key)
        if v is not None:
            v.tags, v.tagged, v.realized = r.tags, r.tagged, r.realized
            v.target, v.reached = r.target, r.reached
    return list(rows.values())


def gaps(fy_id: int, district_id: int | None = None):
    """Priority villages with desil-1 households that no tag of the year reaches, most
    households first."""
    reach = _reach(fy_id)
    stmt = (
        select(Village.id, Village.code, Village.name, District.name.label("district"),
               VillageYear.desil1_households.label("households"))
        .join(Village, Village.id == VillageYear.village_id)
        .join(District, District.id == Village.district_id)
        .outerjoin(reach, reach.c.village_id == Village.id)
        .where(VillageYear.fiscal_year_id == fy_id, VillageYear.is_priority,
               VillageYear.desil1_households > 0, reach.c.village_id.is_(None))
        .order_by(VillageYear.desil1_households.desc(), Village.code)
    )
    if district_id is not None:
        stmt = stmt.where(Village.district_id == district_id)
    return db.session.execute(stmt).all()


def by_district(fy_id: int, district_id: int | None = None):
    """Per kecamatan: priority villages, their desil-1 households, how many are reached, how
    many by all three strategies, and the gaps with their households."""
    reach = _reach(fy_id)
    n = reach.c.strategies
    gap = (reach.c.village_id.is_(None)) & (VillageYear.desil1_households > 0)
    stmt = (
        select(District.id, District.code, District.name,
               func.count(Village.id).label("villages"),
               func.coalesce(func.sum(VillageYear.desil1_households), 0).label("households"),
               func.count(reach.c.village_id).label("reached"),
               func.count(case((n >= 3, Village.id))).label("converged"),
               func.count(case((gap, Village.id))).label("gaps"),
               func.coalesce(func.sum(case((gap, VillageYear.desil1_households), else_=0)), 0)
               .label("gap_households"))
        .select_from(VillageYear)
        .join(Village, Village.id == VillageYear.village_id)
        .join(District, District.id == Village.district_id)
        .outerjoin(reach, reach.c.village_id == Village.id)
        .where(VillageYear.fiscal_year_id == fy_id, VillageYear.is_priority)
        .group_by(District.id, District.code, District.name)
        .order_by(District.code)
    )
    if district_id is not None:
        stmt = stmt.where(Village.district_id == district_id)
    return db.session.execute(stmt).all()


__all__ = ["LokusVillage", "by_district", "gaps", "priority_villages"]

"""Lokus desa: which interventions reach each priority village, convergence of the three
strategies, and the gaps (priority villages with desil-1 households and no intervention).

`other_sources=True` (issue 17) counts the interventions of other funding sources (Dana Desa,
BAZNAS, CSR, ..., models.OtherIntervention) too: a strategy reaches a desa when an APBD tag or
another source's intervention of that strategy does. The default stays APBD kabupaten only, so
existing callers read what they always read; the lokus page and the API default to every source.

Amounts and beneficiaries per desa come from the rollup's `village` grouping (apportioned by
per-desa share), so this page and the dashboard never disagree. A fixed number of statements.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select, union

from models import (
    District,
    OtherIntervention,
    Strategy,
    SubActivity,
    Tag,
    TagVillage,
    Village,
    VillageYear,
    db,
)
from reports.queries.rollup import RollupFilter, rollup


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
    # Other sources (other_sources=True): {source kind: (planned, realized to date)} and the
    # households their interventions report reached.
    other: dict = field(default_factory=dict)
    other_households: int = 0

    @property
    def convergence(self) -> int:
        return len(self.strategies)


def _pairs(fy_id: int, other_sources: bool):
    """(village_id, strategy_id) reaching a desa in the year: the tags' lokus, and with
    `other_sources` the other sources' interventions too."""
    tags = (select(TagVillage.village_id.label("village_id"),
                   Tag.strategy_id.label("strategy_id"))
            .join(Tag, Tag.id == TagVillage.tag_id)
            .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(SubActivity.fiscal_year_id == fy_id))
    if not other_sources:
        return tags.subquery("pairs")
    other = (select(OtherIntervention.village_id, OtherIntervention.strategy_id)
             .where(OtherIntervention.fiscal_year_id == fy_id))
    return union(tags, other).subquery("pairs")


def _reach(fy_id: int, other_sources: bool = False):
    """A subquery: per village, how many distinct strategies reach it in the year."""
    pairs = _pairs(fy_id, other_sources)
    return (
        select(pairs.c.village_id,
               func.count(func.distinct(pairs.c.strategy_id)).label("strategies"))
        .group_by(pairs.c.village_id).subquery("reach")
    )


def priority_villages(f: RollupFilter, other_sources: bool = False) -> list[LokusVillage]:
    """Each priority village of the year with its interventions (in kecamatan, desa order);
    the amounts are the APBD tags', the other sources' are in `other` by source kind."""
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
    pairs = _pairs(f.fiscal_year_id, other_sources)
    codes = (select(pairs.c.village_id, Strategy.code)
             .join(Strategy, Strategy.id == pairs.c.strategy_id)
             .group_by(pairs.c.village_id, Strategy.code))
    for village_id, code in db.session.execute(codes):
        if village_id in rows:
            rows[village_id].strategies.add(code)
    if other_sources:
        from reports.queries.convergence import per_village

        for village_id, kind, planned, realized, households in per_village(
                f.fiscal_year_id, f.quarter, f.district_id):
            v = rows.get(village_id)
            if v is not None:
                v.other[kind] = (planned, realized)
                v.other_households += households
    for r in rollup(f, "village"):
        v = rows.get(r.key)
        if v is not None:
            v.tags, v.tagged, v.realized = r.tags, r.tagged, r.realized
            v.target, v.reached = r.target, r.reached
    return list(rows.values())


def gaps(fy_id: int, district_id: int | None = None, other_sources: bool = False):
    """Priority villages with desil-1 households that no tag of the year (nor, with
    `other_sources`, any other source's intervention) reaches, most households first."""
    reach = _reach(fy_id, other_sources)
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


def by_district(fy_id: int, district_id: int | None = None, other_sources: bool = False):
    """Per kecamatan: priority villages, their desil-1 households, how many are reached, how
    many by all three strategies, and the gaps with their households."""
    reach = _reach(fy_id, other_sources)
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

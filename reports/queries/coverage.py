"""Household coverage rollups (issue 16), in SQL: desil-1 households of the current BNBA
snapshot reached by 0, 1, 2 or 3 strategies per desa and kecamatan, those reached by nobody,
the same kind of aid from several OPDs, spend per reached household, and the trend per snapshot.

"Reached" for a fiscal year and quarter Q: the household is in the beneficiary list of a tag of
that year for a quarter up to Q (lists are per quarter; reach is counted to date). "The same
kind of aid": the same strategy and the same jenis bantuan (tag.aid_type, compared without case
or surrounding spaces) from tags of two or more OPDs; tags without a jenis bantuan are left out,
since "tidak diisi" is not a kind of aid.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, distinct, exists, func, or_, select

from models import (
    BeneficiaryHousehold,
    BeneficiaryList,
    District,
    Household,
    HouseholdSnapshot,
    Opd,
    SnapshotVillageCount,
    Strategy,
    SubActivity,
    Tag,
    Village,
    db,
)
from reports.queries.rollup import rollup
from reports.queries.rollup_base import RollupFilter

PAGE_SIZE = 50
PREFIX_HEX = 12  # hex digits of the hash shown: enough to find a household, not to rebuild it
UNREACHED_XLSX_MAX = 200_000  # rows of the unreached list in one XLSX (a sheet holds 1,048,576)


@dataclass(frozen=True)
class ReachRow:
    key: int | None
    code: str
    name: str
    district: str
    households: int
    by_count: tuple[int, int, int, int]  # reached by 0, 1, 2, 3 strategies

    @property
    def reached(self) -> int:
        return self.households - self.by_count[0]


def current_snapshot() -> HouseholdSnapshot | None:
    return db.session.scalar(select(HouseholdSnapshot).order_by(
        HouseholdSnapshot.id.desc()).limit(1))


def _reached(fy_id: int, quarter: int):
    """(household_id, strategy code) reached by the year's lists up to the quarter."""
    return (select(BeneficiaryHousehold.household_id.label("household_id"),
                   Strategy.code.label("strategy"))
            .join(BeneficiaryList, BeneficiaryList.id == BeneficiaryHousehold.list_id)
            .join(Tag, Tag.id == BeneficiaryList.tag_id)
            .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .join(Strategy, Strategy.id == Tag.strategy_id)
            .where(SubActivity.fiscal_year_id == fy_id, BeneficiaryList.quarter <= quarter)
            .distinct().cte("reached"))


def _counted(snapshot_id: int):
    """Desil-1 households of the snapshot that an approved verval (issue 28) has not taken out
    of it (no longer extreme-poor, moved, dead, a duplicate): the denominators and the
    unreached list count these."""
    return and_(Household.snapshot_id == snapshot_id, Household.desil == 1,
                or_(Household.verval_exit_snapshot_id.is_(None),
                    Household.verval_exit_snapshot_id != snapshot_id))


def _per_household(snapshot_id: int, fy_id: int, quarter: int):
    reached = _reached(fy_id, quarter)
    return (select(Household.id.label("hid"), Household.village_id.label("village_id"),
                   func.count(distinct(reached.c.strategy)).label("n"))
            .outerjoin(reached, reached.c.household_id == Household.id)
            .where(_counted(snapshot_id))
            .group_by(Household.id, Household.village_id).subquery("per_household"))


def _counts(ph):
    return [func.count().label("households"),
            *(func.sum(case((ph.c.n == k, 1), else_=0)).label(f"n{k}") for k in (0, 1, 2)),
            func.sum(case((ph.c.n >= 3, 1), else_=0)).label("n3")]


def by_village(snapshot_id: int, fy_id: int, quarter: int,
               district_id: int | None = None) -> list[ReachRow]:
    ph = _per_household(snapshot_id, fy_id, quarter)
    stmt = (select(Village.id, Village.code, Village.name, District.name, *_counts(ph))
            .join(Village, Village.id == ph.c.village_id)
            .join(District, District.id == Village.district_id)
            .group_by(Village.id, Village.code, Village.name, District.name)
            .order_by(Village.code))
    if district_id is not None:
        stmt = stmt.where(Village.district_id == district_id)
    return [ReachRow(r[0], r[1], r[2], r[3], r[4], tuple(int(x or 0) for x in r[5:9]))
            for r in db.session.execute(stmt)]


def by_district(snapshot_id: int, fy_id: int, quarter: int) -> list[ReachRow]:
    ph = _per_household(snapshot_id, fy_id, quarter)
    stmt = (select(District.id, District.code, District.name, *_counts(ph))
            .join(Village, Village.id == ph.c.village_id)
            .join(District, District.id == Village.district_id)
            .group_by(District.id, District.code, District.name).order_by(District.code))
    return [ReachRow(r[0], r[1], r[2], r[2], r[3], tuple(int(x or 0) for x in r[4:8]))
            for r in db.session.execute(stmt)]


def total(snapshot_id: int, fy_id: int, quarter: int) -> ReachRow:
    ph = _per_household(snapshot_id, fy_id, quarter)
    r = db.session.execute(select(*_counts(ph))).one()
    return ReachRow(None, "", "Jumlah", "", r[0], tuple(int(x or 0) for x in r[1:5]))


def unreached(snapshot_id: int, fy_id: int, quarter: int, page: int = 1,
              district_id: int | None = None) -> tuple[list[tuple[str, str, str]], int]:
    """One page of desil-1 households reached by nobody: (desa, kecamatan, hash prefix), and
    how many there are in all. The prefix is what the pemda checks against its own file."""
    base = _unreached_query(snapshot_id, fy_id, quarter, district_id)
    count = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.execute(base.order_by(Village.code, Household.hash)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [(v, d, h.hex()[:PREFIX_HEX]) for h, v, d in rows], count


def unreached_all(snapshot_id: int, fy_id: int, quarter: int, district_id: int | None = None,
                  limit: int = UNREACHED_XLSX_MAX) -> list[tuple[str, str, str]]:
    """The whole list in the page's order (for its XLSX), at most `limit` rows."""
    base = _unreached_query(snapshot_id, fy_id, quarter, district_id)
    rows = db.session.execute(base.order_by(Village.code, Household.hash).limit(limit))
    return [(v, d, h.hex()[:PREFIX_HEX]) for h, v, d in rows]


def _unreached_query(snapshot_id: int, fy_id: int, quarter: int, district_id: int | None):
    reached = _reached(fy_id, quarter)
    where = [_counted(snapshot_id), ~exists().where(reached.c.household_id == Household.id)]
    if district_id is not None:
        where.append(Village.district_id == district_id)
    return (select(Household.hash, Village.name, District.name)
            .join(Village, Village.id == Household.village_id)
            .join(District, District.id == Village.district_id).where(*where))


@dataclass(frozen=True)
class OverlapRow:
    strategy: int
    aid_type: str
    households: int
    opds: int


def overlaps(snapshot_id: int, fy_id: int, quarter: int) -> list[OverlapRow]:
    """Per kind of aid: households of the current snapshot receiving it from two or more OPDs
    (possible double counting), and how many OPDs give that kind through their lists."""
    kind = func.lower(func.trim(Tag.aid_type))
    listed = (select(BeneficiaryList.id.label("list_id"), Strategy.code.label("strategy"),
                     kind.label("kind"), SubActivity.opd_id.label("opd_id"))
              .join(Tag, Tag.id == BeneficiaryList.tag_id)
              .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
              .join(Strategy, Strategy.id == Tag.strategy_id)
              .where(SubActivity.fiscal_year_id == fy_id, BeneficiaryList.quarter <= quarter,
                     kind != "").cte("listed"))
    per_household = (
        select(listed.c.strategy, listed.c.kind,
               func.count(distinct(listed.c.opd_id)).label("opds"))
        .select_from(BeneficiaryHousehold)
        .join(listed, listed.c.list_id == BeneficiaryHousehold.list_id)
        .join(Household, Household.id == BeneficiaryHousehold.household_id)
        .where(Household.snapshot_id == snapshot_id)
        .group_by(listed.c.strategy, listed.c.kind, BeneficiaryHousehold.household_id)
        .subquery("per_household"))
    several = func.sum(case((per_household.c.opds > 1, 1), else_=0))
    counts = db.session.execute(
        select(per_household.c.strategy, per_household.c.kind, several)
        .group_by(per_household.c.strategy, per_household.c.kind)
        .having(several > 0)).all()
    givers = dict(((s_, k), n) for s_, k, n in db.session.execute(
        select(listed.c.strategy, listed.c.kind, func.count(distinct(listed.c.opd_id)))
        .group_by(listed.c.strategy, listed.c.kind)).all())
    return [OverlapRow(int(s_), k, int(h), int(givers.get((s_, k), 0)))
            for s_, k, h in sorted(counts)]


@dataclass(frozen=True)
class SpendRow:
    strategy: int
    name: str
    tags: int  # tags of the strategy with a beneficiary list
    households: int  # distinct households those lists reached (any desil)
    realized: Decimal  # those tags' realization to date

    @property
    def per_household(self) -> Decimal | None:
        if not self.households:
            return None
        return (self.realized / self.households).quantize(Decimal("1"))


def spend(fy_id: int, quarter: int) -> list[SpendRow]:
    """Realization to date of the tags that have lists, per strategy, over the households
    their lists reached. The realization comes from the rollup (one statement per tag)."""
    listed = (select(Strategy.code, Strategy.short_name, BeneficiaryList.tag_id,
                     BeneficiaryHousehold.household_id)
              .join(Tag, Tag.id == BeneficiaryList.tag_id)
              .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
              .join(Strategy, Strategy.id == Tag.strategy_id)
              .outerjoin(BeneficiaryHousehold,
                         BeneficiaryHousehold.list_id == BeneficiaryList.id)
              .where(SubActivity.fiscal_year_id == fy_id, BeneficiaryList.quarter <= quarter)
              .subquery())
    per_strategy = db.session.execute(
        select(listed.c.code, listed.c.short_name, func.count(distinct(listed.c.tag_id)),
               func.count(distinct(listed.c.household_id)))
        .group_by(listed.c.code, listed.c.short_name).order_by(listed.c.code)).all()
    if not per_strategy:
        return []
    tag_strategy = dict(db.session.execute(
        select(listed.c.tag_id, listed.c.code).distinct()).all())
    realized: dict[int, Decimal] = {}
    for row in rollup(RollupFilter(fiscal_year_id=fy_id, quarter=quarter), "tag"):
        code = tag_strategy.get(row.key)
        if code is not None:
            realized[code] = realized.get(code, Decimal("0")) + row.realized
    return [SpendRow(int(c), n, int(t), int(h), realized.get(c, Decimal("0")))
            for c, n, t, h in per_strategy]


@dataclass(frozen=True)
class TrendPoint:
    snapshot_id: int
    taken_on: date
    source: str
    desil1: int
    exits: int = 0  # issue 28: taken out of this snapshot by an approved verval

    @property
    def after_verval(self) -> int:
        return self.desil1 - self.exits


def trend(district_id: int | None = None) -> list[TrendPoint]:
    """Desil-1 households per snapshot (kabupaten, or one kecamatan), oldest first, with those
    an approved verval took out of each."""
    from reports.queries.verval import approved_exits

    exits = approved_exits(district_id)
    counted = SnapshotVillageCount.households
    if district_id is not None:
        counted = case((Village.district_id == district_id, counted), else_=0)
    stmt = (select(HouseholdSnapshot.id, HouseholdSnapshot.taken_on, HouseholdSnapshot.source,
                   func.coalesce(func.sum(counted), 0))
            .outerjoin(SnapshotVillageCount,
                       and_(SnapshotVillageCount.snapshot_id == HouseholdSnapshot.id,
                            SnapshotVillageCount.desil == 1))
            .outerjoin(Village, Village.id == SnapshotVillageCount.village_id)
            .group_by(HouseholdSnapshot.id, HouseholdSnapshot.taken_on, HouseholdSnapshot.source)
            .order_by(HouseholdSnapshot.taken_on, HouseholdSnapshot.id))
    return [TrendPoint(i, t, s, int(n), exits.get(i, 0))
            for i, t, s, n in db.session.execute(stmt)]


def village_trend(snapshot_ids: list[int]) -> dict[int, dict[int, int]]:
    """village id -> {snapshot id: desil-1 households} for the given snapshots."""
    out: dict[int, dict[int, int]] = {}
    if not snapshot_ids:
        return out
    rows = db.session.execute(
        select(SnapshotVillageCount.village_id, SnapshotVillageCount.snapshot_id,
               SnapshotVillageCount.households)
        .where(SnapshotVillageCount.snapshot_id.in_(snapshot_ids),
               SnapshotVillageCount.desil == 1))
    for vid, sid, n in rows:
        out.setdefault(vid, {})[sid] = n
    return out


def interventions(household_id: int) -> list[tuple]:
    """The lists a household is in: (year, quarter, OPD, sub-activity, strategy, jenis)."""
    from models import FiscalYear

    return db.session.execute(
        select(FiscalYear.year, BeneficiaryList.quarter, Opd.name, SubActivity.name,
               Strategy.code, Tag.aid_type)
        .select_from(BeneficiaryHousehold)
        .join(BeneficiaryList, BeneficiaryList.id == BeneficiaryHousehold.list_id)
        .join(Tag, Tag.id == BeneficiaryList.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .join(FiscalYear, FiscalYear.id == SubActivity.fiscal_year_id)
        .join(Opd, Opd.id == SubActivity.opd_id)
        .join(Strategy, Strategy.id == Tag.strategy_id)
        .where(BeneficiaryHousehold.household_id == household_id)
        .order_by(FiscalYear.year, BeneficiaryList.quarter, Opd.name)).all()

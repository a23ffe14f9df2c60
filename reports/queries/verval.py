"""Verval progress (issue 28), in SQL: per desa of a campaign, its households, how many are
recorded, the counts per status and its state; per kecamatan the same summed by the database;
a desa is late when the deadline has passed and it has not submitted (nor been approved).
Also the campaign's exits per snapshot for the coverage trend. Counts only: no hash leaves
these functions except `records`, which lists a desa's own rows with their hash prefix."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from models import (
    VERVAL_STATUSES,
    District,
    Household,
    VervalCampaign,
    VervalRecord,
    VervalVillage,
    Village,
    db,
)

PREFIX_HEX = 12
PAGE_SIZE = 50


@dataclass(frozen=True)
class ProgressRow:
    key: int  # verval_village id (desa rows) or district id (kecamatan rows)
    code: str
    name: str
    district: str
    state: str
    households: int
    recorded: int
    by_status: dict
    late: bool

    @property
    def percent(self) -> int:
        return int(self.recorded * 100 // self.households) if self.households else 100


def _per_desa(campaign_id: int):
    """Recorded and per-status counts per desa of the campaign, grouped on the record's own
    integer key (the index on (desa, status) answers it) before any name is joined."""
    return _per_desa_of(select(VervalVillage.id).where(VervalVillage.campaign_id == campaign_id))


def _per_desa_of(desa_ids):
    counts = [func.sum(case((VervalRecord.status == s, 1), else_=0)).label(s)
              for s in VERVAL_STATUSES]
    return (select(VervalRecord.campaign_village_id.label("cv"),
                   func.count(VervalRecord.status).label("recorded"), *counts)
            .where(VervalRecord.campaign_village_id.in_(desa_ids))
            .group_by(VervalRecord.campaign_village_id).subquery("per_desa"))


def _ints(values) -> dict:
    return dict(zip(VERVAL_STATUSES, (int(x or 0) for x in values), strict=True))


def by_village(campaign: VervalCampaign, on: date, village_id: int | None = None,
               district_id: int | None = None) -> list[ProgressRow]:
    per = _per_desa(campaign.id)
    stmt = (select(VervalVillage.id, Village.code, Village.name, District.name,
                   VervalVillage.state, VervalVillage.households, per.c.recorded,
                   *(per.c[s] for s in VERVAL_STATUSES))
            .join(Village, Village.id == VervalVillage.village_id)
            .join(District, District.id == Village.district_id)
            .outerjoin(per, per.c.cv == VervalVillage.id)
            .where(VervalVillage.campaign_id == campaign.id)
            .order_by(Village.code))
    if village_id is not None:
        stmt = stmt.where(VervalVillage.village_id == village_id)
    if district_id is not None:
        stmt = stmt.where(Village.district_id == district_id)
    overdue = on > campaign.deadline
    return [ProgressRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6] or 0), _ints(r[7:]),
                        overdue and r[4] in ("open", "returned"))
            for r in db.session.execute(stmt)]


def by_district(campaign: VervalCampaign, on: date) -> list[ProgressRow]:
    per = _per_desa(campaign.id)
    open_ = func.sum(case((VervalVillage.state.in_(("open", "returned")), 1), else_=0))
    stmt = (select(District.id, District.code, District.name, func.sum(VervalVillage.households),
                   func.sum(per.c.recorded), open_,
                   *(func.sum(per.c[s]) for s in VERVAL_STATUSES))
            .select_from(VervalVillage)
            .join(Village, Village.id == VervalVillage.village_id)
            .join(District, District.id == Village.district_id)
            .outerjoin(per, per.c.cv == VervalVillage.id)
            .where(VervalVillage.campaign_id == campaign.id)
            .group_by(District.id, District.code, District.name).order_by(District.code))
    overdue = on > campaign.deadline
    return [ProgressRow(r[0], r[1], r[2], r[2], "", int(r[3] or 0), int(r[4] or 0),
                        _ints(r[6:]), overdue and bool(r[5]))
            for r in db.session.execute(stmt)]


def total(rows: list[ProgressRow]) -> ProgressRow:
    return ProgressRow(0, "", "Jumlah", "", "", sum(r.households for r in rows),
                       sum(r.recorded for r in rows),
                       {s: sum(r.by_status[s] for r in rows) for s in VERVAL_STATUSES},
                       any(r.late for r in rows))


def records(cv_id: int, page: int = 1, only_open: bool = False,
            size: int = PAGE_SIZE) -> tuple[list[tuple], int]:
    """One page of a desa's rows: (record id, row no, hash prefix, status, note), and the
    number of rows in all."""
    where = [VervalRecord.campaign_village_id == cv_id]
    if only_open:
        where.append(VervalRecord.status.is_(None))
    count = db.session.scalar(select(func.count()).where(*where)) or 0
    rows = db.session.execute(
        select(VervalRecord.id, VervalRecord.row_no, Household.hash, VervalRecord.status,
               VervalRecord.note)
        .join(Household, Household.id == VervalRecord.household_id).where(*where)
        .order_by(VervalRecord.row_no).limit(size).offset((page - 1) * size)).all()
    return [(i, n, bytes(h).hex()[:PREFIX_HEX], s, note) for i, n, h, s, note in rows], count


def prefixes_by_status(campaign_id: int, district_id: int | None = None) -> list[tuple]:
    """(desa code, desa, row, prefix, status) of a campaign's recorded rows, for the export."""
    stmt = (select(Village.code, Village.name, VervalRecord.row_no, Household.hash,
                   VervalRecord.status)
            .join(VervalVillage, VervalVillage.id == VervalRecord.campaign_village_id)
            .join(Village, Village.id == VervalVillage.village_id)
            .join(Household, Household.id == VervalRecord.household_id)
            .where(VervalVillage.campaign_id == campaign_id)
            .order_by(Village.code, VervalRecord.status, VervalRecord.row_no))
    if district_id is not None:
        stmt = stmt.where(Village.district_id == district_id)
    return [(c, n, r, bytes(h).hex()[:PREFIX_HEX], s) for c, n, r, h, s in
            db.session.execute(stmt)]


def approved_exits(district_id: int | None = None) -> dict[int, int]:
    """snapshot id -> desil-1 households an approved verval took out of that snapshot (the
    mark approval leaves on the household, so a later campaign's correction counts)."""
    stmt = (select(Household.verval_exit_snapshot_id, func.count())
            .where(Household.verval_exit_snapshot_id.is_not(None), Household.desil == 1)
            .group_by(Household.verval_exit_snapshot_id))
    if district_id is not None:
        stmt = stmt.join(Village, Village.id == Household.village_id).where(
            Village.district_id == district_id)
    return {int(s): int(n) for s, n in db.session.execute(stmt)}


def approved_counts(snapshot_id: int) -> dict[int, dict[str, int]]:
    """village id -> households per status of the desa's latest approved verval on the
    snapshot (the province bundle's counts per desa and status)."""
    latest = (select(func.max(VervalVillage.id))
              .join(VervalCampaign, VervalCampaign.id == VervalVillage.campaign_id)
              .where(VervalCampaign.snapshot_id == snapshot_id,
                     VervalVillage.state == "approved")
              .group_by(VervalVillage.village_id))
    per = _per_desa_of(latest)
    out = {}
    for vid, *counts in db.session.execute(
            select(VervalVillage.village_id, *(per.c[s] for s in VERVAL_STATUSES))
            .join(per, per.c.cv == VervalVillage.id)):
        out[vid] = _ints(counts)
    return out

"""Other funding sources at the lokus desa (issue 17), summed in SQL like every rollup.

An intervention's realization is stored per quarter (its own flow), so its figure to date at
quarter q is the sum of the flows 1..q. Money is summed in whole sen, as in reports/rollup_base.
"""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from models import SOURCE_KINDS, OtherIntervention, Village, VillageYear, db
from models.convergence import APBD_KABUPATEN
from reports.queries.rollup_base import _sen


@dataclass(frozen=True)
class SourceRow:
    code: str
    label: str
    interventions: int
    villages: int
    planned: Decimal
    realized: Decimal
    households: int


def realized_to(quarter: int):
    """The SQL expression of an intervention's realization to date at `quarter`, in sen."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    cols = [getattr(OtherIntervention, f"realized_q{n}") for n in range(1, quarter + 1)]
    return sum((_sen(c) for c in cols[1:]), _sen(cols[0]))


def _rupiah(sen) -> Decimal:
    return Decimal(int(sen or 0)).scaleb(-2)


def _scoped(stmt, fy_id: int, district_id: int | None, priority_only: bool):
    stmt = stmt.where(OtherIntervention.fiscal_year_id == fy_id)
    if district_id is not None:
        stmt = stmt.join(Village, Village.id == OtherIntervention.village_id).where(
            Village.district_id == district_id)
    if priority_only:
        stmt = stmt.join(VillageYear, (VillageYear.village_id == OtherIntervention.village_id)
                         & (VillageYear.fiscal_year_id == fy_id)).where(VillageYear.is_priority)
    return stmt


def per_village(fy_id: int, quarter: int, district_id: int | None = None):
    """(village id, source kind, planned, realized to date, households) at the priority
    villages of the year."""
    stmt = _scoped(
        select(OtherIntervention.village_id, OtherIntervention.source_kind,
               func.sum(_sen(OtherIntervention.amount_planned)),
               func.sum(realized_to(quarter)), func.sum(OtherIntervention.households_reached))
        .group_by(OtherIntervention.village_id, OtherIntervention.source_kind),
        fy_id, district_id, priority_only=True)
    return [(v, k, _rupiah(p), _rupiah(r), int(h or 0)) for v, k, p, r, h in
            db.session.execute(stmt)]


def other_sources(fy_id: int, quarter: int, district_id: int | None = None,
                  priority_only: bool = False) -> list[SourceRow]:
    """One row per source kind that has interventions (in SOURCE_KINDS order)."""
    stmt = _scoped(
        select(OtherIntervention.source_kind, func.count(OtherIntervention.id),
               func.count(func.distinct(OtherIntervention.village_id)),
               func.sum(_sen(OtherIntervention.amount_planned)),
               func.sum(realized_to(quarter)), func.sum(OtherIntervention.households_reached))
        .group_by(OtherIntervention.source_kind),
        fy_id, district_id, priority_only)
    found = {r[0]: r for r in db.session.execute(stmt)}
    return [SourceRow(k, label, int(found[k][1]), int(found[k][2]), _rupiah(found[k][3]),
                      _rupiah(found[k][4]), int(found[k][5] or 0))
            for k, label in SOURCE_KINDS.items() if k in found]


def split(apbd_planned: Decimal, apbd_realized: Decimal, others: list[SourceRow],
          apbd_villages: int = 0, apbd_households: int = 0) -> list[SourceRow]:
    """APBD kabupaten (the tags' figures, given by the caller from the rollup) first, then
    each other source; the caller adds the total row from these."""
    apbd = SourceRow("apbd_kabupaten", APBD_KABUPATEN, 0, apbd_villages, apbd_planned,
                     apbd_realized, apbd_households)
    return [apbd, *others]


def total_row(rows: list[SourceRow]) -> SourceRow:
    return SourceRow("", "Jumlah", sum(r.interventions for r in rows), 0,
                     sum((r.planned for r in rows), Decimal("0.00")),
                     sum((r.realized for r in rows), Decimal("0.00")),
                     sum(r.households for r in rows))


def sources_table(rows, total, filters):
    """The split by source as an XLSX sheet (the lokus page and the dashboard)."""
    from app.core.table_xlsx import Column, Table

    count = "count"
    return Table(
        title="Menurut sumber dana: APBD kabupaten dan sumber lain", sheet="Sumber dana desa",
        filters=filters,
        columns=[Column("Sumber", width=26), Column("Intervensi", count), Column("Desa", count),
                 Column("Rencana / anggaran", "money"), Column("Realisasi", "money"),
                 Column("Rumah tangga terjangkau", count)],
        rows=[[r.label, r.interventions or None, r.villages or None, r.planned, r.realized,
               r.households or None] for r in rows],
        total=["Jumlah", total.interventions, "", total.planned, total.realized,
               total.households])


__all__ = ["SourceRow", "other_sources", "per_village", "realized_to", "sources_table", "split",
           "total_row"]

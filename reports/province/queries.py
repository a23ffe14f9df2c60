"""The province rollup: figures across kabupaten/kota, from the rows of the bundles they sent.

For a year and a quarter, each kabupaten counts with its newest current bundle whose figures
are to date at the end of that quarter (a TW II bundle or a semester-1 bundle: the same figure).
Every figure is one SQL statement over `federation_row` (GROUP BY), money summed in whole sen
as in reports/queries/rollup.py, so the province total equals the sum of the kabupaten totals
exactly and SQLite adds up like PostgreSQL. Physical progress is weighted by the tagged amount.
"""
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select

from models import (
    FederationBundle,
    FederationLokus,
    FederationMatrixRow,
    FederationMember,
    FederationRow,
    db,
)
from reports.queries.rollup_base import _sen

WIB = timedelta(hours=7)

CENT = Decimal("0.01")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class ProvinceRow:
    key: str
    label: str
    kabupaten: int
    tags: int
    tagged: Decimal
    realized: Decimal
    physical: Decimal | None
    target: int
    reached: int

    @property
    def absorption(self) -> Decimal | None:
        if not self.tagged:
            return None
        return (self.realized * 100 / self.tagged).quantize(CENT, ROUND_HALF_UP)


def chosen_bundles(year: int, quarter: int):
    """A subquery (member_id, bundle_id): each kabupaten's newest current bundle to date at
    the end of `quarter`."""
    return (
        select(FederationBundle.member_id, func.max(FederationBundle.id).label("bundle_id"))
        .join(FederationMember, FederationMember.id == FederationBundle.member_id)
        .where(FederationBundle.fiscal_year == year, FederationBundle.quarter == quarter,
               FederationBundle.is_current, FederationMember.active)
        .group_by(FederationBundle.member_id)
        .subquery("chosen")
    )


def _measures(r=FederationRow):
    return (func.count(func.distinct(r.bundle_id)), func.sum(r.tags), func.sum(_sen(r.tagged)),
            func.sum(_sen(r.realized)), func.sum(_sen(r.tagged) * func.coalesce(r.physical, 0)),
            func.sum(r.target), func.sum(r.reached))


def _row(key, label, n, tags, a, r, pw, target, reached) -> ProvinceRow:
    a, r = int(a or 0), int(r or 0)
    physical = (Decimal(str(pw or 0)) / a).quantize(CENT, ROUND_HALF_UP) if a else None
    return ProvinceRow(key=key or "", label=label or "", kabupaten=int(n or 0),
                       tags=int(tags or 0), tagged=Decimal(a).scaleb(-2),
                       realized=Decimal(r).scaleb(-2), physical=physical,
                       target=int(target or 0), reached=int(reached or 0))


def by_dimension(year: int, quarter: int, dimension: str) -> list[ProvinceRow]:
    """Across kabupaten, grouped by the key of `dimension` (strategy, tag_kind,
    funding_source, theme; `total` gives one row)."""
    chosen = chosen_bundles(year, quarter)
    stmt = (select(FederationRow.key, func.max(FederationRow.label), *_measures())
            .join(chosen, chosen.c.bundle_id == FederationRow.bundle_id)
            .where(FederationRow.dimension == dimension)
            .group_by(FederationRow.key).order_by(FederationRow.key))
    return [_row(*r) for r in db.session.execute(stmt)]


def province_total(year: int, quarter: int) -> ProvinceRow:
    rows = by_dimension(year, quarter, "total")
    return rows[0] if rows else _row("", "Jumlah", 0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    code: str
    name: str
    bundle_id: int | None
    received_at: datetime | None
    period: str
    figures: ProvinceRow | None


def by_kabupaten(year: int, quarter: int) -> list[MemberRow]:
    """Every active registered kabupaten with its total for the quarter (None: nothing sent)."""
    chosen = chosen_bundles(year, quarter)
    b, r = FederationBundle, FederationRow
    stmt = (
        select(FederationMember.id, FederationMember.code, FederationMember.name, b.id,
               b.received_at, b.period_kind, b.period_number, *_measures(r))
        .select_from(FederationMember)
        .outerjoin(chosen, chosen.c.member_id == FederationMember.id)
        .outerjoin(b, b.id == chosen.c.bundle_id)
        .outerjoin(r, and_(r.bundle_id == b.id, r.dimension == "total"))
        .where(FederationMember.active)
        .group_by(FederationMember.id, FederationMember.code, FederationMember.name, b.id,
                  b.received_at, b.period_kind, b.period_number)
        .order_by(FederationMember.code))
    out = []
    for row in db.session.execute(stmt):
        mid, code, name, bid, received, kind, number, *m = row
        period = ""
        if bid is not None:
            period = (f"Semester {number}" if kind == "semester"
                      else f"Triwulan {ROMAN[number]}")
        out.append(MemberRow(mid, code, name, bid, received, period,
                             _row(code, name, *m) if bid is not None else None))
    return out


def bundle_rows(bundle_id: int, dimension: str) -> list[FederationRow]:
    return list(db.session.scalars(select(FederationRow).where(
        FederationRow.bundle_id == bundle_id, FederationRow.dimension == dimension)
        .order_by(FederationRow.key, FederationRow.id)))


def bundle_lokus(bundle_id: int) -> list[FederationLokus]:
    return list(db.session.scalars(select(FederationLokus).where(
        FederationLokus.bundle_id == bundle_id).order_by(FederationLokus.village_code)))


def bundle_matrix(bundle_id: int, limit: int = 500, offset: int = 0
                  ) -> list[FederationMatrixRow]:
    return list(db.session.scalars(select(FederationMatrixRow).where(
        FederationMatrixRow.bundle_id == bundle_id).order_by(FederationMatrixRow.position)
        .limit(limit).offset(offset)))


def bundle_matrix_count(bundle_id: int) -> int:
    return db.session.scalar(select(func.count(FederationMatrixRow.id)).where(
        FederationMatrixRow.bundle_id == bundle_id)) or 0


@dataclass(frozen=True)
class CoverageRow:
    district: str
    village_code: str
    village: str
    households: int
    by_strategies: tuple[int, int, int, int]  # reached by 0, 1, 2, 3 strategies

    @property
    def reached(self) -> int:
        return self.households - self.by_strategies[0]


@dataclass(frozen=True)
class Coverage:
    """A bundle's household coverage (issue 16): per desa, and the kabupaten's total."""
    snapshot_date: date | None
    rows: list[CoverageRow]
    total: CoverageRow


def bundle_coverage(bundle_id: int) -> Coverage | None:
    """The coverage section of a stored bundle (None when the kabupaten sent none: no BNBA
    snapshot). Kept in the bundle's own JSON (validated and checked on receipt) rather than
    in a table: one bundle is read, for one kabupaten's page."""
    text = db.session.scalar(select(FederationBundle.document).where(
        FederationBundle.id == bundle_id))
    items = (json.loads(text).get("bundle", {}).get("coverage") if text else None) or []
    if not items:
        return None
    rows = [CoverageRow(r["district"], r["village_code"], r["village"], r["households"],
                        tuple(r["by_strategies"])) for r in items]
    rows.sort(key=lambda r: (r.district, r.village_code))
    sums = tuple(sum(r.by_strategies[k] for r in rows) for k in range(4))
    total = CoverageRow("", "", "Jumlah", sum(r.households for r in rows), sums)
    return Coverage(date.fromisoformat(items[0]["snapshot_date"]), rows, total)


@dataclass(frozen=True)
class LokusSummary:
    code: str
    name: str
    villages: int
    households: int
    reached: int
    converged: int
    gaps: int


def lokus_by_kabupaten(year: int, quarter: int) -> list[LokusSummary]:
    """Per kabupaten: priority desa, their desil-1 households, how many are reached, reached by
    all three strategies, and the gaps (desil-1 households, no intervention)."""
    chosen = chosen_bundles(year, quarter)
    lk = FederationLokus
    stmt = (
        select(FederationMember.code, FederationMember.name, func.count(lk.id),
               func.coalesce(func.sum(lk.households), 0),
               func.count(lk.id).filter(lk.interventions > 0),
               func.count(lk.id).filter(lk.convergence >= 3),
               func.count(lk.id).filter(and_(lk.interventions == 0, lk.households > 0)))
        .select_from(chosen)
        .join(FederationMember, FederationMember.id == chosen.c.member_id)
        .join(lk, lk.bundle_id == chosen.c.bundle_id)
        .group_by(FederationMember.code, FederationMember.name)
        .order_by(FederationMember.code))
    return [LokusSummary(*r) for r in db.session.execute(stmt)]


# --- compliance ------------------------------------------------------------------------------

PERIODS = (("quarter", 1), ("quarter", 2), ("semester", 1), ("quarter", 3), ("quarter", 4),
           ("semester", 2))


def period_end(year: int, kind: str, number: int) -> date:
    quarter = number if kind == "quarter" else 2 * number
    month = 3 * quarter
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def deadline(year: int, kind: str, number: int, days: int) -> date:
    return period_end(year, kind, number) + timedelta(days=days)


@dataclass(frozen=True)
class Sent:
    received_at: datetime
    count: int  # bundles accepted for the period (history)
    late: bool
    days_late: int = 0  # office (WIB) days past the deadline at the first bundle


def days_past(due: date, on: date) -> int:
    """Days after `due` (0 when not past it): a late bundle's, or a missing one's to date."""
    return max(0, (on - due).days)


def compliance(year: int, days: int, today: date) -> list[tuple[FederationMember, dict]]:
    """Per active kabupaten: {(kind, number): Sent, or "late"/None when nothing was sent}.
    "Late" when the first bundle came after the deadline, or none has and it has passed."""
    stmt = (select(FederationBundle.member_id, FederationBundle.period_kind,
                   FederationBundle.period_number, func.min(FederationBundle.received_at),
                   func.count(FederationBundle.id))
            .where(FederationBundle.fiscal_year == year)
            .group_by(FederationBundle.member_id, FederationBundle.period_kind,
                      FederationBundle.period_number))
    sent = {(m, k, n): (first, count) for m, k, n, first, count in db.session.execute(stmt)}
    members = db.session.scalars(select(FederationMember).where(FederationMember.active)
                                 .order_by(FederationMember.code)).all()
    out = []
    for member in members:
        cells = {}
        for kind, number in PERIODS:
            due = deadline(year, kind, number, days)
            got = sent.get((member.id, kind, number))
            if got:
                # Stored in UTC; the deadline is an office (WIB) date, as for the OPDs.
                days = days_past(due, (got[0] + WIB).date())
                cells[kind, number] = Sent(got[0], got[1], days > 0, days)
            else:
                cells[kind, number] = "late" if today > due else None
        out.append((member, cells))
    return out


__all__ = ["PERIODS", "Coverage", "CoverageRow", "LokusSummary", "MemberRow", "ProvinceRow",
           "Sent", "bundle_coverage", "bundle_lokus", "bundle_matrix", "bundle_matrix_count",
           "bundle_rows", "by_dimension", "by_kabupaten", "chosen_bundles", "compliance",
           "days_past", "deadline", "lokus_by_kabupaten", "period_end", "province_total"]

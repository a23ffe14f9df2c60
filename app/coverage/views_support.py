"""What the coverage pages show, gathered from the rollups (reports/queries/coverage.py) in one
place."""
from sqlalchemy import select

from app.core.cache import cached
from models import BeneficiaryList, District, HouseholdSnapshot, Village, db
from models.data_version import current_version
from reports.queries import coverage as report

from . import keys

TREND_COLUMNS = 4  # snapshots shown side by side per desa


def figures(fy, quarter: int, district_id: int | None) -> dict:
    snap = report.current_snapshot()
    if snap is None:
        return {"snap": None}
    # The figures (plain data) are cached by the data version, which household imports and
    # beneficiary lists move (models/data_version.py): never stale.
    heavy = cached("coverage", {"version": current_version(), "snapshot": snap.id,
                                "fy": fy.id, "quarter": quarter},
                   lambda: _heavy(snap.id, fy.id, quarter))
    villages = heavy["villages"]
    return {
        **heavy, "snap": snap, "key_ok": _key_ok(snap),
        "villages": _in_district(villages, district_id),
        "trend_district": report.trend(district_id) if district_id else None,
    }


def _heavy(snapshot_id: int, fy_id: int, quarter: int) -> dict:
    villages = report.by_village(snapshot_id, fy_id, quarter)
    districts = _districts(villages)
    trend = report.trend()
    shown = [p.snapshot_id for p in trend[-TREND_COLUMNS:]]
    return {
        "villages": villages, "districts": districts, "total": _sum(None, "Jumlah", districts),
        "overlaps": report.overlaps(snapshot_id, fy_id, quarter),
        "spend": report.spend(fy_id, quarter), "trend": trend,
        "trend_shown": [p for p in trend if p.snapshot_id in shown],
        "village_trend": report.village_trend(shown) if len(shown) > 1 else {},
    }


def _in_district(villages, district_id: int | None):
    if district_id is None:
        return villages
    ids = set(db.session.scalars(select(Village.id).where(Village.district_id == district_id)))
    return [v for v in villages if v.key in ids]


def _sum(key, name, rows) -> report.ReachRow:
    counts = tuple(sum(r.by_count[k] for r in rows) for k in range(4))
    return report.ReachRow(key, "", name, name, sum(r.households for r in rows), counts)


def _districts(villages) -> list[report.ReachRow]:
    """Kecamatan rows as the sums of their desa rows (a total is the sum of its parts)."""
    groups: dict[str, list] = {}
    for v in villages:
        groups.setdefault(v.district, []).append(v)
    return [_sum(None, name, rows) for name, rows in groups.items()]


def _key_ok(snap) -> bool:
    try:
        return keys.hasher().check == snap.key_check
    except keys.KeyMissing:
        return False


def village_names(ids) -> dict:
    if not ids:
        return {}
    return {r.id: r for r in db.session.execute(
        select(Village.id, Village.code, Village.name, District.name.label("district"))
        .join(District, District.id == Village.district_id)
        .where(Village.id.in_(list(ids))).order_by(Village.code))}


def snapshots() -> list[HouseholdSnapshot]:
    return db.session.scalars(select(HouseholdSnapshot).order_by(
        HouseholdSnapshot.id.desc()).limit(10)).all()


def lists_by_tag(tag_ids: list[int]) -> dict[int, dict[int, BeneficiaryList]]:
    out: dict[int, dict[int, BeneficiaryList]] = {}
    if tag_ids:
        for bl in db.session.scalars(select(BeneficiaryList).where(
                BeneficiaryList.tag_id.in_(tag_ids))):
            out.setdefault(bl.tag_id, {})[bl.quarter] = bl
    return out

"""Importing desa and kecamatan boundaries: a plan first (preview, nothing written), then the
plan applied as a whole.

`build_plan` reads the file (app/maps/reading.py refuses a wrong file as a whole), finds the
code property (app/maps/matching.py), matches each feature to a desa (10 digits) or kecamatan
(6 digits), unites the features of one area, repairs what can be repaired without guessing (a
ring touching itself, a repeated point) and refuses what cannot (a ring crossing itself: which
side is inside is a guess), then simplifies to what a screen and an A4 page need (TOLERANCE
degrees, about 30 m) and rounds to 5 decimals (about 1 m). The plan lists matched areas,
features whose code names no area of this kabupaten (ignored: a province file is fine), desa
left without a boundary, and refused features; a plan with a refused feature cannot be applied.

`apply_plan` replaces the boundary of every matched area and keeps the others; each kecamatan
without an imported outline gets one derived from its desa. One audit record names the file
and the counts (the geometry itself is not copied into the audit log).
"""
import json
import zlib
from dataclasses import asdict, dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from sqlalchemy import delete, select

from app.core import audit
from app.core.errors import ServiceError
from models import AreaBoundary, District, Village, db

from .matching import choose_property, digits
from .reading import MAX_BYTES, read_boundaries

TOLERANCE = 0.0003
PRECISION = 0.00001
DERIVED_SOURCE = "gabungan desa"
SHOWN = 200  # rows of each preview list; the counts are always complete
MAX_READ = MAX_BYTES  # the reader refuses past this (app/maps/reading.py)


@dataclass
class PreparedArea:
    level: str  # desa | kecamatan
    area_id: int
    code: str
    name: str
    geojson: str
    vertices: int
    repaired: bool = False


@dataclass
class BoundaryPlan:
    filename: str
    code_property: str = ""
    features: int = 0
    matched: list[PreparedArea] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (feature, code as read)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (feature, code, reason)
    without: list[tuple[str, str]] = field(default_factory=list)  # desa (code, name) not covered
    without_count: int = 0
    unmatched_count: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.matched) and not self.refused

    @property
    def desa(self) -> int:
        return sum(1 for a in self.matched if a.level == "desa")

    @property
    def kecamatan(self) -> int:
        return sum(1 for a in self.matched if a.level == "kecamatan")

    @property
    def repaired(self) -> int:
        return sum(1 for a in self.matched if a.repaired)


def build_plan(data: bytes, filename: str, code_property: str | None = None) -> BoundaryPlan:
    """The preview of an import; raises UploadError/ServiceError when the file is refused."""
    raw = read_boundaries(data, filename)
    if not raw:
        raise ServiceError("Berkas tidak memuat satu fitur pun.", field="file")
    villages = {digits(c): (i, c, n) for i, c, n in
                db.session.execute(select(Village.id, Village.code, Village.name))}
    districts = {digits(c): (i, c, n) for i, c, n in
                 db.session.execute(select(District.id, District.code, District.name))}
    plan = BoundaryPlan(filename=filename[-200:], features=len(raw))
    plan.code_property = choose_property(raw, code_property, set(villages) | set(districts))
    groups: dict[tuple[str, int], list] = {}
    for f in raw:
        value = f.properties.get(plan.code_property)
        code = digits(value)
        if code in villages:
            key = ("desa", code)
        elif code in districts:
            key = ("kecamatan", code)
        else:
            plan.unmatched_count += 1
            if len(plan.unmatched) < SHOWN:
                plan.unmatched.append((f.index, str(value if value is not None else "")[:40]))
            continue
        groups.setdefault(key, []).append(f)
    for (level, code), feats in groups.items():
        area_id, dotted, name = (villages if level == "desa" else districts)[code]
        geom, repaired, reason = _clean(feats)
        if reason:
            plan.refused.append((feats[0].index, dotted, reason))
            continue
        plan.matched.append(PreparedArea(level, area_id, dotted, name, _geojson(geom),
                                         _vertices(geom), repaired))
    plan.matched.sort(key=lambda a: (a.level, a.code))
    _without(plan, villages)
    return plan


def _clean(feats) -> tuple[object, bool, str]:
    """(geometry, repaired?, reason refused or '') for the features of one area, united."""
    parts, repaired = [], False
    for f in feats:
        geom = f.geometry
        if not geom.is_valid:
            why = shapely.is_valid_reason(geom)
            if why.startswith(("Self-intersection", "Too few points", "Invalid Coordinate")):
                return None, False, (f"fitur ke-{f.index}: cincin poligon berpotongan sendiri "
                                     "atau terlalu sedikit titik; tidak dapat diperbaiki tanpa "
                                     "menebak batasnya")
            geom = _polygonal(shapely.make_valid(geom))
            repaired = True
        parts.append(geom)
    geom = parts[0] if len(parts) == 1 else _polygonal(shapely.union_all(parts))
    # Douglas-Peucker is several times faster; only when it breaks a ring is the topology-
    # preserving variant used.
    simple = geom.simplify(TOLERANCE, preserve_topology=False)
    if simple.is_empty or not simple.is_valid:
        simple = geom.simplify(TOLERANCE, preserve_topology=True)
    simple = _polygonal(shapely.set_precision(simple, PRECISION))
    if simple.is_empty or simple.area == 0:
        return None, False, "geometri tidak memiliki luas setelah diperbaiki"
    return simple, repaired, ""


def _polygonal(geom):
    """Only the areas of a geometry (make_valid may leave stray lines or points)."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    flat = [p for g in polys for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(flat) if flat else Polygon()


def _geojson(geom) -> str:
    # RFC 7946: exterior rings counter-clockwise (set_precision leaves them clockwise).
    return json.dumps(mapping(shapely.orient_polygons(geom)), separators=(",", ":"))


def _vertices(geom) -> int:
    return int(shapely.get_num_coordinates(geom))


def _without(plan: BoundaryPlan, villages: dict) -> None:
    """Desa that will have no boundary after this import (neither in the file nor stored)."""
    covered = {a.area_id for a in plan.matched if a.level == "desa"}
    covered |= set(db.session.scalars(select(AreaBoundary.village_id).where(
        AreaBoundary.village_id.is_not(None))))
    missing = sorted((c, n) for i, c, n in villages.values() if i not in covered)
    plan.without_count = len(missing)
    plan.without = missing[:SHOWN]


# --- staging between preview and commit ------------------------------------------------------

def pack(plan: BoundaryPlan) -> bytes:
    return zlib.compress(json.dumps(asdict(plan), separators=(",", ":")).encode(), 6)


def unpack(data: bytes) -> BoundaryPlan:
    try:
        doc = json.loads(zlib.decompress(data))
        matched = [PreparedArea(**a) for a in doc.pop("matched")]
        return BoundaryPlan(**{**doc, "matched": matched})
    except (zlib.error, ValueError, TypeError, KeyError) as exc:
        raise ServiceError("Data pratinjau rusak; unggah ulang berkas.") from exc


# --- the commit ------------------------------------------------------------------------------

def apply_plan(plan: BoundaryPlan, actor, *, fictional: bool = False) -> dict:
    """Replace the matched areas' boundaries and re-derive kecamatan outlines (flushes)."""
    if not plan.ok:
        raise ServiceError("Pratinjau memuat fitur yang ditolak; perbaiki berkas lalu unggah "
                           "ulang.")
    desa = [a for a in plan.matched if a.level == "desa"]
    kec = [a for a in plan.matched if a.level == "kecamatan"]
    for column, areas in ((AreaBoundary.village_id, desa), (AreaBoundary.district_id, kec)):
        ids = [a.area_id for a in areas]
        for start in range(0, len(ids), 500):
            db.session.execute(delete(AreaBoundary).where(column.in_(ids[start:start + 500])),
                               execution_options={"synchronize_session": False})
    for a in plan.matched:
        db.session.add(AreaBoundary(
            level=a.level, village_id=a.area_id if a.level == "desa" else None,
            district_id=a.area_id if a.level == "kecamatan" else None, geojson=a.geojson,
            vertices=a.vertices, source=plan.filename, fictional=fictional))
    db.session.flush()
    touched = set(db.session.scalars(select(Village.district_id).where(
        Village.id.in_([a.area_id for a in desa])))) if desa else set()
    derived = derive_outlines(touched - {a.area_id for a in kec}, fictional=fictional)
    summary = {"file": plan.filename, "desa": len(desa), "kecamatan": len(kec),
               "kecamatan_derived": derived, "code_property": plan.code_property}
    audit.record("import", "area_boundary", None, new=summary, user=actor,
                 note=f"Impor batas wilayah {plan.filename}")
    return summary


def derive_outlines(district_ids, *, fictional: bool = False) -> int:
    """Kecamatan outlines as the union of their desa, where none was imported (flushes)."""
    done = 0
    imported = set(db.session.scalars(select(AreaBoundary.district_id).where(
        AreaBoundary.district_id.in_(district_ids), AreaBoundary.derived.is_(False))))
    for district_id in sorted(set(district_ids) - imported):
        rows = db.session.scalars(select(AreaBoundary.geojson).join(
            Village, Village.id == AreaBoundary.village_id).where(
            Village.district_id == district_id)).all()
        db.session.execute(delete(AreaBoundary).where(AreaBoundary.district_id == district_id),
                           execution_options={"synchronize_session": False})
        if not rows:
            continue
        # A small buffer closes the slivers that separately simplified neighbours leave.
        union = shapely.union_all([shape(json.loads(g)).buffer(0.0002) for g in rows])
        outline = _polygonal(shapely.set_precision(
            union.buffer(-0.0002).simplify(TOLERANCE, preserve_topology=True), PRECISION))
        if outline.is_empty:
            continue
        db.session.add(AreaBoundary(level="kecamatan", district_id=district_id,
                                    geojson=_geojson(outline), vertices=_vertices(outline),
                                    source=DERIVED_SOURCE, derived=True, fictional=fictional))
        done += 1
    db.session.flush()
    return done

"""The stored desa and kecamatan boundaries, projected once for every map (SVG and PDF).

Projection: equirectangular scaled by cos(latitude) at the kabupaten's median latitude, which
keeps shapes true at a kabupaten's scale. The main frame is WIDTH units wide (at most
MAX_HEIGHT high); coordinates are whole units, simplified to what the frame can show.

Remote islands must not shrink the main area to a corner: a desa whose centre lies more than
OUTLIER_FACTOR times the median distance from the kabupaten's centre (at most a tenth of the
desa) is drawn in an inset frame to the right of the main one, at its own scale, and the map
says so. A kecamatan outline is drawn in the frame that holds its desa; parts of a shape
outside the main frame are cut at its edge.

The layer is plain data (cacheable), keyed by the data version (area_boundary is watched).
"""
import hashlib
import statistics
from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from sqlalchemy import func, select

from app.core.cache import cached
from models import AreaBoundary, District, Village, db

WIDTH = 1000
MAX_HEIGHT = 1100
INSET_WIDTH = 240
GAP = 24
OUTLIER_FACTOR = 3.5
SIMPLIFY_UNITS = 0.7  # of WIDTH=1000: below what a screen or an A4 page shows


@dataclass(frozen=True)
class MapShape:
    area_id: int
    district_id: int
    code: str
    name: str
    rings: tuple  # ((x, y), ...) per ring, whole units, y down
    d: str = ""  # the rings as an SVG path, made once with the layer
    inset: bool = False
    label: tuple | None = None  # (x, y) for a kecamatan name


@dataclass
class MapLayer:
    width: int = WIDTH
    height: int = 0
    desa: list[MapShape] = field(default_factory=list)
    kecamatan: list[MapShape] = field(default_factory=list)
    inset_box: tuple | None = None  # (x, y, w, h)
    fictional: bool = False

    @property
    def inset_count(self) -> int:
        return sum(1 for s in self.desa if s.inset)

    @property
    def empty(self) -> bool:
        return not self.desa


def has_boundaries() -> bool:
    return db.session.scalar(select(AreaBoundary.id).where(
        AreaBoundary.level == "desa").limit(1)) is not None


def layer() -> MapLayer:
    """The projected map of the kabupaten (empty when no desa has a boundary), cached.

    Keyed by what it is drawn from, not by the data version: a realization saved does not
    redraw the kabupaten. The key is the boundaries' stamp (rows, last id, last change; an
    import deletes and inserts, so the last id moves) and a digest of the names shown."""
    stamp = _stamp()
    if stamp == [0]:  # no boundary at all: nothing to read or to keep
        return MapLayer()
    return cached("map-layer", {"stamp": stamp}, _build)


def _stamp() -> list:
    rows = db.session.execute(select(func.count(AreaBoundary.id), func.max(AreaBoundary.id),
                                     func.max(AreaBoundary.updated_at))).one()
    if not rows[0]:
        return [0]
    names = db.session.execute(
        select(Village.id, Village.name, Village.district_id, District.name)
        .join(AreaBoundary, AreaBoundary.village_id == Village.id)
        .join(District, District.id == Village.district_id)).all()
    digest = hashlib.sha256(repr(sorted(names)).encode()).hexdigest()
    return [rows[0], rows[1], str(rows[2]), digest]


def _rows():
    desa = db.session.execute(
        select(Village.id, Village.district_id, Village.code, Village.name,
               AreaBoundary.geojson, AreaBoundary.fictional)
        .join(AreaBoundary, AreaBoundary.village_id == Village.id).order_by(Village.code)).all()
    kec = db.session.execute(
        select(District.id, District.id.label("district_id"), District.code, District.name,
               AreaBoundary.geojson, AreaBoundary.fictional)
        .join(AreaBoundary, AreaBoundary.district_id == District.id)
        .order_by(District.code)).all()
    return desa, kec


def _build() -> MapLayer:
    desa_rows, kec_rows = _rows()
    if not desa_rows:
        return MapLayer()
    geoms = list(shapely.from_geojson([r.geojson for r in desa_rows]))
    centres = shapely.get_coordinates(shapely.centroid(geoms))
    k = _cos(statistics.median(centres[:, 1]))
    outliers = _outliers([(x * k, y) for x, y in centres])
    core = [g for i, g in enumerate(geoms) if i not in outliers]
    main = _fit(_bounds(core), k, WIDTH, MAX_HEIGHT)
    out = MapLayer(height=main.height, fictional=any(r.fictional for r in desa_rows))
    inset = None
    if outliers:
        inset = _fit(_bounds([geoms[i] for i in outliers]), k, INSET_WIDTH,
                     max(main.height, 200), x0=WIDTH + GAP)
        out.width = WIDTH + GAP + INSET_WIDTH
        out.inset_box = (WIDTH + GAP, 0, INSET_WIDTH, inset.height)
        out.height = max(main.height, inset.height)
    district_of_outliers = {desa_rows[i].district_id for i in outliers}
    district_of_core = {r.district_id for i, r in enumerate(desa_rows) if i not in outliers}
    for i, (r, g) in enumerate(zip(desa_rows, geoms, strict=True)):
        frame = inset if i in outliers else main
        rings = frame.rings(g)
        if rings:
            out.desa.append(MapShape(r[0], r.district_id, r.code, r.name, rings, path_d(rings),
                                     i in outliers))
    for r, g in zip(kec_rows, shapely.from_geojson([r.geojson for r in kec_rows]), strict=True):
        in_inset = r.district_id in district_of_outliers and r.district_id not in district_of_core
        frame = inset if in_inset else main
        rings = frame.rings(g) if frame else ()
        if rings:
            point = g.representative_point()
            out.kecamatan.append(MapShape(r[0], r[0], r.code, r.name, rings, path_d(rings),
                                          in_inset, frame.point(point.x, point.y)))
    return out


def path_d(rings) -> str:
    """Absolute move, then relative whole-unit steps: the shortest exact SVG path text."""
    parts = []
    for ring in rings:
        x, y = ring[0]
        steps = [f"M{x} {y}l"]
        for nx, ny in ring[1:]:
            steps.append(f"{nx - x} {ny - y} ")
            x, y = nx, ny
        parts.append("".join(steps).rstrip() + "z")
    return "".join(parts).replace(" -", "-")


def _bounds(geoms) -> tuple:
    b = shapely.bounds(geoms)
    return b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()


def _cos(lat: float) -> float:
    import math

    return math.cos(math.radians(lat))


def _outliers(points: list[tuple[float, float]]) -> set[int]:
    if len(points) < 8:
        return set()
    mx = statistics.median(p[0] for p in points)
    my = statistics.median(p[1] for p in points)
    dist = [((x - mx) ** 2 + (y - my) ** 2) ** 0.5 for x, y in points]
    limit = OUTLIER_FACTOR * max(statistics.median(dist), 1e-6)
    far = {i for i, d in enumerate(dist) if d > limit}
    return far if len(far) <= len(points) // 10 else set()


@dataclass
class _Frame:
    west: float
    north: float
    k: float
    scale: float
    x0: float
    height: int
    clip: object

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        return (round(self.x0 + (lon * self.k - self.west) * self.scale),
                round((self.north - lat) * self.scale))

    def rings(self, geom) -> tuple:
        minx, miny, maxx, maxy = geom.bounds
        cminx, cminy, cmaxx, cmaxy = self.clip.bounds
        if minx < cminx or miny < cminy or maxx > cmaxx or maxy > cmaxy:
            geom = geom.intersection(self.clip)
        projected = shapely.transform(geom, lambda c: _affine(c, self))
        simple = projected.simplify(SIMPLIFY_UNITS, preserve_topology=False)
        polys = simple.geoms if isinstance(simple, MultiPolygon) else [simple]
        out = []
        for poly in polys:
            if not isinstance(poly, Polygon) or poly.is_empty:
                continue
            for ring in (poly.exterior, *poly.interiors):
                pts = _whole(ring.coords)
                if len(pts) >= 3:
                    out.append(pts)
        return tuple(out)


def _affine(coords, frame: _Frame):
    out = coords.copy()
    out[:, 0] = frame.x0 + (coords[:, 0] * frame.k - frame.west) * frame.scale
    out[:, 1] = (frame.north - coords[:, 1]) * frame.scale
    return out


def _whole(coords) -> tuple:
    pts, last = [], None
    for x, y in coords:
        p = (round(x), round(y))
        if p != last:
            pts.append(p)
            last = p
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return tuple(pts)


def _fit(bounds, k: float, width: int, max_height: int, x0: float = 0) -> _Frame:
    minx, miny, maxx, maxy = bounds
    dx, dy = max((maxx - minx) * k, 1e-9), max(maxy - miny, 1e-9)
    scale = min(width / dx, max_height / dy)
    pad_x, pad_y = (maxx - minx) * 0.01, (maxy - miny) * 0.01
    clip = box(minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y)
    return _Frame(minx * k, maxy, k, scale, x0, max(1, round(dy * scale)), clip)

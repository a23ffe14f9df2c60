"""Fictional boundaries for the demo kabupaten (issue 27), so `make run` shows its maps.

Deterministic (one seeded generator): an irregular outline around a made-up place in
Kalimantan, cut into one Voronoi cell per kecamatan, each cell cut again into one Voronoi cell
per desa around points drawn inside it, so every desa lies inside its kecamatan and the cells
tile the kabupaten. Every row is marked `fictional`; the maps say the boundaries are not real.
"""
import json
import math
import random

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from models import AreaBoundary, District, db

CENTRE = (116.80, -0.90)  # lon, lat: inland East Kalimantan, far from any real kabupaten code
RADIUS = 0.38  # degrees, about 42 km
SOURCE = "demo (batas fiktif)"


def outline(rng: random.Random) -> Polygon:
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    k = math.cos(math.radians(CENTRE[1]))
    points = []
    for i in range(96):
        t = 2 * math.pi * i / 96
        r = RADIUS * (1 + 0.16 * math.sin(3 * t + phases[0]) + 0.09 * math.cos(5 * t + phases[1])
                      + 0.05 * math.sin(9 * t + phases[2]))
        points.append((CENTRE[0] + r * math.cos(t) / k, CENTRE[1] + r * 0.8 * math.sin(t)))
    return Polygon(points)


def _cells(area: Polygon, seeds: list[Point]) -> list[Polygon]:
    """One Voronoi cell per seed, clipped to `area`, in the seeds' order."""
    if len(seeds) == 1:
        return [area]
    regions = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=area).geoms
    out = []
    for seed in seeds:
        cell = next(r for r in regions if r.contains(seed))
        out.append(cell.intersection(area))
    return out


def _points_inside(area: Polygon, n: int, rng: random.Random) -> list[Point]:
    minx, miny, maxx, maxy = area.bounds
    points: list[Point] = []
    spacing = math.sqrt(area.area / max(n, 1)) * 0.45
    tries = 0
    while len(points) < n:
        tries += 1
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        # Keep seeds apart (relaxed after many tries), so desa get comparable sizes.
        near = tries < 4000 and any(p.distance(q) < spacing for q in points)
        if area.contains(p) and not near:
            points.append(p)
    return points


def _row(geom, **kw) -> AreaBoundary:
    geom = shapely.orient_polygons(shapely.set_precision(geom, 0.00001))  # RFC 7946 rings
    return AreaBoundary(geojson=json.dumps(mapping(geom), separators=(",", ":")),
                        vertices=int(shapely.get_num_coordinates(geom)), source=SOURCE,
                        fictional=True, **kw)


def seed(districts: list[District]) -> int:
    """Add fictional boundaries for every desa and kecamatan given; returns the desa count."""
    rng = random.Random(27)
    land = outline(rng)
    seeds = _points_inside(land, len(districts), rng)
    count = 0
    for district, cell in zip(districts, _cells(land, seeds), strict=True):
        db.session.add(_row(cell, level="kecamatan", district_id=district.id))
        villages = list(district.villages)
        for village, desa in zip(villages, _cells(cell, _points_inside(cell, len(villages), rng)),
                                 strict=True):
            db.session.add(_row(desa, level="desa", village_id=village.id))
            count += 1
    db.session.flush()
    return count

"""Maps (issue 27): the import of a large boundary file, the SVG's size and its render time.

    .venv/bin/python -m bench.bench_maps               # SQLite (temporary files)
    .venv/bin/python -m bench.bench_maps --mb 5        # a smaller file, for a quick run

- Import: a GeoJSON of 400 desa (20 kecamatan x 20) made like a surveyor's file: Voronoi cells
  densified to a point every ~4 m with ~1 m of jitter, 15 decimals, about --mb MB. Timed: the
  preview (bounded read, parse, match, repair, simplify) and the commit (rows, derived
  kecamatan outlines). Peak memory: tracemalloc's peak of Python allocations in a separate,
  untimed preview (shapely's GEOS memory is not counted; it holds one feature at a time).
- SVG: the dashboard map of those 400 desa in the worst case (every desa with a figure, a long
  title and a link); its size, the projected layer computed (cold cache), the SVG computed from
  the layer, and the SVG read from the cache.
- Page at size S (bench/generate.py: 345 desa, whole data set): GET /dasbor/ as the
  secretariat with the cache empty (after a restart or an import: the layer is projected
  again), after a write (the data version moved: figures and SVG computed, the layer reused),
  and cached; with and without boundaries, median of 5 runs after a warm-up.
"""
import argparse
import json
import os
import random
import tempfile
import time
import tracemalloc

import shapely
from shapely.geometry import mapping

from bench.common import make_app, measure, rebuild

PASSWORD = "bench-maps-123"


def villages(n_districts=20, per_district=20):
    from models import District, Village, db

    for d in range(n_districts):
        district = District(code=f"96.{d + 1:02d}", name=f"Kecamatan Peta {d + 1}")
        db.session.add(district)
        for v in range(per_district):
            db.session.add(Village(district=district, code=f"96.{d + 1:02d}.{2001 + v}",
                                   name=f"Desa Peta {d + 1}-{v + 1}"))
    db.session.flush()


def _jitter(c):
    """Meanders of ~100 m and ~15 m plus ~1 m of noise, each a function of the position: a ring
    stays closed, two neighbours' shared edge moves alike, and the slopes stay below 1 so no
    ring folds over itself. Real desa boundaries (rivers, ridges) wiggle like this."""
    import numpy as np

    x, y = c[:, 0], c[:, 1]
    dx = (1e-3 * np.sin(x * 300 + y * 170) + 1.5e-4 * np.sin(y * 2300 - x * 900)
          + 1e-5 * np.sin(x * 7e5 + y * 3e5))
    dy = (1e-3 * np.cos(y * 280 - x * 190) + 1.5e-4 * np.cos(x * 2100 + y * 1100)
          + 1e-5 * np.cos(x * 5e5 - y * 9e5))
    return c + np.stack([dx, dy], axis=1)


def big_geojson(codes_by_district: list[list[str]], mb: float, seed=27) -> bytes:
    """Voronoi desa inside Voronoi kecamatan (app/demo/boundaries.py), densified and jittered
    until the file is about `mb` MB."""
    from app.demo import boundaries as demo

    rng = random.Random(seed)
    land = demo.outline(rng)
    cells = demo._cells(land, demo._points_inside(land, len(codes_by_district), rng))
    desa = []
    for codes, cell in zip(codes_by_district, cells, strict=True):
        seeds = demo._points_inside(cell, len(codes), rng)
        desa.extend(zip(codes, demo._cells(cell, seeds), strict=True))
    perimeter = sum(g.length for _, g in desa)
    # One vertex is ~40 bytes at 15 decimals: the segment length that gives `mb` MB.
    step = perimeter / (mb * 1024 * 1024 / 40)
    features = []
    for code, geom in desa:
        dense = shapely.segmentize(geom, step)
        jitter = shapely.transform(dense, _jitter)
        geom = jitter if jitter.is_valid else dense
        features.append({"type": "Feature", "properties": {"KDEPUM": code.replace(".", ""),
                                                            "NAMOBJ": f"Desa {code}"},
                         "geometry": json.loads(json.dumps(mapping(geom)))})
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":"))
    return text.encode()


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def bench_import_and_svg(mb: float) -> None:
    from app.core import cache
    from app.maps import importer
    from app.maps.svg import DesaValue, render
    from models import District, db
    from reports.queries import boundaries

    path = os.path.join(tempfile.mkdtemp(prefix="tagar-bench-maps-"), "maps.db")
    app = make_app(f"sqlite:///{path}")
    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        villages()
        db.session.commit()
        codes = [[v.code for v in d.villages] for d in
                 db.session.scalars(db.select(District).order_by(District.code))]
        t0 = time.perf_counter()
        data = big_geojson(codes, mb)
        print(f"\nGeoJSON of 400 desa: {len(data) / 1024 / 1024:.1f} MB, "
              f"{data.count(b'],[') + 400:,} vertices (made in {_ms(t0) / 1000:.1f} s)")
        t0 = time.perf_counter()
        plan = importer.build_plan(data, "bench.geojson")
        preview = _ms(t0)
        assert plan.ok and plan.desa == 400, (plan.desa, plan.refused[:3])
        t0 = time.perf_counter()
        importer.apply_plan(plan, actor=None)
        db.session.commit()
        commit = _ms(t0)
        stored = sum(a.vertices for a in plan.matched)
        print(f"  import preview {preview / 1000:6.2f} s   commit {commit / 1000:6.2f} s   "
              f"total {(preview + commit) / 1000:6.2f} s (target < 10 s); "
              f"{stored:,} vertices kept after simplification")
        tracemalloc.start()
        importer.build_plan(data, "bench.geojson")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  preview peak Python memory {peak / 1024 / 1024:.0f} MB "
              f"(file {len(data) / 1024 / 1024:.0f} MB)")
        del data

        cache.backend().clear()
        t0 = time.perf_counter()
        layer = boundaries.layer()
        layer_ms = _ms(t0)
        values = {s.code: DesaValue(f"c{i % 5}", "realisasi Rp 1.234.567.890 dari "
                                    "Rp 9.876.543.210 ditandai",
                                    f"/dasbor/?tahun=2026&triwulan=3&kecamatan={s.district_id}"
                                    "#peta") for i, s in enumerate(layer.desa)}

        def svg():
            return render(layer, values, [], map_id="peta-dasbor", title="Peta")

        t = measure(svg, runs=5)
        whole = str(t.result)
        only_svg = whole[: whole.index("</svg>") + 6]
        cache.cached("bench-map", {"v": 1}, svg)
        c = measure(lambda: cache.cached("bench-map", {"v": 1}, svg), runs=20)
        print(f"  SVG of {len(layer.desa)} desa: {len(only_svg.encode()) / 1024:.0f} KB "
              f"(target <= 200 KB; with legend and table {len(whole.encode()) / 1024:.0f} KB)")
        print(f"  layer computed {layer_ms:6.1f} ms   SVG from layer {t.median_ms:6.1f} ms   "
              f"SVG from cache {c.median_ms:6.2f} ms")
        db.session.remove()
        db.engine.dispose()
    os.remove(path)


def bench_page() -> None:
    from app.accounts.accounts import create_user
    from app.core import cache
    from app.maps import importer
    from models import District, db
    from models.data_version import bump

    path = os.path.join(tempfile.mkdtemp(prefix="tagar-bench-maps-"), "page.db")
    app = make_app(f"sqlite:///{path}")
    rebuild(app, "S")
    with app.app_context():
        create_user("peta_sek", PASSWORD, "secretariat")
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "peta_sek",
                                       "password": PASSWORD}).status_code == 302

    def get():
        resp = client.get("/dasbor/")
        assert resp.status_code == 200
        return resp

    def cold():  # the first view after a restart or an import: nothing cached
        with app.app_context():
            cache.backend().clear()
        return get()

    def computed():  # the first view after any write: figures and SVG anew, the layer kept
        with app.app_context():
            with db.engine.begin() as conn:
                bump(conn)
        return get()

    print("\nGET /dasbor/ at size S (345 desa), SQLite, median of 5 after a warm-up:")
    for label in ("without boundaries", "with boundaries"):
        empty, fresh, warm = measure(cold), measure(computed), measure(get)
        maps = fresh.result.get_data(as_text=True).count("data-kode=")
        print(f"  {label:<19} cache empty {empty.median_ms:7.1f} ms   after a write "
              f"{fresh.median_ms:7.1f} ms   cached {warm.median_ms:6.1f} ms   "
              f"{maps} desa on the map")
        if label.startswith("without"):
            with app.app_context():
                codes = [[v.code for v in d.villages] for d in
                         db.session.scalars(db.select(District).order_by(District.code))]
                data = big_geojson(codes, 2)
                importer.apply_plan(importer.build_plan(data, "s.geojson"), actor=None)
                db.session.commit()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    os.remove(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=30, help="size of the GeoJSON to import")
    args = parser.parse_args()
    bench_import_and_svg(args.mb)
    bench_page()


if __name__ == "__main__":
    main()

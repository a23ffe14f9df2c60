"""The maps on the pages (issue 27): one path per desa with a boundary, carrying its Kemendagri
code and its figure; neutral desa without data; gaps hatched on the lokus map; the share reached
on the coverage map; remote islands in an inset; no map without boundaries; the API's GeoJSON."""
import re
from datetime import date

import pytest

from app.maps import importer
from models import (
    BeneficiaryHousehold,
    BeneficiaryList,
    Household,
    HouseholdSnapshot,
    db,
)
from reports.queries import boundaries

from .maps_files import feature, geojson, square

PATH = re.compile(r'<path class="([^"]+)"(?: fill="[^"]*")? data-kode="([^"]+)" d="([^"]+)">'
                  r"<title>([^<]*)</title></path>")


def _paths(html: str, map_id: str) -> dict[str, tuple[str, str]]:
    start = html.index(f'<figure class="map" id="{map_id}">')
    svg = html[start: html.index("</svg>", start)]
    found = PATH.findall(svg)
    codes = [code for _, code, _, _ in found]
    assert len(codes) == len(set(codes))
    return {code: (css, title) for css, code, _, title in found}


def _import(villages, start=0):
    data = geojson([feature({"kode": v.code}, square(start + i)) for i, v in enumerate(villages)])
    importer.apply_plan(importer.build_plan(data, "uji.geojson"), actor=None)


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2033)
    dist = make.district()
    a, b, c, d = (make.village(dist, fy, priority=p, desil1=h)
                  for p, h in ((True, 30), (True, 50), (False, 0), (True, 10)))
    a.name, b.name, c.name, d.name = "Desa Alfa", "Desa Beta", "Desa Gama", "Desa Delta"
    sa = make.sub_activity(make.opd(), fy)
    t1 = make.tag(sa, "1000000", 1)
    t2 = make.tag(sa, "600000", 2)
    make.tag_village(t1, a, "600000")
    make.tag_village(t1, b, "400000")
    make.tag_village(t2, a, "600000")
    make.realization(t1, make.quarter(fy, 1), "500000", "50", 5)
    _import([a, b, c])  # d has no boundary
    return dict(fy=fy, dist=dist, a=a, b=b, c=c, d=d, t1=t1)


def page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return resp.get_data(as_text=True)


def test_dashboard_map_has_one_path_per_desa_with_a_boundary(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/dasbor/?tahun=2033&triwulan=1")
    paths = _paths(html, "peta-dasbor")
    a, b, c = world["a"], world["b"], world["c"]
    assert set(paths) == {a.code, b.code, c.code}  # Delta has no boundary: not drawn
    # Realization 500,000 of the tag, shared 60/40 between Alfa and Beta.
    assert "Desa Alfa" in paths[a.code][1] and "realisasi Rp 300.000" in paths[a.code][1]
    assert "realisasi Rp 200.000" in paths[b.code][1]
    assert paths[c.code] == ("cn", f"Desa Gama (Kec. {world['dist'].name}): tidak ada data")
    assert paths[a.code][0] != "cn" and paths[b.code][0] != "cn"
    # Each desa with data links to its drill-down (the dashboard narrowed to its kecamatan).
    assert f"kecamatan={world['dist'].id}" in html.split('id="peta-dasbor"')[1].split("</svg>")[0]
    assert "Tabel data peta" in html and "Peta realisasi per desa" in html
    assert ' style="' not in html.split('id="peta-dasbor"')[1].split("</figure>")[0]


def test_dashboard_map_follows_the_filters(client, make, login, world):
    login(make.user("viewer"))
    paths = _paths(page(client, "/dasbor/?tahun=2033&triwulan=1&strategi=2"), "peta-dasbor")
    # Strategy 2's tag reaches Alfa only and has realized nothing.
    assert "realisasi Rp 0 dari Rp 600.000" in paths[world["a"].code][1]
    assert paths[world["b"].code][0] == "cn"


def test_lokus_map_classes_convergence_and_hatches_gaps(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/lokus/?tahun=2033&triwulan=1")
    paths = _paths(html, "peta-lokus")
    a, b, c = world["a"], world["b"], world["c"]
    assert "konvergensi 2 dari 3" in paths[a.code][1]
    assert "konvergensi 1 dari 3" in paths[b.code][1]
    assert paths[c.code][0] == "cn"  # not a lokus desa
    assert "gap" not in paths[a.code][0]
    # A lokus desa with desil-1 households and no intervention is a gap: hatched.
    world["t1"].villages.clear()
    db.session.flush()
    html = page(client, "/lokus/?tahun=2033&triwulan=1")
    paths = _paths(html, "peta-lokus")
    assert "gap" in paths[b.code][0] and "belum ada intervensi" in paths[b.code][1]
    assert 'fill="url(#peta-lokus-arsir)"' in html


def test_coverage_map_shows_the_share_of_desil_1_households_reached(client, make, login,
                                                                    world):
    a, b = world["a"], world["b"]
    snap = HouseholdSnapshot(taken_on=date(2033, 1, 10), source="P3KE", key_check="x" * 16)
    db.session.add(snap)
    db.session.flush()
    homes = [Household(hash=bytes([i]) * 32, village_id=v.id, desil=1, snapshot_id=snap.id)
             for i, v in enumerate([a, a, a, a, b], start=1)]
    db.session.add_all(homes)
    sa = world["t1"].sub_activity
    lst = BeneficiaryList(tag_id=world["t1"].id, quarter=1, opd_id=sa.opd_id)
    db.session.add(lst)
    db.session.flush()
    db.session.add(BeneficiaryHousehold(list_id=lst.id, household_id=homes[0].id))
    db.session.flush()
    login(make.user("secretariat"))
    paths = _paths(page(client, "/cakupan/?tahun=2033&triwulan=1"), "peta-cakupan")
    assert "25,0 % dari 4 RT desil 1 terjangkau" in paths[a.code][1]
    assert paths[a.code][0] == "c2"
    assert paths[b.code][0] == "c0" and "0,0 %" in paths[b.code][1]
    assert paths[world["c"].code][0] == "cn"


def test_no_boundaries_no_map(client, make, login):
    fy = make.fiscal_year(2037)
    v = make.village(make.district(), fy, priority=True, desil1=5)
    make.tag_village(make.tag(make.sub_activity(make.opd(), fy)), v)
    login(make.user("secretariat"))
    assert 'class="map"' not in page(client, "/dasbor/?tahun=2037")
    assert 'class="map"' not in page(client, "/lokus/?tahun=2037")


def test_a_remote_island_is_drawn_in_an_inset_not_shrinking_the_main_area(make):
    dist = make.district()
    villages = [make.village(dist) for _ in range(12)]
    data = geojson([feature({"kode": v.code}, square(i)) for i, v in enumerate(villages[:11])]
                   + [feature({"kode": villages[11].code}, square(0, lon0=112.0, lat0=-5.0))])
    importer.apply_plan(importer.build_plan(data, "pulau.geojson"), actor=None)
    layer = boundaries.layer()
    assert layer.inset_count == 1 and layer.inset_box is not None
    island = next(s for s in layer.desa if s.code == villages[11].code)
    assert island.inset and min(x for x, _ in island.rings[0]) >= boundaries.WIDTH
    # The main frame is filled by the eleven squares: 0.22 degrees over 1,000 units.
    main_xs = [x for s in layer.desa if not s.inset for ring in s.rings for x, _ in ring]
    assert min(main_xs) == 0 and max(main_xs) == boundaries.WIDTH


def test_the_layer_is_recomputed_when_boundaries_change(make):
    dist = make.district()
    a, b = make.village(dist), make.village(dist)
    _import([a])
    db.session.commit()  # a savepoint in tests: bumps the data version like a real commit
    assert [s.code for s in boundaries.layer().desa] == [a.code]
    _import([b], start=3)
    db.session.commit()
    assert sorted(s.code for s in boundaries.layer().desa) == sorted([a.code, b.code])



def test_api_returns_the_boundaries_as_geojson_and_is_documented(client, make, world):
    from app.accounts.api_tokens import create_token

    _, secret = create_token(make.user("opd"), "uji")
    auth = {"Authorization": f"Bearer {secret}"}
    doc = client.get("/api/v1/areas/boundaries?level=desa", headers=auth).json
    assert doc["type"] == "FeatureCollection"
    by_code = {f["properties"]["code"]: f for f in doc["features"]}
    a = world["a"]
    assert set(by_code) == {a.code, world["b"].code, world["c"].code}
    assert by_code[a.code]["properties"]["name"] == "Desa Alfa"
    assert by_code[a.code]["properties"]["district_code"] == world["dist"].code
    assert by_code[a.code]["geometry"]["type"] == "Polygon"
    kec = client.get("/api/v1/areas/boundaries?level=kecamatan", headers=auth).json
    assert [f["properties"]["code"] for f in kec["features"]] == [world["dist"].code]
    assert kec["features"][0]["properties"]["derived"] is True
    assert client.get("/api/v1/areas/boundaries?level=provinsi", headers=auth).status_code == 422
    assert client.get("/api/v1/areas/boundaries").status_code == 401
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/areas/boundaries" in spec["paths"]


def test_leaders_home_shows_the_lokus_map(client, make, login, world):
    from models import FiscalYear

    db.session.execute(db.update(FiscalYear).values(is_current=False))
    world["fy"].is_current = True
    db.session.flush()
    login(make.user("viewer"))
    html = page(client, "/")
    paths = _paths(html, "peta-beranda")
    assert set(paths) == {world["a"].code, world["b"].code, world["c"].code}
    assert "konvergensi 2 dari 3" in paths[world["a"].code][1]
    assert "/lokus/?tahun=2033" in html


def test_the_apis_geojson_imports_back_unchanged(client, make, world):
    import json

    from shapely.geometry import shape

    from app.accounts.api_tokens import create_token

    _, secret = create_token(make.user("secretariat"), "uji")
    doc = client.get("/api/v1/areas/boundaries",
                     headers={"Authorization": f"Bearer {secret}"}).json
    plan = importer.build_plan(json.dumps(doc).encode(), "kembali.geojson")
    assert plan.ok and plan.code_property == "code"
    before = {f["properties"]["code"]: shape(f["geometry"]) for f in doc["features"]}
    after = {m.code: shape(json.loads(m.geojson)) for m in plan.matched}
    assert set(after) == set(before)
    assert all(after[c].equals(before[c]) for c in after)
    # RFC 7946: exterior rings counter-clockwise.
    assert all(g.exterior.is_ccw for g in before.values())


def test_the_dashboard_map_costs_the_same_statements_whatever_the_data(app, client, make,
                                                                       login, world):
    from .test_dashboard import count_statements, grow

    login(make.user("secretariat"))
    url = "/dasbor/?tahun=2033&triwulan=2"
    page(client, url)
    db.session.commit()
    app.extensions["cache"].clear()
    with count_statements() as small:
        page(client, url)
    grow(make, world["fy"], 6, 4)
    more = [make.village(world["dist"], world["fy"], priority=True, desil1=3) for _ in range(5)]
    _import(more, start=10)
    db.session.commit()
    app.extensions["cache"].clear()
    with count_statements() as large:
        html = page(client, url)
    assert small["n"] == large["n"], (small["n"], large["n"])
    assert len(_paths(html, "peta-dasbor")) == 8

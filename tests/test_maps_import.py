"""Boundary import (issue 27): GeoJSON and zipped shapefiles matched to desa by Kemendagri code
with or without dots, a preview before anything is written, re-import replacing per area, and
hostile files refused with a reason (never a server error)."""
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.core.errors import ServiceError
from app.maps import importer, reading
from models import AreaBoundary, AuditLog, db

from .maps_files import UTM_PRJ, feature, geojson, shapefile_zip, square


@pytest.fixture
def area(make):
    dist = make.district()
    villages = [make.village(dist) for _ in range(3)]
    return dist, villages


def _undotted(code: str) -> str:
    return code.replace(".", "")


def _stored(village_ids) -> dict:
    rows = db.session.execute(select(AreaBoundary.village_id, AreaBoundary.geojson).where(
        AreaBoundary.village_id.in_(village_ids))).all()
    return {v: json.loads(g) for v, g in rows}


def test_geojson_with_dotted_and_undotted_codes_is_imported(area):
    dist, (a, b, c) = area
    data = geojson([feature({"kode": a.code, "nama": "A"}, square(0)),
                    feature({"kode": _undotted(b.code), "nama": "B"}, square(1)),
                    feature({"kode": "99.99.99.9999", "nama": "luar"}, square(2))])
    plan = importer.build_plan(data, "batas.geojson")
    assert plan.code_property == "kode"
    assert [m.code for m in plan.matched] == [a.code, b.code]
    assert plan.unmatched == [(3, "99.99.99.9999")]
    assert (c.code, c.name) in plan.without
    summary = importer.apply_plan(plan, actor=None)
    stored = _stored([a.id, b.id, c.id])
    assert set(stored) == {a.id, b.id}
    assert stored[a.id]["type"] == "Polygon"
    assert summary == {"file": "batas.geojson", "desa": 2, "kecamatan": 0,
                       "kecamatan_derived": 1, "code_property": "kode"}
    # The kecamatan outline is derived from its desa: it spans both squares.
    outline = db.session.scalar(select(AreaBoundary).where(AreaBoundary.district_id == dist.id))
    assert outline.derived
    xs = [p[0] for ring in json.loads(outline.geojson)["coordinates"] for p in ring]
    assert min(xs) == pytest.approx(110.0, abs=1e-4) and max(xs) == pytest.approx(110.04,
                                                                                   abs=1e-4)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "area_boundary")) == 1


@pytest.mark.parametrize("numeric", [False, True])
def test_zipped_shapefile_is_read_from_memory_with_codes_as_text_or_numbers(area, numeric):
    _, (a, b, c) = area
    rows = [(a.code if not numeric else _undotted(a.code), "A", square(0)),
            (_undotted(b.code), "B", square(1)), (_undotted(c.code), "C", square(2))]
    plan = importer.build_plan(shapefile_zip(rows, numeric=numeric), "desa.zip")
    assert plan.code_property == "KDEPUM"  # guessed: its values are known codes
    assert sorted(m.area_id for m in plan.matched) == sorted([a.id, b.id, c.id])
    importer.apply_plan(plan, actor=None)
    stored = _stored([a.id, b.id, c.id])
    xs = sorted(min(p[0] for p in g["coordinates"][0]) for g in stored.values())
    assert xs == pytest.approx([110.0, 110.02, 110.04])


def test_a_named_code_property_is_used_and_a_missing_one_is_refused(area):
    _, (a, b, _c) = area
    # "id" holds a's code, "kode_lama" b's: naming the property decides.
    data = geojson([feature({"id": a.code, "kode_lama": b.code}, square(0))])
    plan = importer.build_plan(data, "x.geojson", "KODE_LAMA")
    assert [m.area_id for m in plan.matched] == [b.id]
    with pytest.raises(ServiceError, match="Kolom kode 'kdepum' tidak ada"):
        importer.build_plan(data, "x.geojson", "kdepum")


def test_reimport_replaces_the_areas_in_the_file_and_keeps_the_others(area):
    _, (a, b, _c) = area
    importer.apply_plan(importer.build_plan(geojson([
        feature({"kode": a.code}, square(0)), feature({"kode": b.code}, square(1))]),
        "1.geojson"), actor=None)
    importer.apply_plan(importer.build_plan(geojson([
        feature({"kode": a.code}, square(5))]), "2.geojson"), actor=None)
    stored = _stored([a.id, b.id])
    assert min(p[0] for p in stored[a.id]["coordinates"][0]) == pytest.approx(110.1)
    assert min(p[0] for p in stored[b.id]["coordinates"][0]) == pytest.approx(110.02)
    assert db.session.scalar(select(func.count()).select_from(AreaBoundary).where(
        AreaBoundary.village_id == a.id)) == 1


def test_geometry_is_simplified_and_a_touching_ring_repaired(area):
    _, (a, b, _c) = area
    # 2,000 points on a square's edge collapse to its corners.
    edge = [[110.0 + i * 0.00001, -7.0] for i in range(2000)]
    dense = [*edge, [110.02, -7.0], [110.02, -6.98], [110.0, -6.98], [110.0, -7.0]]
    # A ring that touches itself at one point (a "figure eight" sharing a vertex): repairable.
    touching = [[110.0, -7.0], [110.02, -7.0], [110.01, -6.99], [110.02, -6.98],
                [110.0, -6.98], [110.01, -6.99], [110.0, -7.0]]
    plan = importer.build_plan(geojson([feature({"kode": a.code}, dense),
                                        feature({"kode": b.code}, touching)]), "x.geojson")
    assert plan.ok and not plan.refused
    by_id = {m.area_id: m for m in plan.matched}
    assert by_id[a.id].vertices <= 6
    assert by_id[b.id].repaired and plan.repaired == 1


def test_a_ring_crossing_itself_is_refused_with_its_reason(area):
    _, (a, _b, _c) = area
    bowtie = [[110.0, -7.0], [110.02, -6.98], [110.02, -7.0], [110.0, -6.98], [110.0, -7.0]]
    plan = importer.build_plan(geojson([feature({"kode": a.code}, bowtie)]), "x.geojson")
    assert not plan.ok
    assert plan.refused[0][1] == a.code
    assert "berpotongan sendiri" in plan.refused[0][2]
    with pytest.raises(ServiceError):
        importer.apply_plan(plan, actor=None)


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * (3 * 1024 * 1024))
        z.writestr("a.dbf", b"\0" * 10)
    return out.getvalue()


HOSTILE = [
    ("not-a-zip.zip", lambda a: b"PK\x03\x04 this is not really a zip", "bukan arsip ZIP"),
    ("bomb.zip", lambda a: _bomb(), "setelah diekstrak"),
    ("utm.zip", lambda a: shapefile_zip([(a.code, "A", square(0))], prj=UTM_PRJ), "terproyeksi"),
    ("no-dbf.zip", lambda a: _only_shp(), "tidak memuat berkas .dbf"),
    ("luar.geojson", lambda a: geojson([feature({"kode": a.code}, [
        [500000, 9200000], [500100, 9200000], [500100, 9200100], [500000, 9200000]])]),
     "di luar wilayah Indonesia"),
    ("paris.geojson", lambda a: geojson([feature({"kode": a.code}, [
        [2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]])]), "di luar wilayah Indonesia"),
    ("titik.geojson", lambda a: geojson([{"type": "Feature", "properties": {"kode": a.code},
                                          "geometry": {"type": "Point",
                                                       "coordinates": [110, -7]}}]),
     "bukan Polygon"),
    ("rusak.geojson", lambda a: b'{"type": "FeatureCollection", "features": [', "bukan GeoJSON"),
    ("daftar.geojson", lambda a: b"[1, 2, 3]", "FeatureCollection"),
    ("dalam.geojson", lambda a: b"[" * 100000, "JSON tidak dapat dibaca"),
    ("koordinat.geojson", lambda a: geojson([feature({"kode": a.code}, None, coords=[[["x"]]])]),
     "tidak dapat dibaca"),
    ("crs.geojson", lambda a: geojson([feature({"kode": a.code}, square(0))], crs={
        "type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32749"}}), "EPSG::32749"),
    ("peta.kml", lambda a: b"<kml/>", "Jenis berkas tidak didukung"),
    ("kosong.geojson", lambda a: geojson([]), "tidak memuat satu fitur"),
    ("tanpa-kode.geojson", lambda a: geojson([feature({"nama": "X"}, square(0))]),
     "Tidak ada kolom yang berisi kode"),
]


def _only_shp() -> bytes:
    full = zipfile.ZipFile(io.BytesIO(shapefile_zip([("1", "A", square(0))])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("desa.shp", full.read("desa.shp"))
    return out.getvalue()


@pytest.mark.parametrize("name,make_file,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_on_the_page_with_a_reason(client, make, login, area, name,
                                                            make_file, reason, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNZIPPED", 2 * 1024 * 1024)
    _, (a, _b, _c) = area
    login(make.user("admin"))
    resp = client.post("/admin/peta/", data={"file": (io.BytesIO(make_file(a)), name)},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:300]
    assert reason in html
    assert db.session.scalar(select(func.count()).select_from(AreaBoundary)) == 0


def test_too_large_and_too_many_vertices_are_refused_before_parsing(area, monkeypatch):
    _, (a, _b, _c) = area
    data = geojson([feature({"kode": a.code}, square(i)) for i in range(20)])
    monkeypatch.setattr(reading, "MAX_BYTES", len(data) - 1)
    with pytest.raises(ServiceError, match="melebihi batas"):
        importer.build_plan(data, "besar.geojson")
    monkeypatch.setattr(reading, "MAX_BYTES", len(data))
    monkeypatch.setattr(reading, "MAX_VERTICES", 50)
    with pytest.raises(ServiceError, match="lebih dari 50 titik"):
        importer.build_plan(data, "besar.geojson")
    zipped = shapefile_zip([(a.code, "A", square(i)) for i in range(20)])
    with pytest.raises(ServiceError, match="lebih dari 50 titik"):
        importer.build_plan(zipped, "besar.zip")


def test_page_previews_then_commits_all_or_nothing(client, make, login, area):
    _, (a, b, _c) = area
    login(make.user("admin"))
    data = geojson([feature({"KDEPUM": _undotted(a.code)}, square(0)),
                    feature({"KDEPUM": b.code}, square(1))])
    resp = client.post("/admin/peta/", data={"file": (io.BytesIO(data), "desa.geojson")},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pratinjau batas wilayah" in html
    assert "KDEPUM" in html and a.code in html and b.code in html
    assert db.session.scalar(select(func.count()).select_from(AreaBoundary)) == 0
    action = html.split('action="/admin/peta/')[1].split('"')[0]
    resp = client.post(f"/admin/peta/{action}", data={})
    assert resp.status_code == 302
    assert set(_stored([a.id, b.id])) == {a.id, b.id}
    # The staged preview is gone: the same commit again finds nothing.
    resp = client.post(f"/admin/peta/{action}", data={}, follow_redirects=True)
    assert "kedaluwarsa" in resp.get_data(as_text=True)


def test_page_with_a_refused_feature_offers_no_commit(client, make, login, area):
    _, (a, b, _c) = area
    login(make.user("secretariat"))
    bowtie = [[110.0, -7.0], [110.02, -6.98], [110.02, -7.0], [110.0, -6.98], [110.0, -7.0]]
    data = geojson([feature({"kode": a.code}, square(0)), feature({"kode": b.code}, bowtie)])
    resp = client.post("/admin/peta/", data={"file": (io.BytesIO(data), "desa.geojson")},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert "Fitur ditolak" in html and "berpotongan sendiri" in html
    assert 'action="/admin/peta/' not in html


def test_opd_users_cannot_import_boundaries(client, make, login):
    login(make.user("opd"))
    assert client.get("/admin/peta/").status_code == 403


def test_cli_dry_run_writes_nothing_and_the_import_writes(app, area, tmp_path):
    _, (a, b, _c) = area
    path = tmp_path / "desa.zip"
    path.write_bytes(shapefile_zip([(a.code, "A", square(0)), (b.code, "B", square(1))]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["areas", "import-boundaries", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "cocok 2 desa" in result.output and "--dry-run" in result.output
    assert not _stored([a.id, b.id])
    result = runner.invoke(args=["areas", "import-boundaries", str(path),
                                 "--code-property", "kdepum"])
    assert result.exit_code == 0, result.output
    assert set(_stored([a.id, b.id])) == {a.id, b.id}
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"not a zip")
    result = runner.invoke(args=["areas", "import-boundaries", str(bad)])
    assert result.exit_code != 0 and "bukan arsip ZIP" in result.output


def test_a_file_past_the_routes_limit_is_refused_before_it_is_read(app, client, make, login,
                                                                    monkeypatch):
    import app.maps as maps_package

    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    monkeypatch.setattr(maps_package, "BOUNDARY_MAX_BYTES", 128 * 1024)
    login(make.user("admin"))
    resp = client.post("/admin/peta/", data={"file": (io.BytesIO(b" " * 100_000), "a.geojson")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422  # past the app's limit, within the route's: read, refused
    huge = io.BytesIO(b" " * (200 * 1024))
    resp = client.post("/admin/peta/", data={"file": (huge, "besar.geojson")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413 and "terlalu besar" in resp.get_data(as_text=True)


def test_cli_demo_boundaries_once_only(app, make):
    dist = make.district()
    villages = [make.village(dist) for _ in range(4)]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["areas", "demo-boundaries"])
    assert result.exit_code == 0, result.output
    stored = _stored([v.id for v in villages])
    assert set(stored) == {v.id for v in villages}
    assert db.session.scalar(select(func.count()).select_from(AreaBoundary).where(
        AreaBoundary.fictional.is_(False))) == 0
    result = runner.invoke(args=["areas", "demo-boundaries"])
    assert result.exit_code != 0 and "Sudah ada batas" in result.output

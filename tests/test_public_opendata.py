"""Open data: the Fiscal Data Package validates with frictionless, carries the budget phases,
the licence and the last verification; a new verification publishes a new version and the old
one stays reachable unchanged."""
import json
from datetime import datetime

import pytest
from frictionless import validate

from app.public import portal
from models import PublicPublication, db
from tests import public_data


@pytest.fixture
def world(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_API_REQUESTS", 10_000)
    return public_data.build(make)


def _download(client, base, tmp_path):
    descriptor = client.get(f"{base}/datapackage.json").json
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for resource in descriptor["resources"]:
        resp = client.get(f"{base}/{resource['path']}")
        assert resp.status_code == 200, resource["path"]
        (tmp_path / resource["path"]).write_bytes(resp.data)
    return descriptor


def test_datapackage_validates_with_frictionless(client, world, tmp_path):
    descriptor = _download(client, "/terbuka/data/2026", tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["taskNumber", "fieldName", "type", "note"])
    assert {r["name"] for r in descriptor["resources"]} >= {
        "ringkasan", "fase-anggaran", "strategi", "kelompok", "opd", "kecamatan", "desa",
        "tren", "konvergensi", "rumah-tangga"}


def test_datapackage_names_phases_licence_codes_and_last_verification(client, world):
    d = client.get("/terbuka/data/2026/datapackage.json").json
    assert d["licenses"][0]["name"] == "CC-BY-4.0"
    assert d["lastVerified"] == "2026-07-21T04:30:00"
    assert d["fiscalPeriod"] == {"start": "2026-01-01", "end": "2026-12-31"}
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in d["resources"]}
    assert fields["ringkasan"]["apbd_belanja_murni"]["phase"] == "approved"
    assert fields["ringkasan"]["apbd_belanja_perubahan"]["phase"] == "adjusted"
    assert fields["opd"]["realisasi"]["phase"] == "executed"
    assert fields["opd"]["ditandai"]["phase"] == "adjusted"  # a perubahan total is entered
    assert fields["opd"]["kode"]["columnType"] == "administrative-classification:generic:code"
    assert "Kepmendagri" in fields["opd"]["kode"]["title"]
    phases = client.get("/terbuka/data/2026/fase-anggaran.csv").get_data(as_text=True)
    assert "approved,apbd,1500000000000.00" in phases
    assert "adjusted,apbd,1600000000000.50" in phases


def test_licence_chosen_by_the_pemda_is_in_the_package(client, world):
    portal.configure(True, "CC0-1.0")
    d = client.get("/terbuka/data/2026/datapackage.json").json
    assert d["licenses"][0]["name"] == "CC0-1.0"


def test_a_new_verification_publishes_a_new_version_and_the_old_stays(client, world, clock):
    first = client.get("/terbuka/data/2026/datapackage.json").json
    old_csv = client.get("/terbuka/data/2026/opd.csv").get_data(as_text=True)
    assert first["version"] == "20260721T043000"
    assert client.get("/terbuka/data/2026/datapackage.json").json["version"] == first["version"]
    sub = world["sub_b2"]
    sub.status, sub.verified_at = "verified", datetime(2026, 7, 25, 1, 0)
    db.session.flush()
    second = client.get("/terbuka/data/2026/datapackage.json").json
    assert second["version"] == "20260725T010000"
    new_csv = client.get("/terbuka/data/2026/opd.csv").get_data(as_text=True)
    assert "7777777.77" in new_csv and "7777777.77" not in old_csv
    old = client.get(f"/terbuka/data/2026/versi/{first['version']}/opd.csv")
    assert old.get_data(as_text=True) == old_csv
    assert db.session.scalar(db.select(db.func.count()).select_from(PublicPublication)) == 2
    page = client.get("/terbuka/data/2026/").get_data(as_text=True)
    assert first["version"] in page and second["version"] in page


def test_a_change_without_verification_gets_a_numbered_version(client, world):
    first = client.get("/terbuka/data/2026/data.json").json["versi"]
    from models import PublicApbdTotal

    total = db.session.scalar(db.select(PublicApbdTotal))
    total.belanja_perubahan = None
    db.session.flush()
    assert client.get("/terbuka/data/2026/data.json").json["versi"] == f"{first}-2"


def test_unknown_year_file_or_version_is_404(client, world):
    for url in ("/terbuka/data/1999/opd.csv", "/terbuka/data/2026/rahasia.csv",
                "/terbuka/data/2026/opd.xlsx", "/terbuka/data/2026/versi/nope/opd.csv",
                "/terbuka/data/2026/..%2F..%2Fconfig.py"):
        assert client.get(url).status_code == 404, url

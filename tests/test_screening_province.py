"""Province consensus (issue 26): derived from the bundles a province holds, signed, imported by
a kabupaten, and used by its suggester. Counts only: no kabupaten is named."""
import json
from datetime import datetime
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core.errors import ServiceError
from app.federation import bundle
from app.screening import province
from app.screening.evidence import gather
from app.screening.service import suggest_items
from models import (
    FederationBundle,
    FederationMatrixRow,
    FederationMember,
    ProvinceReference,
    ProvinceReferenceRow,
    db,
)

CODE = "1.06.05.2.02.9201"
ITEM = {"code": CODE, "name": "Pendampingan Kelompok Masyarakat Pesisir",
        "program": "Program Pemberdayaan Sosial"}


def _kabupaten(n: int, rows: list[tuple[int, str]], year=2026):
    member = FederationMember(code=f"99.{n:02d}", name=f"Kabupaten Uji {n}",
                              public_key="A" * 44)
    db.session.add(member)
    db.session.flush()
    b = FederationBundle(member_id=member.id, fiscal_year=year, period_kind="quarter",
                         period_number=4, quarter=4, sequence=1, schema_version=1,
                         created_at=datetime(2026, 12, 1), source="upload", sha256="0" * 64,
                         size=1, is_current=True, tagged=Decimal(1), realized=Decimal(0),
                         document="{}")
    db.session.add(b)
    db.session.flush()
    for i, (strategy, kind) in enumerate(rows):
        db.session.add(FederationMatrixRow(
            bundle_id=b.id, position=i, strategy_code=strategy, opd_code="1.06", opd_name="Dinsos",
            sub_activity_code=CODE, sub_activity_name=ITEM["name"], program_name="",
            activity_name="", tag_kind=kind, description="", funding="DAU", location="",
            tagged=Decimal(1), realized=Decimal(0), target=1, unit="KK", reached=0))
    db.session.flush()


def _signed(payload: dict) -> tuple[bytes, str]:
    key = Ed25519PrivateKey.generate()
    return bundle.encode(bundle.sign(payload, key)), bundle.public_b64(key)


def test_province_counts_kabupaten_per_code_without_naming_them(app):
    for n in range(1, 10):
        _kabupaten(n, [(2, "langsung"), (2, "tidak_langsung")])  # two tags, one kabupaten
    _kabupaten(10, [(1, "langsung")])
    _kabupaten(11, [])
    payload = province.derive(2026)
    assert payload["members"] == 11
    (entry,) = [c for c in payload["codes"] if c["code"] == CODE]
    assert entry["kabupaten"] == 10
    assert entry["strategy"] == {"1": 1, "2": 9}
    assert entry["kind"] == {"langsung": 10, "tidak_langsung": 9}
    assert "Kabupaten Uji" not in json.dumps(payload) and "99.0" not in json.dumps(payload)


def test_imported_province_reference_changes_the_suggestion(app):
    before = suggest_items([ITEM], evidence=gather(None))[0]
    for n in range(1, 10):
        _kabupaten(n, [(2, "langsung")])
    _kabupaten(10, [])
    _kabupaten(11, [])
    data, public = _signed(province.derive(2026))
    db.session.rollback()  # the kabupaten's database holds no province bundles
    province.import_reference(data, public)
    after = suggest_items([ITEM], evidence=gather(None))[0]
    assert "ditandai Strategi 2 oleh 9 dari 11 kabupaten di provinsi" in after.reasons
    assert after.strategy_code == 2
    assert after.score > before.score


def test_a_tampered_or_foreign_reference_is_refused_and_writes_nothing(app):
    payload = {"kind": province.KIND, "schema_version": 1, "fiscal_year": 2026,
               "province": "Provinsi Uji", "members": 3, "created_at": "2026-12-01T00:00:00",
               "codes": [{"code": CODE, "name": "", "kabupaten": 3, "strategy": {"1": 3},
                          "kind": {"langsung": 3}}]}
    data, public = _signed(payload)
    tampered = data.replace(b'"members":3', b'"members":4')
    _other, foreign = _signed(payload)
    for blob, key in ((tampered, public), (data, foreign), (b"\x00" * 10, public)):
        with pytest.raises(ServiceError):
            province.import_reference(blob, key)
    bad = {**payload, "codes": [{**payload["codes"][0], "kabupaten": 99}]}
    with pytest.raises(ServiceError):
        province.import_reference(*_signed(bad))
    assert db.session.query(ProvinceReference).count() == 0
    assert db.session.query(ProvinceReferenceRow).count() == 0


def test_published_file_round_trips_through_the_cli_import(app, tmp_path):
    key = bundle.generate_key(tmp_path / "province.pem")
    for n in range(1, 4):
        _kabupaten(n, [(3, "langsung")])
    app.config["FEDERATION_KEY"] = str(tmp_path / "province.pem")
    try:
        out = tmp_path / "ref.json"
        runner = app.test_cli_runner()
        published = runner.invoke(args=["suggest", "publish-reference", "--year", "2026",
                                        "--out", str(out)])
        assert published.exit_code == 0, published.output
        db.session.rollback()  # the kabupaten holds no bundles
        imported = runner.invoke(args=["suggest", "import-reference", str(out),
                                       "--public-key", bundle.public_b64(key)])
        assert imported.exit_code == 0, imported.output
    finally:
        app.config["FEDERATION_KEY"] = None
    ref = db.session.query(ProvinceReference).one()
    assert ref.members == 3 and ref.is_current
    rows = {(r.dimension, r.value): r.kabupaten for r in db.session.query(ProvinceReferenceRow)
            .filter_by(code=CODE)}
    assert rows == {("any", ""): 3, ("strategy", "3"): 3, ("kind", "langsung"): 3}


def test_secretariat_imports_the_reference_on_the_screening_page(client, make, login):
    from io import BytesIO

    fy = make.fiscal_year(2026)
    payload = {"kind": province.KIND, "schema_version": 1, "fiscal_year": 2026,
               "province": "Provinsi Uji", "members": 5, "created_at": "2026-12-01T00:00:00",
               "codes": [{"code": CODE, "name": "", "kabupaten": 4, "strategy": {"2": 4},
                          "kind": {"langsung": 4}}]}
    data, public = _signed(payload)
    login(make.user("secretariat"))
    url = f"/penyaringan/referensi-provinsi?tahun={fy.year}"
    refused = client.post(url, data={"file": (BytesIO(data.replace(b'"members":5', b'"members":6')),
                                              "ref.json"), "public_key": public},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "tanda tangan" in refused.get_data(as_text=True)
    assert db.session.query(ProvinceReference).count() == 0
    ok = client.post(url, data={"file": (BytesIO(data), "ref.json"), "public_key": public},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "Referensi Provinsi Uji 2026 (5 kab/kota) diimpor." in ok.get_data(as_text=True)
    assert db.session.query(ProvinceReference).one().imported_by_id is not None

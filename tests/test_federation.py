"""Federation (issue 18): canonical form and signatures, the bundle a kabupaten exports, and
the province accepting (or refusing) it, its pages, its SQL rollup and the governor's report."""
import gzip
import io
import json
import os
import stat
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.federation import bundle, content, receive, schema
from models import (
    AuditLog,
    FederationBundle,
    FederationExport,
    FederationLokus,
    FederationMatrixRow,
    FederationRow,
    Tag,
    TagTheme,
    Theme,
    db,
)
from reports.province import queries as province
from reports.queries.rollup import RollupFilter, rollup, total

YEAR = 2071
CODE = "36.71"
PUSH = "/api/v1/federation/bundles"


@pytest.fixture
def kab_key(app, tmp_path):
    """This test's kabupaten: its code, name and a fresh key pair in tmp_path."""
    saved = {k: app.config.get(k) for k in ("FEDERATION_KEY", "FEDERATION_CODE",
                                            "FEDERATION_NAME")}
    app.config.update(FEDERATION_KEY=str(tmp_path / "kab.pem"), FEDERATION_CODE=CODE,
                      FEDERATION_NAME="Kabupaten Uji Federasi")
    key = bundle.generate_key(tmp_path / "kab.pem")
    yield key
    app.config.update(saved)


@pytest.fixture
def max_bytes(app):
    """Set FEDERATION_MAX_BYTES for this test (None: back to the configured one)."""
    saved = app.config["FEDERATION_MAX_BYTES"]

    def limit(n: int | None) -> None:
        app.config["FEDERATION_MAX_BYTES"] = saved if n is None else n

    yield limit
    app.config["FEDERATION_MAX_BYTES"] = saved


@pytest.fixture
def province_mode(app):
    app.config["TAGAR_MODE"] = "province"
    yield
    app.config["TAGAR_MODE"] = "kabupaten"


def build_kabupaten(make, year=YEAR, verified=True):
    """One OPD, two tags (one with sen), a priority desa, TW I-II realization; TW II verified
    unless told otherwise."""
    fy = make.fiscal_year(year)
    o = make.opd()
    sa = make.sub_activity(o, fy, allocation="900000000")
    t1 = make.tag(sa, amount="300000000.55", strategy_code=1, target_count=100)
    t2 = make.tag(sa, amount="200000000", strategy_code=2, kind="penunjang", target_count=50)
    v = make.village(fy=fy, priority=True, desil1=40)
    make.tag_village(t1, v)
    make.village(fy=fy, priority=True, desil1=25)  # a gap: desil-1 households, no tag
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    make.realization(t1, q1, amount="60000000.10", progress="20", reached=10)
    make.realization(t1, q2, amount="120000000.33", progress="40", reached=30)
    make.realization(t2, q2, amount="50000000", progress="25", reached=10)
    make.submission(o, q1, "verified")
    make.submission(o, q2, "verified" if verified else "submitted")
    return fy, o


def exported(kind="quarter", number=2, year=YEAR) -> dict:
    data, _ = content.export(year, kind, number)
    return json.loads(data)


def signed(payload: dict, key) -> bytes:
    return bundle.encode(bundle.sign(payload, key))


# --- canonical form and signatures -----------------------------------------------------------

def test_canonical_form_sorts_keys_drops_spaces_and_writes_decimals_as_strings():
    a = bundle.canonical({"b": Decimal("1250000.50"), "a": ["Desa Ciélo", 3]})
    b = bundle.canonical({"a": ["Desa Ciélo", 3], "b": Decimal("1250000.50")})
    assert a == b == '{"a":["Desa Ciélo",3],"b":"1250000.50"}'.encode()
    with pytest.raises(TypeError):
        bundle.canonical({"x": object()})
    with pytest.raises(ValueError):
        bundle.canonical({"x": float("nan")})


def test_signature_verifies_only_the_signed_bytes_under_the_registered_key(tmp_path):
    key = bundle.generate_key(tmp_path / "a.pem")
    other = bundle.generate_key(tmp_path / "b.pem")
    envelope = bundle.sign({"total": "100.00", "n": 1}, key)
    # Whitespace and key order of the transport do not matter: the canonical form is signed.
    relaid = json.loads(json.dumps(envelope, indent=2, sort_keys=False))
    assert bundle.verify(relaid, bundle.public_b64(key))
    tampered = json.loads(json.dumps(envelope))
    tampered["bundle"]["total"] = "100.01"  # one sen
    assert not bundle.verify(tampered, bundle.public_b64(key))
    assert not bundle.verify(envelope, bundle.public_b64(other))
    broken = json.loads(json.dumps(envelope))
    broken["signature"]["value"] = "!!not base64!!"
    assert not bundle.verify(broken, bundle.public_b64(key))


def test_keygen_writes_a_private_file_and_never_replaces_it(tmp_path):
    path = tmp_path / "k" / "key.pem"
    key = bundle.generate_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(bundle.KeyProblem):
        bundle.generate_key(path)
    assert bundle.public_b64(bundle.load_private_key(path)) == bundle.public_b64(key)
    # The province accepts the public key as PEM or base64, and nothing else.
    assert bundle.parse_public_key(bundle.public_pem(key)) == bundle.public_b64(key)
    assert bundle.parse_public_key(bundle.public_b64(key)) == bundle.public_b64(key)
    for bad in ("", "abc", "QUJD", "-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----"):
        with pytest.raises(bundle.KeyProblem):
            bundle.parse_public_key(bad)


def test_cli_keygen_prints_the_public_key(app, tmp_path):
    app.config["FEDERATION_KEY"] = str(tmp_path / "cli.pem")
    try:
        result = app.test_cli_runner().invoke(args=["federation", "keygen"])
        assert result.exit_code == 0, result.output
        key = bundle.load_private_key(tmp_path / "cli.pem")
        assert bundle.public_b64(key) in result.output
        again = app.test_cli_runner().invoke(args=["federation", "keygen"])
        assert again.exit_code != 0 and "sudah ada" in again.output
    finally:
        app.config["FEDERATION_KEY"] = ""


# --- the bundle a kabupaten exports ----------------------------------------------------------

def test_only_a_verified_period_is_exported(make, kab_key):
    build_kabupaten(make, verified=False)
    with pytest.raises(Exception) as refused:
        content.export(YEAR, "quarter", 2)
    assert "belum terverifikasi" in refused.value.message
    assert db.session.scalar(select(func.count(FederationExport.id))) == 0


def test_bundle_holds_the_verified_rollups_and_validates_against_its_schema(make, kab_key):
    fy, _ = build_kabupaten(make)
    # Both tags serve the default theme, the first also Stunting (issue 17's themes section).
    default = db.session.scalar(select(Theme).where(Theme.is_default))
    stunting = Theme(code="stunting-fed", name="Stunting (federasi)")
    db.session.add(stunting)
    db.session.flush()
    tags = db.session.scalars(select(Tag).order_by(Tag.amount.desc())).all()
    db.session.add_all([TagTheme(tag_id=t.id, theme_id=default.id) for t in tags]
                       + [TagTheme(tag_id=tags[0].id, theme_id=stunting.id)])
    db.session.flush()
    envelope = exported("semester", 1)
    assert schema.errors(envelope) == []
    b = envelope["bundle"]
    f = RollupFilter(fiscal_year_id=fy.id, quarter=2, verified_only=True)
    t = total(f)
    assert b["total"]["tagged"] == "500000000.55" == format(t.tagged, "f")
    assert b["total"]["realized"] == "170000000.33" == format(t.realized, "f")
    assert b["period"] == {"kind": "semester", "number": 1, "quarter": 2}
    assert b["kabupaten"] == {"code": CODE, "name": "Kabupaten Uji Federasi",
                              "letterhead": "Kabupaten Lembah Harapan"}  # issue 30
    assert [r["code"] for r in b["rollups"]["strategy"]] == ["1", "2", "3"]
    assert sum(Decimal(r["realized"]) for r in b["rollups"]["opd"]) == t.realized
    assert len(b["matrix"]) == 2 and {m["realized"] for m in b["matrix"]} == {
        "120000000.33", "50000000.00"}
    assert len(b["lokus"]) == 2 and sorted(v["interventions"] for v in b["lokus"]) == [0, 1]
    themes = {r["code"]: r for r in b["themes"]}
    assert themes[default.code]["tagged"] == b["total"]["tagged"]
    assert themes[default.code]["realized"] == b["total"]["realized"]
    assert themes["stunting-fed"]["tagged"] == "300000000.55"
    assert b["coverage"] == []  # no BNBA snapshot in this kabupaten
    assert bundle.verify(envelope, bundle.public_b64(kab_key))
    # Each export is numbered higher than the last, and audited.
    second = exported("semester", 1)
    assert second["bundle"]["sequence"] > b["sequence"]
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "federation_export")) == 2


def test_schema_refuses_floats_for_money_and_unknown_fields(make, kab_key):
    build_kabupaten(make)
    envelope = exported()
    envelope["bundle"]["total"]["tagged"] = 500000000.55
    envelope["bundle"]["extra"] = 1
    problems = schema.errors(envelope)
    assert any("total.tagged" in p for p in problems)
    assert any("extra" in p for p in problems)


def test_export_page_downloads_a_signed_bundle_for_the_secretariat(client, make, login,
                                                                   kab_key):
    build_kabupaten(make)
    login(make.user("secretariat"))
    page = client.get("/federasi/kirim")
    assert page.status_code == 200 and CODE in page.get_data(as_text=True)
    assert bundle.public_b64(kab_key) in page.get_data(as_text=True)
    resp = client.post("/federasi/kirim", data={"year": str(YEAR), "period": "quarter:2"})
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert bundle.verify(json.loads(resp.data), bundle.public_b64(kab_key))
    refused = client.post("/federasi/kirim", data={"year": str(YEAR), "period": "quarter:3"})
    assert refused.status_code == 409
    assert "belum terverifikasi" in refused.get_data(as_text=True)
    assert client.post("/federasi/kirim", data={"year": "x", "period": "y"}).status_code == 422


# --- the province accepts ----------------------------------------------------------------------

@pytest.fixture
def member(kab_key):
    m, token = receive.register(CODE, "Kabupaten Uji Federasi", bundle.public_b64(kab_key))
    db.session.flush()
    return m, token


def post(client, data: bytes, token: str):
    return client.post(PUSH, data=data, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_push_is_verified_stored_and_consolidated(client, make, kab_key, member,
                                                  province_mode):
    build_kabupaten(make)
    m, token = member
    data, _ = content.export(YEAR, "quarter", 2)
    resp = post(client, data, token)
    assert resp.status_code == 201, resp.get_json()
    stored = db.session.get(FederationBundle, resp.get_json()["id"])
    assert stored.is_current and stored.realized == Decimal("170000000.33")
    assert db.session.scalar(select(func.count(FederationMatrixRow.id)).where(
        FederationMatrixRow.bundle_id == stored.id)) == 2
    assert db.session.scalar(select(func.count(FederationLokus.id)).where(
        FederationLokus.bundle_id == stored.id)) == 2
    t = province.province_total(YEAR, 2)
    assert (t.tagged, t.realized, t.kabupaten) == (Decimal("500000000.55"),
                                                    Decimal("170000000.33"), 1)
    by_strategy = province.by_dimension(YEAR, 2, "strategy")
    assert sum(r.realized for r in by_strategy) == t.realized
    # A replay of the very same bytes is refused, and writes nothing.
    before = db.session.scalar(select(func.count(FederationRow.id)))
    again = post(client, data, token)
    assert again.status_code == 409 and "ulang" in again.get_json()["message"]
    assert db.session.scalar(select(func.count(FederationRow.id))) == before


def test_a_corrected_bundle_replaces_the_current_one_and_history_is_kept(
        client, make, kab_key, member, province_mode):
    fy, o = build_kabupaten(make)
    m, token = member
    first, _ = content.export(YEAR, "quarter", 2)
    assert post(client, first, token).status_code == 201
    tag = make.tag(make.sub_activity(o, fy), amount="1000.01")  # a late correction
    make.realization(tag, make.quarter(fy, 2), amount="999.99")
    second, _ = content.export(YEAR, "quarter", 2)
    assert post(client, second, token).status_code == 201
    rows = db.session.scalars(select(FederationBundle).where(
        FederationBundle.member_id == m.id).order_by(FederationBundle.id)).all()
    assert [b.is_current for b in rows] == [False, True]
    assert province.province_total(YEAR, 2).realized == Decimal("170001000.32")
    # The older bundle, sent again after the newer, is refused.
    assert post(client, first, token).status_code == 409


def test_tampered_foreign_and_old_bundles_are_refused_with_a_reason(
        client, make, kab_key, member, province_mode, tmp_path):
    build_kabupaten(make)
    m, token = member
    envelope = exported()
    tampered = json.loads(json.dumps(envelope))
    tampered["bundle"]["total"]["realized"] = "170000000.34"
    resp = post(client, bundle.encode(tampered), token)
    assert resp.status_code == 422 and "Tanda tangan tidak sah" in resp.get_json()["message"]
    # Signed by another key than the registered one.
    stranger = bundle.generate_key(tmp_path / "stranger.pem")
    resp = post(client, signed(envelope["bundle"], stranger), token)
    assert resp.status_code == 422
    # A bundle in another kabupaten's name, with this kabupaten's token.
    other = dict(envelope["bundle"], kabupaten={"code": "99.99", "name": "Lain"})
    resp = post(client, signed(other, kab_key), token)
    assert resp.status_code == 403 and "99.99" in resp.get_json()["message"]
    # An older schema version, properly signed.
    old = dict(envelope["bundle"], schema_version=0, sequence=envelope["bundle"]["sequence"] + 5)
    resp = post(client, signed(old, kab_key), token)
    assert resp.status_code == 409 and "Versi skema 0" in resp.get_json()["message"]
    # Signed, but not the schema (a float for money).
    floaty = json.loads(json.dumps(envelope["bundle"]))
    floaty["total"]["tagged"] = 12.5
    resp = post(client, signed(floaty, kab_key), token)
    assert resp.status_code == 422 and "skema" in resp.get_json()["message"]
    assert resp.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count(FederationBundle.id))) == 0


def test_hostile_bodies_and_tokens_are_refused_never_a_500(client, make, kab_key, member,
                                                            province_mode, app, max_bytes):
    m, token = member
    assert client.post(PUSH, json={}).status_code == 401
    assert post(client, b"{}", "tgk_salah").status_code == 401
    assert post(client, b"{not json", token).status_code == 400
    assert post(client, b"[" * 500 + b"]" * 500, token).status_code == 400
    assert post(client, b'{"bundle": {"a": "\\u0000"}, "signature": {}}', token
                ).status_code == 400
    max_bytes(4096)
    big = b'{"bundle": {"x": "' + b"a" * 5000 + b'"}}'
    assert post(client, big, token).status_code == 413
    assert post(client, b'{"bundle": [], "signature": 1}', token).status_code == 422
    resp = client.post(PUSH, data=b"x", content_type="text/plain",
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 415


def test_a_kabupaten_instance_accepts_no_bundles(client, make, kab_key, member):
    build_kabupaten(make)
    _, token = member
    data, _ = content.export(YEAR, "quarter", 2)
    resp = post(client, data, token)
    assert resp.status_code == 404 and "bukan instans provinsi" in resp.get_json()["message"]


def test_schema_is_published(client):
    resp = client.get("/api/v1/schemas/bundle.json")
    assert resp.status_code == 200
    assert resp.get_json()["$id"] == schema.SCHEMA_ID
    assert "bundle" in resp.get_json()["properties"]


# --- province pages ----------------------------------------------------------------------------

def test_upload_by_hand_and_its_refusals(client, make, login, kab_key, member, province_mode):
    build_kabupaten(make)
    data, _ = content.export(YEAR, "quarter", 2)
    login(make.user("provinsi"))
    resp = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(data), "b.json")})
    assert resp.status_code == 303 and "/provinsi/kabupaten/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kabupaten Uji Federasi" in html and "Rp 170.000.000,33" in html
    # The same file again is no replay (issue 30: it may bring its PDF): nothing new is stored.
    count = db.session.scalar(select(func.count(FederationBundle.id)))
    again = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(data), "b.json")})
    assert again.status_code == 303
    assert "sudah diterima sebelumnya" in client.get(again.headers["Location"]).get_data(
        as_text=True)
    assert db.session.scalar(select(func.count(FederationBundle.id))) == count
    nul = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(
        data.replace(b'"Kabupaten Uji Federasi"', b'"Kab\\u0000"', 1)), "b.json")})
    assert nul.status_code == 400
    missing = client.post("/provinsi/unggah", data={})
    assert missing.status_code == 422 and "Pilih berkas" in missing.get_data(as_text=True)


@pytest.mark.parametrize("role,status", [("provinsi", 200), ("viewer", 200), ("admin", 200),
                                         ("secretariat", 403), ("opd", 403)])
def test_province_pages_by_role(client, make, login, province_mode, role, status):
    login(make.user(role))
    for path in ("/provinsi/", "/provinsi/kepatuhan", f"/provinsi/laporan?tahun={YEAR}",
                 "/provinsi/daftar"):
        if path == "/provinsi/daftar" and role == "viewer":
            continue
        assert client.get(path).status_code == status, path


def test_province_pages_do_not_exist_on_a_kabupaten_and_export_not_on_a_province(
        client, make, login, app):
    login(make.user("admin"))
    assert client.get("/provinsi/").status_code == 404
    login(make.user("secretariat"))
    app.config["TAGAR_MODE"] = "province"
    try:
        assert client.get("/federasi/kirim").status_code == 404
    finally:
        app.config["TAGAR_MODE"] = "kabupaten"


def test_province_home_for_its_roles(client, make, login, province_mode):
    login(make.user("viewer"))
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/provinsi/")


def test_registry_page_registers_a_kabupaten_and_shows_the_token_once(
        client, make, login, kab_key, province_mode):
    login(make.user("admin"))
    resp = client.post("/provinsi/daftar", data={
        "code": "36.72", "name": "Kota Uji", "public_key": bundle.public_pem(kab_key)})
    assert resp.status_code == 200 and "tgk_" in resp.get_data(as_text=True)
    bad = client.post("/provinsi/daftar", data={"code": "36.73", "name": "X",
                                                "public_key": "bukan kunci"})
    assert bad.status_code == 422 and "Kunci publik" in bad.get_data(as_text=True)
    login(make.user("provinsi"))
    assert client.post("/provinsi/daftar", data={"code": "1", "name": "Y",
                                                 "public_key": ""}).status_code == 403


def test_compliance_marks_late_and_missing_periods(client, make, login, kab_key, member,
                                                    province_mode, clock):
    build_kabupaten(make)
    m, token = member
    clock(f"{YEAR}-09-01T03:00:00")  # TW II ended 30 June: deadline 30 July
    data, _ = content.export(YEAR, "quarter", 2)
    assert post(client, data, token).status_code == 201
    rows = dict((mm.code, cells) for mm, cells in province.compliance(
        YEAR, 30, province.period_end(YEAR, "quarter", 3)))
    cells = rows[CODE]
    assert cells["quarter", 2].late and cells["quarter", 2].count == 1
    assert cells["quarter", 2].days_late == 33  # 1 September, due 30 July (issue 30)
    assert cells["quarter", 1] == "late"  # never sent, deadline passed
    assert cells["quarter", 4] is None  # not yet due
    login(make.user("provinsi"))
    html = client.get(f"/provinsi/kepatuhan?tahun={YEAR}").get_data(as_text=True)
    assert "terlambat 33 hari" in html and "Kabupaten Uji Federasi" in html
    assert f'href="/provinsi/kabupaten/{m.id}?tahun={YEAR}' in html  # names are links


def test_governor_report_pdf_and_xlsx_from_the_bundles(client, make, login, kab_key, member,
                                                        province_mode):
    build_kabupaten(make)
    _, token = member
    data, _ = content.export(YEAR, "semester", 1)
    assert post(client, data, token).status_code == 201
    login(make.user("provinsi"))
    x = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=1&format=xlsx")
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.data))
    cells = [c.value for row in wb["Kabupaten"].iter_rows() for c in row]
    assert "Kabupaten Uji Federasi" in cells
    assert Decimal(str(max(v for v in cells if isinstance(v, int | float)))) >= Decimal(
        "500000000.55")
    p = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=1&format=pdf")
    assert p.status_code == 200 and p.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(p.data)).pages)
    text = " ".join(text.split())
    assert "Kabupaten Uji Federasi" in text and "Rp 170.000.000,33" in text
    from app.reference.service import settings

    # The signature block: the title from Pengaturan, completed with the region (issue 30)
    assert f"{settings().head_title} " in text and "Rp 170.000.000,33" in text
    page = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=1").get_data(as_text=True)
    assert "1 dari 1" in page


def test_dashboard_drill_down_shows_a_kabupatens_own_rows(client, make, login, kab_key,
                                                         member, province_mode):
    fy, o = build_kabupaten(make)
    m, token = member
    data, _ = content.export(YEAR, "quarter", 2)
    assert post(client, data, token).status_code == 201
    login(make.user("viewer"))
    html = client.get(f"/provinsi/?tahun={YEAR}&triwulan=2").get_data(as_text=True)
    assert "Rp 500.000.001" in html or "Rp 500.000.000,55" in html
    detail = client.get(f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2")
    text = detail.get_data(as_text=True)
    assert o.code in text and "Riwayat bundel" in text
    f = RollupFilter(fiscal_year_id=fy.id, quarter=2, verified_only=True)
    own = {r.code: r.realized for r in rollup(f, "opd")}
    assert {r.key: r.realized for r in province.bundle_rows(
        db.session.scalar(select(FederationBundle.id)), "opd")} == own
    assert client.get(f"/provinsi/kabupaten/999999?tahun={YEAR}").status_code == 404


def test_province_xlsx_exports_keep_a_hostile_kabupaten_name_as_text(client, make, login, kab_key,
                                                              member, province_mode):
    hostile = '=HYPERLINK("http://contoh.invalid/","klik")'
    receive.register("66.01", hostile, bundle.public_b64(kab_key))
    build_kabupaten(make)  # the governor's report needs one bundle (issue 30)
    assert post(client, content.export(YEAR, "semester", 1)[0], member[1]).status_code == 201
    login(make.user("provinsi"))
    for url in (f"/provinsi/laporan?tahun={YEAR}&semester=1&format=xlsx",
                f"/provinsi/?tahun={YEAR}&triwulan=2&format=xlsx",
                f"/provinsi/kepatuhan?tahun={YEAR}&format=xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet"), url
        wb = load_workbook(io.BytesIO(resp.data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if c.value == hostile]
        assert cells and all(c.data_type == "s" for c in cells), url


def test_a_semester_bundle_counts_for_its_last_quarter_and_the_newest_wins(
        client, make, kab_key, member, province_mode):
    fy, o = build_kabupaten(make)
    _, token = member
    quarterly, _ = content.export(YEAR, "quarter", 2)
    assert post(client, quarterly, token).status_code == 201
    make.realization(make.tag(make.sub_activity(o, fy), amount="10"), make.quarter(fy, 2),
                     amount="5.05")
    semester, _ = content.export(YEAR, "semester", 1)
    assert post(client, semester, token).status_code == 201
    # Both are current (different periods); TW II shows the newer of the two.
    assert db.session.scalar(select(func.count(FederationBundle.id)).where(
        FederationBundle.is_current)) == 2
    assert province.province_total(YEAR, 2).realized == Decimal("170000005.38")
    assert province.province_total(YEAR, 3).kabupaten == 0


def test_cli_push_reports_the_provinces_refusal(app, make, kab_key):
    build_kabupaten(make)
    result = app.test_cli_runner().invoke(args=[
        "federation", "push", "--year", str(YEAR), "--quarter", "2",
        "--url", "http://127.0.0.1:9", "--token", "tgk_x"])
    assert result.exit_code == 1 and "tidak dapat dihubungi" in result.output
    logged = db.session.scalar(select(FederationExport))
    assert logged.push_status.startswith("0 provinsi tidak dapat dihubungi")
    assert logged.pushed_to == "http://127.0.0.1:9/api/v1/federation/bundles"
    result = app.test_cli_runner().invoke(args=[
        "federation", "export", "--year", str(YEAR), "--quarter", "3", "/dev/null"])
    assert result.exit_code != 0 and "belum terverifikasi" in result.output


def test_the_report_pdf_follows_its_bundle_and_must_match_the_signed_hash(
        client, make, login, kab_key, member, province_mode):
    build_kabupaten(make)
    m, token = member
    name, pdf = content.report_pdf(YEAR, "semester", 1)
    assert pdf.startswith(b"%PDF") and "gubernur" in name
    data, _ = content.export(YEAR, "semester", 1, pdf=(name, pdf))
    assert json.loads(data)["bundle"]["report"]["sha256"] == bundle.sha256(pdf)
    resp = post(client, data, token)
    assert resp.status_code == 201 and resp.get_json()["report_expected"]
    url = f"{PUSH}/{resp.get_json()['id']}/report"
    auth = {"Authorization": f"Bearer {token}"}
    wrong = client.put(url, data=pdf + b"\n", content_type="application/pdf", headers=auth)
    assert wrong.status_code == 422 and "SHA-256" in wrong.get_json()["message"]
    assert client.put(url, data=pdf, content_type="text/plain", headers=auth
                      ).status_code == 415
    assert client.put(url, data=pdf, content_type="application/pdf").status_code == 401
    other, other_token = receive.register("36.79", "Kota Lain", bundle.public_b64(kab_key))
    assert client.put(url, data=pdf, content_type="application/pdf", headers={
        "Authorization": f"Bearer {other_token}"}).status_code == 404
    ok = client.put(url, data=pdf, content_type="application/pdf", headers=auth)
    assert ok.status_code == 200 and ok.get_json()["size"] == len(pdf)
    login(make.user("viewer"))
    got = client.get(f"/provinsi/bundel/{resp.get_json()['id']}/laporan.pdf")
    assert got.status_code == 200 and got.data == pdf
    page = client.get(f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2")
    assert "laporan.pdf" in page.get_data(as_text=True)


def test_registry_commands_and_an_inactive_kabupaten(app, client, make, kab_key,
                                                      province_mode):
    build_kabupaten(make)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["federation", "register", CODE, "Kabupaten CLI",
                                 "--public-key", bundle.public_b64(kab_key)])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("tgk_")
    assert runner.invoke(args=["federation", "register", CODE, "Lagi", "--public-key",
                               bundle.public_b64(kab_key)]).exit_code != 0
    assert CODE in runner.invoke(args=["federation", "members"]).output
    data, _ = content.export(YEAR, "quarter", 2)
    assert runner.invoke(args=["federation", "set-active", CODE, "--off"]).exit_code == 0
    resp = post(client, data, token)
    assert resp.status_code == 403 and "tidak aktif" in resp.get_json()["message"]
    assert runner.invoke(args=["federation", "set-active", CODE]).exit_code == 0
    rotated = runner.invoke(args=["federation", "rotate-token", CODE]).output.strip()
    assert post(client, data, token).status_code == 401  # the old token stopped working
    assert post(client, data, rotated).status_code == 201


def test_a_bundle_sent_before_the_deadline_is_on_time(client, make, kab_key, member,
                                                       province_mode, clock):
    build_kabupaten(make)
    _, token = member
    clock(f"{YEAR}-07-30T16:59:00")  # 23:59 WIB on the deadline (TW II ends 30 June + 30 days)
    data, _ = content.export(YEAR, "quarter", 2)
    assert post(client, data, token).status_code == 201
    cells = dict((m.code, c) for m, c in province.compliance(
        YEAR, 30, province.period_end(YEAR, "quarter", 2)))[CODE]
    assert cells["quarter", 2].late is False


def test_a_bundle_carried_by_hand_brings_its_pdf_along(app, client, make, login, kab_key,
                                                       member, province_mode, tmp_path):
    build_kabupaten(make)
    path = tmp_path / "tw2.json"
    result = app.test_cli_runner().invoke(args=[
        "federation", "export", "--year", str(YEAR), "--quarter", "2", "--with-pdf", str(path)])
    assert result.exit_code == 0, result.output
    data, pdf = path.read_bytes(), (tmp_path / "tw2.json.pdf").read_bytes()
    assert json.loads(data)["bundle"]["report"]["sha256"] == bundle.sha256(pdf)
    login(make.user("provinsi"))
    wrong = client.post("/provinsi/unggah", data={
        "bundle": (io.BytesIO(data), "tw2.json"),
        "report": (io.BytesIO(pdf.replace(b"%PDF", b"%PDF ", 1)), "tw2.pdf")},
        follow_redirects=True)
    assert "Laporan PDF tidak disimpan" in wrong.get_data(as_text=True)
    stored = db.session.scalar(select(FederationBundle))
    assert stored.report_sha256 == bundle.sha256(pdf) and not stored.has_pdf
    # Exported again (a newer sequence), this time with the right file.
    result = app.test_cli_runner().invoke(args=[
        "federation", "export", "--year", str(YEAR), "--quarter", "2", "--with-pdf", str(path)])
    resp = client.post("/provinsi/unggah", data={
        "bundle": (io.BytesIO(path.read_bytes()), "tw2.json"),
        "report": (io.BytesIO((tmp_path / "tw2.json.pdf").read_bytes()), "tw2.pdf")},
        follow_redirects=True)
    assert "Laporan PDF disimpan" in resp.get_data(as_text=True)
    newest = db.session.scalar(select(FederationBundle).order_by(FederationBundle.id.desc()))
    assert newest.has_pdf and newest.report_pdf.startswith(b"%PDF")


@pytest.mark.parametrize("mode", ["kabupaten", "province"])
def test_no_page_fails_for_the_province_role(app, client, make, login, mode):
    """The new role meets every page without path arguments, in both modes: never a 500."""
    app.config["TAGAR_MODE"] = mode
    try:
        login(make.user("provinsi"))
        tried = 0
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
                continue
            resp = client.get(rule.rule)
            assert resp.status_code < 500, (rule.rule, resp.status_code)
            tried += 1
        assert tried > 30
    finally:
        app.config["TAGAR_MODE"] = "kabupaten"


def test_bad_push_tokens_are_throttled_per_address_but_a_good_one_still_works(
        app, client, make, kab_key, member, province_mode):
    build_kabupaten(make)
    _, token = member
    saved = app.config["API_TOKEN_FAILURES"]
    app.config["API_TOKEN_FAILURES"] = 2
    try:
        codes = [post(client, b"{}", f"tgk_salah{i}").status_code for i in range(5)]
        assert codes[0] == 401 and codes[-1] == 429
        blocked = post(client, b"{}", "tgk_salah")
        assert int(blocked.headers["Retry-After"]) > 0
        data, _ = content.export(YEAR, "quarter", 2)
        assert post(client, data, token).status_code == 201
        assert db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "api_auth_fail", AuditLog.entity == "federation_member")) >= 2
    finally:
        app.config["API_TOKEN_FAILURES"] = saved


def test_upload_refuses_oversized_and_deep_files_with_a_reason(app, client, make, login,
                                                              province_mode, max_bytes):
    login(make.user("provinsi"))
    max_bytes(1000)
    big = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(b" " * 2000), "b.json")})
    assert big.status_code == 413 and "terlalu besar" in big.get_data(as_text=True)
    # Compressed small, but larger than the limit once decompressed.
    packed = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(
        gzip.compress(b" " * 2000)), "b.json.gz")})
    assert packed.status_code == 413 and "dekompresi" in packed.get_data(as_text=True)
    max_bytes(None)
    deep = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(b"[" * 100 + b"]" * 100),
                                                            "b.json")})
    assert deep.status_code == 400 and "terlalu dalam" in deep.get_data(as_text=True)
    junk = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(b"\xff\xfe"), "b.json")})
    assert junk.status_code == 400 and "bukan JSON" in junk.get_data(as_text=True)
    unknown = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(
        b'{"bundle": {"kabupaten": {"code": "00.00"}}, "signature": {}}'), "b.json")})
    assert unknown.status_code == 403 and "belum terdaftar" in unknown.get_data(as_text=True)


def test_registration_is_audited_without_the_token_or_its_hash(kab_key):
    m, token = receive.register("36.77", "Kota Audit", bundle.public_b64(kab_key))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "federation_member",
                                                     AuditLog.entity_id == m.id))
    text = json.dumps(entry.new_values)
    assert "Kota Audit" in text and m.token_prefix in text
    assert token not in text and m.token_hash not in text


# --- bundles larger than the API's JSON limit, gzip, and gzip bombs --------------------------

def padded(payload: dict, key, size: int, **changes) -> bytes:
    """The bundle re-signed with matrix rows (long descriptions) until it is `size` bytes or
    more: a big kabupaten."""
    payload = json.loads(json.dumps(payload))
    payload.update(changes)
    row = payload["matrix"][0]
    payload["matrix"] = [dict(row, description=f"{i:05d} " + "uraian " * 2000)
                         for i in range(size // 14000 + 1)]
    return signed(payload, key)


def post_gzip(client, body: bytes, token: str, encoding="gzip"):
    return client.post(PUSH, data=body, content_type="application/json", headers={
        "Authorization": f"Bearer {token}", "Content-Encoding": encoding})


def test_a_bundle_past_the_api_json_limit_is_accepted_plain_and_gzip(
        app, client, make, kab_key, member, province_mode):
    import hashlib

    from app.accounts.api_tokens import create_token

    build_kabupaten(make)
    _, token = member
    payload = exported()["bundle"]
    data = padded(payload, kab_key, 1_300_000)
    assert len(data) > app.config["API_MAX_JSON_BYTES"] == 1024 * 1024
    resp = post(client, data, token)
    assert resp.status_code == 201, resp.get_json()
    stored = db.session.get(FederationBundle, resp.get_json()["id"])
    rows = db.session.scalar(select(func.count(FederationMatrixRow.id)).where(
        FederationMatrixRow.bundle_id == stored.id))
    assert rows == len(json.loads(data)["bundle"]["matrix"]) > 90
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    # A correction, gzip-compressed: hashed and sized as the JSON it decompresses to.
    data2 = padded(payload, kab_key, 2_500_000, sequence=payload["sequence"] + 1)
    packed = gzip.compress(data2)
    assert len(packed) * 10 < len(data2)
    resp = post_gzip(client, packed, token)
    assert resp.status_code == 201, resp.get_json()
    newer = db.session.get(FederationBundle, resp.get_json()["id"])
    assert newer.is_current and not db.session.get(FederationBundle, stored.id).is_current
    assert (newer.size, newer.sha256) == (len(data2), hashlib.sha256(data2).hexdigest())
    # The same gzip again is a replay; the other JSON endpoints keep the API's own limit.
    assert post_gzip(client, packed, token).status_code == 409
    _, secret = create_token(make.user("secretariat"), "t")
    resp = client.post("/api/v1/tags", data=data, content_type="application/json",
                       headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 413


def test_a_gzip_bomb_is_refused_quickly_with_nothing_stored(client, make, kab_key, member,
                                                            province_mode, app):
    import zlib

    _, token = member
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    bomb = b"".join(squeeze.compress(zeros) for _ in range(160)) + squeeze.flush()
    assert len(bomb) < 200_000  # 160 MiB once inflated, against the default 32 MiB limit
    assert app.config["FEDERATION_MAX_BYTES"] == 32 * 1024 * 1024
    resp = post_gzip(client, bomb, token)
    assert resp.status_code == 413, resp.get_json()
    assert "dekompresi" in resp.get_json()["message"] and resp.get_json()["code"] == 413
    assert db.session.scalar(select(func.count(FederationBundle.id))) == 0


def test_corrupt_and_foreign_encodings_are_refused(client, make, kab_key, member,
                                                   province_mode, max_bytes):
    build_kabupaten(make)
    _, token = member
    data, _ = content.export(YEAR, "quarter", 2)
    packed = gzip.compress(data)
    for body, word in ((b"\x1f\x8b\x08\x00" + b"not gzip at all" * 10, "rusak"),
                       (b"plain JSON, said to be gzip", "rusak"),
                       (packed[: len(packed) // 2], "terpotong"),
                       (packed + b"trailing junk", "rusak")):
        resp = post_gzip(client, body, token)
        assert resp.status_code == 400 and word in resp.get_json()["message"], body[:20]
    assert post_gzip(client, packed, token, encoding="br").status_code == 415
    # The JSON checks run on what the gzip holds: depth and NUL bytes.
    deep = post_gzip(client, gzip.compress(b"[" * 500 + b"]" * 500), token)
    assert deep.status_code == 400 and "terlalu dalam" in deep.get_json()["message"]
    nul = gzip.compress(b'{"bundle": {"a": "\\u0000"}, "signature": {}}')
    assert post_gzip(client, nul, token).status_code == 400
    # Bounded on the wire too: a compressed body larger than the limit is not read.
    max_bytes(len(packed) - 1)
    resp = post_gzip(client, packed, token)
    assert resp.status_code == 413 and "terlalu besar" in resp.get_json()["message"]
    max_bytes(None)
    assert db.session.scalar(select(func.count(FederationBundle.id))) == 0
    # Two gzip members (as `cat a.gz b.gz` makes) are one body.
    half = len(data) // 2
    resp = post_gzip(client, gzip.compress(data[:half]) + gzip.compress(data[half:]), token)
    assert resp.status_code == 201, resp.get_json()
    # x-gzip is gzip (RFC 9110): decoded, then refused as the replay it is.
    resp = post_gzip(client, packed, token, encoding="X-Gzip")
    assert resp.status_code == 409 and "ulang" in resp.get_json()["message"]


def test_cli_push_sends_the_bundle_gzip_compressed(app):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from app.federation import cli

    got = {}

    class Province(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            got["path"], got["encoding"] = self.path, self.headers["Content-Encoding"]
            got["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": 7}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Province)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        document = b'{"bundle": {"matrix": ["' + b"a" * 50_000 + b'"]}}'
        status, answer = cli.push(document, f"http://127.0.0.1:{server.server_port}", "tgk_x")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert (status, answer) == (201, {"id": 7})
    assert got["path"] == PUSH and got["encoding"] == "gzip"
    assert len(got["body"]) < 1000 and gzip.decompress(got["body"]) == document


def test_upload_by_hand_accepts_a_gzip_file(client, make, login, kab_key, member,
                                            province_mode):
    build_kabupaten(make)
    data, _ = content.export(YEAR, "quarter", 2)
    login(make.user("provinsi"))
    resp = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(gzip.compress(data)),
                                                            "bundel.json.gz")})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    stored = db.session.scalar(select(FederationBundle))
    assert stored.source == "upload" and stored.size == len(data)


def test_schema_names_an_oversized_section_without_repeating_it(make, kab_key):
    build_kabupaten(make)
    envelope = exported()
    envelope["bundle"]["themes"] = [envelope["bundle"]["total"]] * 2001
    assert schema.errors(envelope) == ["bundle.themes: lebih dari 2000 baris"]


def test_federation_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post_op = spec["paths"][PUSH]["post"]
    assert post_op["security"] == [{"federationToken": []}]
    assert {"201", "400", "401", "403", "409", "413", "415", "422"} <= set(post_op["responses"])
    encoding = next(p for p in post_op["parameters"] if p["name"] == "Content-Encoding")
    assert encoding["in"] == "header" and "gzip" in encoding["schema"]["enum"]
    put_op = spec["paths"][PUSH + "/{bundle_id}/report"]["put"]
    assert "application/pdf" in put_op["requestBody"]["content"]
    assert any(p["name"] == "bundle_id" and p["in"] == "path"
               for p in spec["paths"][PUSH + "/{bundle_id}/report"].get("parameters", []))
    assert spec["paths"]["/api/v1/schemas/bundle.json"]["get"]["security"] == []
    assert spec["components"]["securitySchemes"]["federationToken"]["bearerFormat"] == "tgk_…"
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert PUSH in page and "FederationEnvelope" in page


def test_upload_by_hand_may_exceed_the_general_upload_limit(app, client, make, login, kab_key,
                                                            member, province_mode):
    build_kabupaten(make)
    payload = exported()["bundle"]
    data = padded(payload, kab_key, 150_000, sequence=payload["sequence"] + 1)
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    try:
        login(make.user("viewer"))  # others keep the general limit (before any role check)
        resp = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(data), "b.json")})
        assert resp.status_code == 413
        login(make.user("provinsi"))
        resp = client.post("/provinsi/unggah", data={"bundle": (io.BytesIO(data), "b.json")})
        assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert db.session.scalar(select(FederationBundle.size)) == len(data) > 100_000

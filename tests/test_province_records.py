"""Issue 30: every refusal on record and shown to both sides, the report PDF sent after its
bundle, the letterhead identity check, and a drill-down and menu made for province work."""
import gzip
import io
import json

from sqlalchemy import select

from app.federation import bundle, cli, content, receive
from models import AuditLog, FederationBundle, FederationExport, FederationRefusal, db

from . import test_federation as fed
from .test_federation import PUSH, YEAR, build_kabupaten, post

kab_key, member, province_mode = fed.kab_key, fed.member, fed.province_mode


def test_a_refused_tampered_bundle_is_audited_and_shown_to_the_province(
        client, make, login, kab_key, member, province_mode):
    build_kabupaten(make)
    m, token = member
    envelope = json.loads(content.export(YEAR, "quarter", 2)[0])
    envelope["bundle"]["total"]["realized"] = "170000000.34"  # one sen more
    body = bundle.encode(envelope)
    resp = post(client, body, token)
    assert resp.status_code == 422
    refusal = db.session.scalar(select(FederationRefusal))
    assert (refusal.member_id, refusal.status, refusal.source) == (m.id, 422, "api")
    assert refusal.size == len(body) and refusal.address == "127.0.0.1"
    assert "Tanda tangan tidak sah" in refusal.reason
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "refuse"))
    assert audit.ip == "127.0.0.1" and audit.new_values["status"] == 422
    assert token not in json.dumps(audit.new_values) and token[4:20] not in refusal.reason
    assert db.session.scalar(select(FederationBundle.id)) is None  # nothing of it kept
    # A replay (409) and another kabupaten's name (403) are on record too.
    good = content.export(YEAR, "quarter", 2)[0]
    assert post(client, good, token).status_code == 201
    assert post(client, good, token).status_code == 409
    other = dict(json.loads(good)["bundle"], kabupaten={"code": "99.99", "name": "Lain"})
    assert post(client, bundle.encode(bundle.sign(other, kab_key)), token).status_code == 403
    statuses = sorted(db.session.scalars(select(FederationRefusal.status)))
    assert statuses == [403, 409, 422]
    login(make.user("provinsi"))
    listing = client.get("/provinsi/ditolak").get_data(as_text=True)
    assert "Tanda tangan tidak sah" in listing and "ulang ditolak" in listing
    assert "mengaku 99.99" in listing
    page = client.get(f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2")
    assert "Tanda tangan tidak sah" in page.get_data(as_text=True)


def test_a_refused_upload_by_hand_is_on_record(client, make, login, kab_key, member,
                                               province_mode):
    build_kabupaten(make)
    envelope = json.loads(content.export(YEAR, "quarter", 2)[0])
    envelope["bundle"]["total"]["tagged"] = "1.00"
    login(make.user("provinsi"))
    resp = client.post("/provinsi/unggah", data={
        "bundle": (io.BytesIO(gzip.compress(bundle.encode(envelope))), "b.json.gz")})
    assert resp.status_code == 422
    refusal = db.session.scalar(select(FederationRefusal))
    assert refusal.source == "upload" and refusal.member_id == member[0].id
    assert refusal.user_id is not None


def test_the_pushing_kabupaten_sees_the_refusal_on_its_own_page(
        app, client, make, login, kab_key, tmp_path, province_mode, monkeypatch):
    """The kabupaten pushes with `flask federation push`; the province registered another key
    (a relabelled or foreign bundle): refused, and the reason is kept on Kirim ke Provinsi."""
    build_kabupaten(make)
    stranger = bundle.generate_key(tmp_path / "stranger.pem")
    _, token = receive.register(fed.CODE, "Kabupaten Uji Federasi", bundle.public_b64(stranger))
    db.session.flush()

    def loopback(data, url, token, timeout=60, *, method="POST", content_type=""):
        resp = client.post(PUSH, data=gzip.compress(data), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Encoding": "gzip"})
        return resp.status_code, resp.get_json()

    monkeypatch.setattr(cli, "push", loopback)
    result = app.test_cli_runner().invoke(args=[
        "federation", "push", "--year", str(YEAR), "--quarter", "2",
        "--url", "http://provinsi.invalid", "--token", token])
    assert result.exit_code == 1 and "Tanda tangan tidak sah" in result.output
    assert db.session.scalar(select(FederationExport.push_status)).startswith("422 Tanda")
    assert db.session.scalar(select(FederationRefusal.status)) == 422
    app.config["TAGAR_MODE"] = "kabupaten"
    login(make.user("secretariat"))
    html = client.get("/federasi/kirim").get_data(as_text=True)
    assert "ditolak" in html and "Tanda tangan tidak sah" in html


def _semester_with_pdf():
    name, pdf = content.report_pdf(YEAR, "semester", 1)
    data, _ = content.export(YEAR, "semester", 1, pdf=(name, pdf))
    return data, pdf


def test_a_pdf_sent_after_its_bundle_is_attached(client, make, login, kab_key, member,
                                                 province_mode):
    build_kabupaten(make)
    m, _ = member
    data, pdf = _semester_with_pdf()
    login(make.user("provinsi"))
    # The bundle with the wrong PDF: the bundle is accepted, the PDF is not.
    resp = client.post("/provinsi/unggah", data={
        "bundle": (io.BytesIO(data), "b.json"), "report": (io.BytesIO(pdf + b"x"), "r.pdf")})
    assert resp.status_code == 303
    row = db.session.scalar(select(FederationBundle))
    assert row.is_current and not row.has_pdf
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Laporan PDF tidak disimpan" in page and "belum diterima" in page
    # The same bundle file again, now with the right PDF: no replay refusal, the PDF joins.
    again = client.post("/provinsi/unggah", data={
        "bundle": (io.BytesIO(data), "b.json"), "report": (io.BytesIO(pdf), "r.pdf")})
    assert again.status_code == 303
    db.session.refresh(row)
    assert row.has_pdf and db.session.scalar(select(FederationRefusal.id)) is None
    assert len(db.session.scalars(select(FederationBundle)).all()) == 1


def test_a_pdf_uploaded_later_on_the_history_row(client, make, login, kab_key, member,
                                                 province_mode):
    build_kabupaten(make)
    m, token = member
    data, pdf = _semester_with_pdf()
    first = post(client, data, token).get_json()["id"]
    newer, newer_pdf = _semester_with_pdf()  # a correction: the current one, PDF not yet sent
    second = post(client, newer, token).get_json()["id"]
    login(make.user("provinsi"))
    url = f"/provinsi/bundel/{second}/laporan"
    wrong = client.post(url, data={"report": (io.BytesIO(pdf[:-10]), "r.pdf")})
    assert wrong.status_code == 303 and not db.session.get(FederationBundle, second).has_pdf
    ok = client.post(url, data={"report": (io.BytesIO(newer_pdf), "r.pdf")})
    assert ok.status_code == 303
    assert db.session.get(FederationBundle, second).has_pdf
    assert not db.session.get(FederationBundle, first).is_current
    html = client.get(f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2").get_data(
        as_text=True)
    history = html[html.index('id="riwayat"'):]
    assert history.count("berlaku") >= 1 and "digantikan" in history
    assert f"/provinsi/bundel/{second}/laporan.pdf" in history


def test_a_letterhead_other_than_the_registered_name_is_accepted_but_flagged(
        client, make, login, kab_key, member, province_mode):
    build_kabupaten(make)
    m, token = member  # registered as "Kabupaten Uji Federasi"; letterhead: Lembah Harapan
    resp = post(client, content.export(YEAR, "quarter", 2)[0], token)
    assert resp.status_code == 201
    warning = resp.get_json()["warnings"][0]
    assert "Kabupaten Lembah Harapan" in warning and "Kabupaten Uji Federasi" in warning
    login(make.user("provinsi"))
    html = client.get(f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2").get_data(
        as_text=True)
    assert "Kop surat kabupaten/kota menyebut" in html


def test_drill_down_has_contents_anchors_and_a_paged_matrix(client, make, login, kab_key,
                                                            member, province_mode, monkeypatch):
    from app.federation import views

    build_kabupaten(make)
    m, token = member
    assert post(client, content.export(YEAR, "quarter", 2)[0], token).status_code == 201
    monkeypatch.setattr(views, "MATRIX_PAGE", 1)
    login(make.user("provinsi"))
    base = f"/provinsi/kabupaten/{m.id}?tahun={YEAR}&triwulan=2"
    html = client.get(base).get_data(as_text=True)
    for anchor in ("per-opd", "lokus", "matriks", "riwayat", "ditolak"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "Halaman 1 dari 2" in html and "Baris 1–1 dari 2" in html
    assert "Penandaan yang menjangkau desa" in html  # what the lokus column counts
    second = client.get(base + "&halaman=2").get_data(as_text=True)
    assert "Halaman 2 dari 2" in second and "Baris 2–2 dari 2" in second
    assert client.get(base + "&halaman=99").status_code == 200  # past the end: the last page


def test_province_menu_and_home_show_only_province_work(client, make, login, province_mode):
    login(make.user("admin"))
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/provinsi/")
    html = client.get("/provinsi/").get_data(as_text=True)
    nav = html[html.index('class="mainnav"'):html.index("</nav>", html.index('class="mainnav"'))]
    for label in ("Dasbor Provinsi", "Kab/Kota", "Ditolak", "Pengguna", "Pengaturan"):
        assert label in nav
    for label in ("Sub Kegiatan", "Tahun Anggaran", "Penyiapan", "Realisasi", ">OPD<"):
        assert label not in nav


def test_hostile_values_on_the_new_province_pages_never_give_a_500(client, make, login, kab_key,
                                                                   member, province_mode):
    m, _ = member
    login(make.user("provinsi"))
    for url in ("/provinsi/ditolak?kab=abc", "/provinsi/ditolak?kab=99999999999",
                "/provinsi/ditolak?kab=%00", f"/provinsi/kabupaten/{m.id}?halaman=-1",
                f"/provinsi/kabupaten/{m.id}?halaman=%27%3B--", "/provinsi/laporan?semester=9",
                "/provinsi/kepatuhan?tahun=1"):
        assert client.get(url).status_code < 500, url
    assert client.post("/provinsi/bundel/999999/laporan").status_code == 404
    assert client.post("/provinsi/bundel/abc/laporan").status_code == 404
    assert client.get("/provinsi/ditolak?kab=99999").status_code == 200


def test_the_kabupaten_sends_the_right_pdf_later_with_push_report(
        app, client, make, kab_key, member, province_mode, monkeypatch, tmp_path):
    build_kabupaten(make)
    _, token = member
    data, pdf = _semester_with_pdf()
    bundle_id = post(client, data, token).get_json()["id"]

    def loopback(body, url, token, timeout=60, *, method="POST", content_type=""):
        resp = client.put(url.removeprefix("http://provinsi.invalid"), data=body,
                          content_type=content_type, headers={"Authorization": f"Bearer {token}"})
        return resp.status_code, resp.get_json()

    monkeypatch.setattr(cli, "push", loopback)
    wrong, right = tmp_path / "salah.pdf", tmp_path / "benar.pdf"
    wrong.write_bytes(pdf + b"%")
    right.write_bytes(pdf)
    args = ["federation", "push-report", str(bundle_id), "--url", "http://provinsi.invalid",
            "--token", token]
    failed = app.test_cli_runner().invoke(args=[*args[:3], str(wrong), *args[3:]])
    assert failed.exit_code == 1 and "SHA-256" in failed.output and "push-report" in failed.output
    assert not db.session.get(FederationBundle, bundle_id).has_pdf
    done = app.test_cli_runner().invoke(args=[*args[:3], str(right), *args[3:]])
    assert done.exit_code == 0, done.output
    assert db.session.get(FederationBundle, bundle_id).has_pdf

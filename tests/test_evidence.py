"""Evidence files (bukti dukung): PDF/JPG/PNG judged by content, bounded in size, stored outside
the web root, served only to those who may see the OPD, listed on the sheet and the review page,
and frozen with the report once it is submitted."""
import io
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import AuditLog, Evidence, db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def store(app, tmp_path):
    before = app.config["EVIDENCE_DIR"]
    app.config["EVIDENCE_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["EVIDENCE_DIR"] = before


@pytest.fixture
def w(make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 2)
    make.realization(tag, q, "100000", "10", 5)
    officer = login(make.user("opd", opd_obj=opd))
    return {"opd": opd, "fy": fy, "tag": tag, "q": q, "officer": officer}


def _upload(client, w, data, name="sp2d.pdf", tag=None):
    tag = tag or w["tag"]
    # Encoded in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(f"/realisasi/{w['opd'].id}/{w['q'].id}/bukti/{tag.id}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_pdf_is_stored_outside_the_web_root_and_served_to_the_opd_only(client, make, login,
                                                                      store, w):
    resp = _upload(client, w, PDF)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#tag-{w['tag'].id}")
    ev = db.session.query(Evidence).one()
    assert ev.content_type == "application/pdf" and ev.size == len(PDF)
    assert (store / ev.storage_key).read_bytes() == PDF
    assert not Path(ev.storage_key).suffix  # a random key, not the user's name
    assert db.session.query(AuditLog).filter_by(entity="evidence", action="create").count() == 1
    got = client.get(f"/realisasi/bukti/{ev.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.mimetype == "application/pdf" and "attachment" in got.headers[
        "Content-Disposition"]
    sheet = client.get(f"/realisasi/?tahun={w['fy'].year}&triwulan=2").get_data(as_text=True)
    assert f"/realisasi/bukti/{ev.id}" in sheet and "sp2d.pdf" in sheet
    login(make.user("opd"))  # another OPD's officer
    assert client.get(f"/realisasi/bukti/{ev.id}").status_code == 403
    login(make.user("secretariat"))
    assert client.get(f"/realisasi/bukti/{ev.id}").status_code == 200


def test_type_is_judged_by_content_not_by_name(client, store, w):
    resp = _upload(client, w, b"ini hanya teks biasa", name="palsu.pdf")
    assert "harus berupa PDF, JPG, atau PNG" in client.get(resp.headers["Location"]).get_data(
        as_text=True)
    assert db.session.query(Evidence).count() == 0
    _upload(client, w, png(), name="foto.pdf")
    ev = db.session.query(Evidence).one()
    assert ev.content_type == "image/png"
    assert (store / ev.storage_key).read_bytes().startswith(b"\x89PNG")
    resp = _upload(client, w, b"%PDF-1.4 but never finished", name="rusak.pdf")
    assert "tidak lengkap" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_size_is_bounded(app, client, store, w):
    app.config["EVIDENCE_MAX_MB"] = 1
    try:
        big = b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
        resp = _upload(client, w, big)
    finally:
        app.config["EVIDENCE_MAX_MB"] = 5
    assert "melebihi batas 1 MB" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert db.session.query(Evidence).count() == 0 and not list(store.iterdir())


def test_needs_a_saved_figure_first(client, make, store, w):
    other = make.tag(w["tag"].sub_activity)
    resp = _upload(client, w, PDF, tag=other)
    assert "Simpan realisasi tagging ini terlebih dahulu" in client.get(
        resp.headers["Location"]).get_data(as_text=True)


def test_submitted_report_takes_no_new_evidence_and_loses_none(client, make, store, w):
    _upload(client, w, PDF)
    ev = db.session.query(Evidence).one()
    make.submission(w["opd"], w["q"], "submitted")
    assert _upload(client, w, PDF).status_code == 409
    assert client.post(f"/realisasi/bukti/{ev.id}/hapus").status_code == 409
    assert db.session.query(Evidence).count() == 1
    assert (store / ev.storage_key).exists()


def test_delete_removes_row_and_file_and_review_page_lists_evidence(client, make, login,
                                                                    store, w):
    _upload(client, w, PDF)
    _upload(client, w, png(), name="foto.png")
    first, second = db.session.query(Evidence).order_by(Evidence.id).all()
    assert client.post(f"/realisasi/bukti/{first.id}/hapus").status_code == 302
    assert db.session.query(Evidence).count() == 1
    assert not (store / first.storage_key).exists()
    sub = make.submission(w["opd"], w["q"], "submitted")
    login(make.user("secretariat"))
    page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
    assert f"/realisasi/bukti/{second.id}" in page and "foto.png" in page

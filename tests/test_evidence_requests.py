"""The reviewer requires evidence for a figure ("minta bukti dukung"): the OPD is notified and
sees the request on the sheet row; submitting again while it is open is refused with a clear
message naming the row; attaching a file fulfils it; the reviewer may withdraw it."""
import pytest

from models import AuditLog, Notification, Realization, Submission, db
from models.evidence import EvidenceRequest

from .test_evidence import PDF, _upload, store  # noqa: F401  (fixtures)


@pytest.fixture
def w(make, login):
    opd, fy, (tag, clean) = make.tagged_opd(2, amount="1000000")
    q = make.quarter(fy, 2)
    make.realization(tag, q, "1500000", "10", 5, anomalies="over_tagged",
                     explanation="Termasuk tambahan dari APBD perubahan")
    make.realization(clean, q, "100000", "10", 5)
    sub = make.submission(opd, q, "submitted")
    officer = make.user("opd", opd_obj=opd)
    reviewer = login(make.user("secretariat"))
    return {"opd": opd, "fy": fy, "tag": tag, "clean": clean, "q": q, "sub": sub,
            "officer": officer, "reviewer": reviewer}


def _ask(client, w, note="Lampirkan SP2D", tag=None):
    tag = tag or w["tag"]
    return client.post(f"/verifikasi/{w['sub'].id}/minta-bukti/{tag.id}", data={"note": note})


def _return(w):
    w["sub"].status = "returned"
    db.session.flush()


def _submit(client, w):
    sub = db.session.get(Submission, w["sub"].id)
    return client.post(f"/realisasi/{w['opd'].id}/{w['q'].id}/ajukan",
                       data={"version": str(sub.version)})


def test_request_is_recorded_audited_and_notified(client, w):
    page = client.get(f"/verifikasi/{w['sub'].id}").get_data(as_text=True)
    assert f'action="/verifikasi/{w["sub"].id}/minta-bukti/{w["tag"].id}"' in page
    resp = _ask(client, w)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#tag-{w['tag'].id}")
    req = db.session.query(EvidenceRequest).one()
    assert (req.tag_id, req.quarter_id, req.opd_id, req.status, req.note) == (
        w["tag"].id, w["q"].id, w["opd"].id, "open", "Lampirkan SP2D")
    assert db.session.query(AuditLog).filter_by(entity="evidence_request",
                                                action="create").count() == 1
    note = db.session.query(Notification).filter_by(user_id=w["officer"].id).one()
    assert "meminta bukti dukung" in note.text and "Lampirkan SP2D" in note.text
    page = client.get(f"/verifikasi/{w['sub'].id}").get_data(as_text=True)
    assert "Bukti diminta" in page and f"/verifikasi/permintaan-bukti/{req.id}/batal" in page
    # A second request for the same figure while one is open: refused, still one.
    follow = client.get(_ask(client, w, "Lagi").headers["Location"]).get_data(as_text=True)
    assert "sudah diminta" in follow
    assert db.session.query(EvidenceRequest).count() == 1


def test_open_request_stops_the_next_submission_until_a_file_is_attached(
        client, login, w, store):  # noqa: F811
    _ask(client, w)
    _return(w)
    login(w["officer"])
    sheet = client.get(f"/realisasi/?tahun={w['fy'].year}&triwulan=2").get_data(as_text=True)
    row = sheet[sheet.index(f'id="tag-{w["tag"].id}"'):]
    row = row[:row.index("</article>")]
    assert "Sekretariat meminta bukti dukung" in row and "Lampirkan SP2D" in row
    assert "Sekretariat meminta bukti dukung" not in sheet[
        sheet.index(f'id="tag-{w["clean"].id}"'):]
    refused = _submit(client, w).get_data(as_text=True)
    assert "1 bukti dukung yang diminta Sekretariat belum diunggah" in refused
    assert "bukti dukung diminta Sekretariat belum diunggah" in refused  # the row, linked
    assert f'href="#tag-{w["tag"].id}"' in refused
    assert db.session.get(Submission, w["sub"].id).status == "returned"
    assert _upload(client, w, PDF).status_code == 302
    req = db.session.query(EvidenceRequest).one()
    db.session.refresh(req)
    assert req.status == "fulfilled" and req.closed_at is not None
    assert _submit(client, w).status_code == 302
    assert db.session.get(Submission, w["sub"].id).status == "submitted"


def test_reviewer_withdraws_a_request(client, login, w):
    _ask(client, w)
    req = db.session.query(EvidenceRequest).one()
    assert client.post(f"/verifikasi/permintaan-bukti/{req.id}/batal").status_code == 302
    db.session.refresh(req)
    assert req.status == "cancelled"
    assert client.post(f"/verifikasi/permintaan-bukti/{req.id}/batal").status_code == 302
    _return(w)
    login(w["officer"])
    assert _submit(client, w).status_code == 302  # nothing open any more


def test_refusals(client, make, w):
    other_opd, _, (foreign_tag,) = make.tagged_opd(1, fy=w["fy"])
    assert _ask(client, w, tag=foreign_tag).status_code == 404  # not this report's OPD
    long = client.get(_ask(client, w, "x" * 501).headers["Location"]).get_data(as_text=True)
    assert "Paling banyak 500 karakter" in long
    w["sub"].status = "verified"
    db.session.flush()
    assert _ask(client, w).status_code == 409
    assert db.session.query(EvidenceRequest).count() == 0


def test_verifying_withdraws_open_requests_and_bulk_verify_skips_them(client, make, w):
    _ask(client, w, tag=w["clean"])  # a figure without anomaly: the report is otherwise clean
    db.session.query(Realization).filter_by(tag_id=w["tag"].id).update(
        {"anomalies": "", "amount": 900000})
    # Bulk verification takes only clean reports: this one waits for its evidence.
    other_opd, _, (t2,) = make.tagged_opd(1, fy=w["fy"])
    make.realization(t2, w["q"], "100000", "10", 5)
    clean = make.submission(other_opd, w["q"], "submitted")
    resp = client.post("/verifikasi/verifikasi-massal",
                       data={"ids": [str(w["sub"].id), str(clean.id)]}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Tidak diverifikasi:" in page, page[page.find("<main"):][:1500]
    assert "bukti dukung yang diminta belum diunggah" in page
    assert db.session.get(Submission, w["sub"].id).status == "submitted"
    assert db.session.get(Submission, clean.id).status == "verified"
    # Verified on its own page all the same: the request is withdrawn, not left open.
    sub = db.session.get(Submission, w["sub"].id)
    resp = client.post(f"/verifikasi/{sub.id}/verifikasi",
                       data={"version": str(sub.version), "general": ""})
    assert resp.status_code == 302
    req = db.session.query(EvidenceRequest).one()
    db.session.refresh(req)
    assert req.status == "cancelled"

"""The review queue: filters (status, quarter, OPD, late, with anomalies) and bulk verification
of the ticked clean reports -- one submission event each; a report with an anomaly is refused by
name and stays submitted."""
import re
from datetime import datetime

import pytest

from models import AuditLog, Submission, SubmissionEvent, db


@pytest.fixture
def queue(make):
    fy = make.fiscal_year(2026)
    q2 = make.quarter(fy, 2)
    out = {"fy": fy, "q2": q2}
    for key, status, anomaly in [("clean1", "submitted", ""), ("clean2", "submitted", ""),
                                 ("flagged", "submitted", "over_target"),
                                 ("draft", "draft", ""), ("done", "verified", "")]:
        o = make.opd(name=f"Dinas {key.capitalize()}", short_name=key.upper())
        t = make.tag(make.sub_activity(o, fy), amount="1000000", target_count=10)
        make.realization(t, q2, "100000", "10", 20 if anomaly else 5, anomalies=anomaly,
                         explanation="Dijelaskan" if anomaly else "")
        sub = make.submission(o, q2, status,
                              **({"first_submitted_at": datetime(2026, 7, 10),
                                  "submitted_at": datetime(2026, 7, 10)}
                                 if status != "draft" else {}))
        out[key] = sub
    return out


def _events(sub):
    return db.session.query(SubmissionEvent).filter_by(submission_id=sub.id,
                                                       to_status="verified").count()


def test_bulk_verifies_clean_reports_and_names_the_refused(client, make, login, queue):
    login(make.user("secretariat"))
    subs = [queue[k] for k in ("clean1", "clean2", "flagged", "draft")]
    data = {"ids": [str(s.id) for s in subs], "back": "/verifikasi/?tahun=2026&triwulan=2"}
    data.update({f"v-{s.id}": str(s.version) for s in subs})
    resp = client.post("/verifikasi/verifikasi-massal", data=data, follow_redirects=True)
    page = resp.get_data(as_text=True)
    db.session.expire_all()
    for key in ("clean1", "clean2"):
        assert queue[key].status == "verified" and queue[key].verified_at is not None
        assert _events(queue[key]) == 1
        assert db.session.query(AuditLog).filter_by(
            entity="submission", entity_id=queue[key].id, action="verify").count() == 1
    assert queue["flagged"].status == "submitted" and _events(queue["flagged"]) == 0
    assert queue["draft"].status == "draft"
    assert "2 laporan diverifikasi" in page
    refused = re.search(r"Tidak diverifikasi:[^<]*", page).group(0)
    assert "FLAGGED Triwulan II (1 anomali" in refused
    assert "DRAFT Triwulan II (berstatus draf)" in refused
    assert "CLEAN1" not in refused


def test_bulk_refuses_a_report_changed_since_the_list(client, make, login, queue):
    login(make.user("secretariat"))
    sub = queue["clean1"]
    resp = client.post("/verifikasi/verifikasi-massal", data={
        "ids": [str(sub.id)], f"v-{sub.id}": str(sub.version + 5)}, follow_redirects=True)
    db.session.expire_all()
    assert sub.status == "submitted"
    assert "berubah sejak daftar dibuka" in resp.get_data(as_text=True)


def test_bulk_is_for_the_secretariat_only(client, make, login, queue):
    login(make.user("opd", opd_obj=queue["clean1"].opd))
    sub = queue["clean1"]
    assert client.post("/verifikasi/verifikasi-massal",
                       data={"ids": [str(sub.id)]}).status_code == 403
    db.session.expire_all()
    assert sub.status == "submitted"


def test_nothing_ticked_is_a_warning_not_an_error(client, make, login, queue):
    login(make.user("secretariat"))
    resp = client.post("/verifikasi/verifikasi-massal", data={"ids": ["x", "99999999999"]},
                       follow_redirects=True)
    assert "Pilih paling sedikit satu laporan" in resp.get_data(as_text=True)


def _names(page):
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return set(re.findall(r"<td[^>]*>(Dinas [A-Za-z0-9]+)</td>", body))  # cells are labelled


@pytest.mark.parametrize("query,expected", [
    ("", {"Dinas Clean1", "Dinas Clean2", "Dinas Flagged", "Dinas Draft", "Dinas Done"}),
    ("status=submitted", {"Dinas Clean1", "Dinas Clean2", "Dinas Flagged"}),
    ("status=verified", {"Dinas Done"}),
    ("anomali=1", {"Dinas Flagged"}),
    ("status=submitted&anomali=1", {"Dinas Flagged"}),
])
def test_queue_filters(client, make, login, queue, query, expected):
    login(make.user("secretariat"))
    page = client.get(f"/verifikasi/?tahun=2026&triwulan=2&{query}").get_data(as_text=True)
    assert _names(page) >= expected
    assert not (_names(page) - expected) & {"Dinas Clean1", "Dinas Clean2", "Dinas Flagged",
                                             "Dinas Draft", "Dinas Done"}


def test_queue_filters_by_opd_and_lateness(client, make, login, queue, app):
    login(make.user("secretariat"))
    page = client.get(f"/verifikasi/?tahun=2026&triwulan=2&opd={queue['done'].opd_id}"
                      ).get_data(as_text=True)
    assert _names(page) == {"Dinas Done"}
    app.config["TAGAR_NOW"] = "2026-11-30T03:00:00"
    try:
        page = client.get("/verifikasi/?tahun=2026&triwulan=2&terlambat=1").get_data(as_text=True)
    finally:
        app.config["TAGAR_NOW"] = None
    names = _names(page)
    assert "Dinas Draft" in names  # never submitted, deadline long past
    assert not names & {"Dinas Clean1", "Dinas Clean2", "Dinas Flagged", "Dinas Done"}


def test_queue_has_checkboxes_only_for_submitted_and_one_confirmation(client, make, login,
                                                                      queue):
    login(make.user("secretariat"))
    page = client.get("/verifikasi/?tahun=2026&triwulan=2").get_data(as_text=True)
    ticks = set(re.findall(r'name="ids" value="(\d+)"', page))
    assert ticks == {str(queue[k].id) for k in ("clean1", "clean2", "flagged")}
    form = re.search(r'<form method="post" action="/verifikasi/verifikasi-massal"[^>]*>', page)
    assert "data-confirm=" in form.group(0)
    assert db.session.query(Submission).count() >= 5

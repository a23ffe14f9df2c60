"""Large imports commit as jobs (app/jobs/imports.py): the preview is kept in the database
(any node or worker can commit it), the commit of more than IMPORT_JOB_ROWS rows is queued and
shows its state, and it stays all or nothing. The suite's queue runs a job inside the request
(JOBS_WORKER=immediate); tests/test_import_queue.py works a real queue."""
import io
import os
import re

import pytest
from sqlalchemy import func, select

from models import AuditLog, ImportJob, VillageYear, db

from . import test_budget_import, test_lokus
from .test_budget_import import n_sa, sipd_row, token_of, upload, xlsx
from .test_lokus import NIK, _csv

ws = test_budget_import.ws  # an OPD officer's workspace
lokus_world = test_lokus.world  # a year's desa and lokus

STATUS_RE = re.compile(r"/sub-kegiatan/impor/pekerjaan/(\d+)$")


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 3)


def test_preview_file_is_kept_in_the_database_not_on_disk(client, ws, app):
    data = xlsx([sipd_row(i) for i in range(1, 6)])
    before = set(os.listdir(ws["dir"]))
    token = token_of(upload(client, ws, data).get_data(as_text=True))
    job = db.session.scalar(select(ImportJob).where(ImportJob.token == token))
    assert (job.kind, job.status, job.rows, job.user_id) == ("sipd", "preview", 5, ws["user"].id)
    assert job.data == data  # what the commit, on any node, reads again
    assert set(os.listdir(ws["dir"])) == before  # no file on this machine's disk
    assert n_sa(ws["opd"]) == 0  # the preview wrote no sub-activity


def test_small_import_commits_in_the_request(client, ws):
    token = token_of(upload(client, ws, xlsx([sipd_row(1), sipd_row(2)])).get_data(as_text=True))
    resp = client.post(f"/sub-kegiatan/impor/{token}", follow_redirects=True)
    assert "Impor selesai: 2 dibuat" in resp.get_data(as_text=True)
    assert n_sa(ws["opd"]) == 2
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0  # the preview is gone


def test_large_import_runs_as_a_job_and_shows_its_result(client, ws, small_threshold):
    token = token_of(upload(client, ws, xlsx([sipd_row(i) for i in range(1, 6)]))
                     .get_data(as_text=True))
    resp = client.post(f"/sub-kegiatan/impor/{token}")
    assert resp.status_code == 303
    job_id = int(STATUS_RE.search(resp.headers["Location"])[1])
    page = client.get(f"/sub-kegiatan/impor/pekerjaan/{job_id}").get_data(as_text=True)
    assert 'data-status="done"' in page and "Impor selesai: 5 dibuat" in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops reloading
    db.session.expire_all()
    job = db.session.get(ImportJob, job_id)
    assert (job.status, job.progress, job.data) == ("done", 100, None)  # the file is dropped
    assert job.started_at and job.finished_at
    assert n_sa(ws["opd"]) == 5
    # The job had no request: its audit records still name who confirmed the import.
    users = set(db.session.scalars(select(AuditLog.user_id).where(
        AuditLog.entity == "sub_activity", AuditLog.opd_id == ws["opd"].id)))
    assert users == {ws["user"].id}
    # The token was used: committing it again finds nothing.
    again = client.post(f"/sub-kegiatan/impor/{token}", follow_redirects=True)
    assert "tidak ditemukan atau sudah kedaluwarsa" in again.get_data(as_text=True)


def test_a_job_that_fails_writes_nothing_and_says_why(client, ws, make, small_threshold):
    token = token_of(upload(client, ws, xlsx([sipd_row(i) for i in range(1, 6)]))
                     .get_data(as_text=True))
    # Between preview and commit the secretariat verifies a quarter: the budget is locked.
    make.submission(ws["opd"], make.quarter(ws["fy"], 1), "verified")
    resp = client.post(f"/sub-kegiatan/impor/{token}")
    job_id = int(STATUS_RE.search(resp.headers["Location"])[1])
    page = client.get(f"/sub-kegiatan/impor/pekerjaan/{job_id}").get_data(as_text=True)
    assert 'data-status="failed"' in page and "Impor gagal" in page and "terkunci" in page
    assert n_sa(ws["opd"]) == 0  # all or nothing
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "sub_activity")) == 0


def test_only_the_user_who_confirmed_follows_the_job(client, ws, make, login, small_threshold):
    token = token_of(upload(client, ws, xlsx([sipd_row(i) for i in range(1, 6)]))
                     .get_data(as_text=True))
    resp = client.post(f"/sub-kegiatan/impor/{token}")
    url = resp.headers["Location"]
    login(make.user("opd", opd_obj=ws["opd"]))  # a colleague of the same OPD
    assert client.get(url).status_code == 404
    login(make.user("secretariat"))
    assert client.get(url).status_code == 404


def test_lokus_import_of_many_desa_runs_as_a_job(client, make, login, lokus_world, app,
                                                 monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 1)  # the file reaches 2 desa
    login(make.user("secretariat"))
    html = client.post("/lokus/impor?tahun=2034", data={
        "source": "P3KE", "file": (io.BytesIO(_csv(lokus_world)), "p3ke.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    resp = client.post("/lokus/impor/simpan?tahun=2034", data={"token": token})
    assert resp.status_code == 303 and "/lokus/impor/pekerjaan/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in page and "2 desa diperbarui" in page
    db.session.expire_all()
    vy = db.session.scalar(select(VillageYear).where(
        VillageYear.village_id == lokus_world["reached"].id))
    assert (vy.desil1_households, vy.source) == (3, "P3KE")
    job = db.session.scalar(select(ImportJob).where(ImportJob.kind == "lokus"))
    assert job.payload is None and job.data is None  # nothing of the file is kept
    dumped = repr([(e.old_values, e.new_values, e.note, e.user_id) for e in
                   db.session.scalars(select(AuditLog).where(AuditLog.entity == "village_year"))])
    assert NIK not in dumped and "None)" not in dumped  # every record names its user


def test_lokus_job_with_a_tampered_token_is_refused_before_queueing(client, make, login,
                                                                   lokus_world, app,
                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 1)
    login(make.user("secretariat"))
    resp = client.post("/lokus/impor/simpan?tahun=2034", data={"token": "palsu.token"},
                       follow_redirects=True)
    assert "tidak sah" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_a_job_whose_queue_entry_was_lost_is_failed_after_the_limit(client, ws, app):
    from datetime import timedelta

    from app.jobs.imports import store
    from models import utcnow

    job = store("sipd", user_id=ws["user"].id, opd_id=ws["opd"].id,
                fiscal_year_id=ws["fy"].id, filename="x.xlsx", data=b"x", rows=900)
    job.status = "queued"  # queued, but no worker ever took it
    db.session.flush()
    page = client.get(f"/sub-kegiatan/impor/pekerjaan/{job.id}").get_data(as_text=True)
    assert 'data-status="queued"' in page and 'http-equiv="refresh"' in page
    job.created_at = utcnow() - timedelta(minutes=app.config["REPORT_STALE_MINUTES"] + 1)
    db.session.flush()
    page = client.get(f"/sub-kegiatan/impor/pekerjaan/{job.id}").get_data(as_text=True)
    assert 'data-status="failed"' in page and "batas waktu" in page
    assert 'http-equiv="refresh"' not in page


def test_an_import_that_loses_its_connection_is_retried_and_written_once(
        client, ws, small_threshold, monkeypatch):
    """Issue 24: a connection error in the middle of the import's commit is retried after the
    job is put back to queued; all or nothing, so the rows are written once."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    from app.budget.services import sipd_import

    real, calls = sipd_import.commit_stored, []

    def drops_once(job, progress):
        calls.append(1)
        if len(calls) == 1:
            raise sa_exc.OperationalError("INSERT ...", {}, psycopg.OperationalError(
                "server closed the connection unexpectedly"))
        return real(job, progress)

    monkeypatch.setattr(sipd_import, "commit_stored", drops_once)
    token = token_of(upload(client, ws, xlsx([sipd_row(i) for i in range(1, 6)]))
                     .get_data(as_text=True))
    resp = client.post(f"/sub-kegiatan/impor/{token}")
    job_id = int(STATUS_RE.search(resp.headers["Location"])[1])
    page = client.get(f"/sub-kegiatan/impor/pekerjaan/{job_id}").get_data(as_text=True)
    assert len(calls) == 2
    assert 'data-status="done"' in page and "Impor selesai: 5 dibuat" in page
    assert n_sa(ws["opd"]) == 5

"""Jobs survive faults (issue 24): a connection error is retried after the claim is put back, a
build whose worker went silent is failed with the reason and the same request starts a new one,
a build whose queue entry was lost is queued again, and a build is run by one delivery only.

The suite's app runs jobs in the request (immediate mode) with JOB_RETRY_DELAYS of 0 s;
tests/test_fault_outage.py restarts connections under load on a real server."""
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from app.accounts.api_tokens import create_token
from app.jobs import enqueue
from app.reference.service import settings
from app.reports import build_service
from app.reports.build_service import request_build, run_build
from models import db, utcnow
from tests import report_data

YEAR = report_data.YEAR


@pytest.fixture
def kab():
    kab = report_data.build()
    settings()
    db.session.commit()
    return kab


def _request():
    build, created = request_build("pdf", year=YEAR, variant="quarterly", quarter=3)
    db.session.commit()
    return build, created


def test_a_build_that_loses_its_connection_is_retried_and_finishes(kab, monkeypatch):
    real, calls = build_service.build_content, []

    def drops_once(options):
        calls.append(1)
        if len(calls) == 1:
            raise sa_exc.OperationalError("SELECT ...", {}, psycopg.OperationalError(
                "terminating connection due to administrator command"))
        return real(options)

    monkeypatch.setattr(build_service, "build_content", drops_once)
    build, created = _request()
    assert created
    enqueue("report.build", build.id)  # immediate mode: runs now, retries included
    db.session.refresh(build)
    assert len(calls) == 2
    assert build.status == "done" and build.data.startswith(b"%PDF") and build.error == ""


def test_a_build_failing_for_another_reason_is_not_retried(kab, monkeypatch):
    calls = []

    def bug(options):
        calls.append(1)
        raise ValueError("a bug")

    monkeypatch.setattr(build_service, "build_content", bug)
    build, _ = _request()
    enqueue("report.build", build.id)
    db.session.refresh(build)
    assert calls == [1]
    assert build.status == "failed" and build.error == build_service.FAILED_UNEXPECTEDLY


def test_a_silent_running_build_is_failed_with_the_reason_and_requested_anew(app, kab):
    build, _ = _request()
    silent = utcnow() - timedelta(seconds=app.config["JOB_STALL_SECONDS"] + 5)
    build.status, build.started_at, build.heartbeat_at = "running", silent, silent
    db.session.commit()
    fresh, created = _request()
    assert created and fresh.id != build.id and fresh.status == "queued"
    db.session.refresh(build)
    assert build.status == "failed" and "tidak ada tanda hidup" in build.error


def test_a_running_build_with_a_recent_heartbeat_is_joined(app, kab):
    build, _ = _request()
    build.status = "running"
    build.started_at = utcnow() - timedelta(minutes=10)  # long, but alive
    build.heartbeat_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    same, created = _request()
    assert same.id == build.id and not created


def test_polls_show_a_silent_build_as_failed(app, client, login, make, kab):
    user = login(make.user("secretariat"))
    build, _ = _request()
    silent = utcnow() - timedelta(seconds=app.config["JOB_STALL_SECONDS"] + 5)
    build.status, build.started_at, build.heartbeat_at = "running", silent, silent
    db.session.commit()
    state = client.get(f"/laporan/bangun/{build.id}").get_json()
    assert state["status"] == "failed" and "tidak ada tanda hidup" in state["error"]
    _, secret = create_token(user, "uji")
    api = client.get(f"/api/v1/reports/{build.id}",
                     headers={"Authorization": f"Bearer {secret}"}).json
    assert api["status"] == "failed" and "tidak ada tanda hidup" in api["error"]


def test_a_build_whose_queue_entry_was_lost_is_queued_again_and_runs(app, kab):
    build, _ = _request()  # queued, never enqueued: as if Redis restarted without it
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALL_SECONDS"] + 5)
    build.created_at = build.heartbeat_at = long_ago
    db.session.commit()
    same, created = _request()
    assert same.id == build.id and created  # the caller enqueues it again
    assert same.heartbeat_at > long_ago
    enqueue("report.build", same.id)
    db.session.refresh(same)
    assert same.status == "done"


def test_a_build_claimed_by_one_delivery_is_not_run_by_another(kab):
    build, _ = _request()
    build.status = "running"  # claimed by the first delivery
    db.session.commit()
    run_build(build.id)  # a second delivery of the same entry
    db.session.refresh(build)
    assert build.status == "running" and build.data is None


def test_requeue_puts_back_only_a_running_build(kab):
    build, _ = _request()
    build.status = "done"
    db.session.commit()
    build_service.requeue(build.id)
    db.session.refresh(build)
    assert build.status == "done"  # its file was committed with its status: nothing to redo
    build.status = "running"
    db.session.commit()
    build_service.requeue(build.id)
    db.session.refresh(build)
    assert build.status == "queued"


def test_retries_end_after_the_last_delay(app, kab, monkeypatch):
    calls = []

    def always_down(options):
        calls.append(1)
        raise sa_exc.OperationalError("SELECT", {}, psycopg.OperationalError("down"))

    monkeypatch.setattr(build_service, "build_content", always_down)
    build, _ = _request()
    enqueue("report.build", build.id)  # the last error goes to Huey, which logs it
    assert len(calls) == len(app.config["JOB_RETRY_DELAYS"]) + 1
    db.session.refresh(build)
    # Left running with an old heartbeat: the next request or poll fails it with the reason.
    assert build.status == "running"

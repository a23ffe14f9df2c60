"""The job queue for real: the embedded SQLite queue worked by a thread of the app (what
`make run` uses), and Redis worked by `flask jobs worker` in a process of its own (production).

Each test runs an app on its own SQLite file with real commits (a worker in another thread or
process cannot see a test's rolled-back transaction). Redis must be reachable at
TAGAR_TEST_REDIS_URL (default redis://127.0.0.1:6379/0); without it the Redis test is skipped,
except in CI (env CI set), where it fails. Each run uses a queue name of its own.
"""
import os
import subprocess
import sys
import time
import uuid
from io import BytesIO
from pathlib import Path

import pytest
import redis
from pypdf import PdfReader

from app import create_app
from app.accounts.api_tokens import create_token
from app.reference.service import ensure_reference_data, settings
from config import TestConfig
from models import ReportBuild, db
from tests import factories as make
from tests import report_data
from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TAGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FORM = {"variant": "quarterly", "year": report_data.YEAR, "quarter": 3, "semester": 1,
        "opd_id": 0, "fmt": "pdf", "number": ""}


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: these apps commit for real."""
    yield


@pytest.fixture
def redis_url():
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as conn:
            conn.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI ({REDIS_URL})")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def _database(tmp_path):
    """(url, drop): a fresh PostgreSQL database when TEST_DATABASE_URL names a server, else an
    SQLite file. PostgreSQL is what production runs, and SQLite refuses a request that reads and
    then writes while a job commits ("database is locked"), so with SQLite the tests poll a
    read-only page."""
    return fresh_database(tmp_path, "jobs")


@pytest.fixture
def job_app(tmp_path):
    """Make an app on a database of its own, with the report data, a user and an API token."""
    made = []

    def make_app(**config):
        url, drop = _database(tmp_path)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **config)
        made.append((app, drop))
        with app.app_context():
            db.create_all()
            ensure_reference_data()
            report_data.build()
            settings()
            user = make.user("secretariat", username="sekretariat")
            _, secret = create_token(user, "uji")
            db.session.commit()
            db.session.remove()
        app.config["TEST_TOKEN"] = secret
        return app

    yield make_app
    for app, drop in made:
        _close(app)
        if drop:
            drop()


def _wait(get_state, timeout=60):
    """Poll until the build is finished; return every state seen on the way."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = get_state()
        if not seen or seen[-1] != (state["status"], state["progress"]):
            seen.append((state["status"], state["progress"]))
        if state["status"] in ("done", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"build not finished after {timeout} s: {seen}")


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_embedded_queue_is_worked_by_a_thread_of_the_app(job_app, tmp_path):
    app = job_app(JOBS_WORKER="", JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}")
    queue = app.extensions["jobs"]
    assert queue.mode == "thread"  # the default without Redis: nothing else to start
    assert queue.consumer is None  # create_app (CLI, tests) starts no thread
    client = app.test_client()
    client.post("/login", data={"username": "sekretariat", "password": make.PASSWORD})
    assert queue.consumer is not None  # a server starts its worker with its first request
    assert queue.huey.storage.filename == str(tmp_path / "jobs.db")
    resp = client.post("/laporan/", data=FORM)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("#build-1")
    seen = _wait(lambda: client.get("/laporan/bangun/1").get_json())
    assert seen[-1] == ("done", 100), seen
    state = client.get("/laporan/bangun/1").get_json()
    pdf = client.get(state["download_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Rp 750.000.000" in _pdf_text(pdf.data)
    # The job committed its work: another connection sees the finished build.
    with app.app_context():
        build = db.session.get(ReportBuild, 1)
        assert build.status == "done" and build.started_at and build.finished_at
        assert build.requested_by.username == "sekretariat"
        db.session.remove()
    # The same request again is answered with the stored file at once.
    again = client.post("/laporan/", data=FORM)
    assert again.status_code == 200 and again.data == pdf.data


def _close(app):
    app.extensions["jobs"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_embedded_queue_file_defaults_to_the_instance_directory(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}",
                     JOBS_WORKER="", JOBS_URL="")
    try:
        assert app.extensions["jobs"].huey.storage.filename == str(tmp_path / "instance" /
                                                                    "jobs.db")
    finally:
        _close(app)


def _state(client, build_id: int, headers: dict) -> dict:
    """The build's state from the API on PostgreSQL; on SQLite from the page's read-only poll
    (every API call records its token's last use: a write, see _database)."""
    if os.environ.get("TEST_DATABASE_URL"):
        return client.get(f"/api/v1/reports/{build_id}", headers=headers).get_json()
    return client.get(f"/laporan/bangun/{build_id}").get_json()


def test_redis_queue_is_worked_by_flask_jobs_worker(job_app, tmp_path, redis_url):
    queue_name = f"tagar-test-{uuid.uuid4().hex[:10]}"
    app = job_app(JOBS_URL=redis_url, JOBS_QUEUE=queue_name, JOBS_WORKER="")
    queue = app.extensions["jobs"]
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "TAGAR_JOBS_URL": redis_url,
           "TAGAR_JOBS_QUEUE": queue_name, "TAGAR_INSTANCE_DIR": str(tmp_path / "instance"),
           "SECRET_KEY": "test-worker"}
    env.pop("TAGAR_JOBS_WORKER", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker"], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert queue.mode == "external"  # with Redis, the web process works no jobs itself
        client = app.test_client()
        client.post("/login", data={"username": "sekretariat", "password": make.PASSWORD})
        headers = {"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}
        body = {"variant": "quarterly", "year": report_data.YEAR, "quarter": 3}
        resp = client.post("/api/v1/reports", json=body, headers=headers)
        assert resp.status_code == 202, resp.get_json()
        build = resp.get_json()
        assert build["status"] == "queued" and build["file_url"] is None
        assert resp.headers["Location"].endswith(f"/api/v1/reports/{build['id']}")
        seen = _wait(lambda: _state(client, build["id"], headers))
        assert seen[-1] == ("done", 100), (seen, log_path.read_text())
        done = client.get(resp.headers["Location"], headers=headers).get_json()
        assert done["status"] == "done" and done["pages"] == 5
        pdf = client.get(done["file_url"], headers=headers)
        assert pdf.status_code == 200 and "Rp 750.000.000" in _pdf_text(pdf.data)
        again = client.post("/api/v1/reports", json=body, headers=headers)
        assert again.status_code == 200 and again.get_json()["id"] == build["id"]
        assert queue.huey.storage.queue_size() == 0  # the worker took the one job
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            queue.huey.flush()
    assert "Pekerja antrean" in log_path.read_text()


def test_unreachable_queue_fails_the_build_with_a_reason(job_app):
    app = job_app(JOBS_URL="redis://127.0.0.1:1/0", JOBS_WORKER="external")  # nothing listens
    client = app.test_client()
    headers = {"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}
    resp = client.post("/api/v1/reports", json={"variant": "plan", "year": report_data.YEAR},
                       headers=headers)
    assert resp.status_code == 503
    assert resp.get_json()["message"].startswith("Antrean pekerjaan tidak dapat dihubungi")
    client.post("/login", data={"username": "sekretariat", "password": make.PASSWORD})
    page = client.post("/laporan/", data=FORM, follow_redirects=True).get_data(as_text=True)
    assert "Laporan gagal disusun: Antrean pekerjaan tidak dapat dihubungi" in page
    with app.app_context():
        builds = db.session.query(ReportBuild).order_by(ReportBuild.id).all()
        assert [b.status for b in builds] == ["failed", "failed"]
        db.session.remove()


def test_worker_command_refuses_when_jobs_run_in_the_request(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    try:
        result = app.test_cli_runner().invoke(args=["jobs", "worker"])
        assert result.exit_code != 0 and "immediate" in result.output
    finally:
        _close(app)


def test_unknown_job_is_refused(tmp_path):
    from app.jobs import enqueue

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    try:
        with app.app_context(), pytest.raises(KeyError):
            enqueue("no.such.job", 1)
    finally:
        _close(app)

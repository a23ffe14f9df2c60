"""Two app nodes, one worker, one PostgreSQL, one Redis: what one node does, the other sees.

Two gunicorn processes on different ports (no proxy) share a PostgreSQL database made for this
test, a Redis queue and cache of their own names, and the secret key; one `flask jobs worker`
works the queue. A report requested on node A is polled and downloaded on node B, and a login
throttle counted on node A holds on node B (the counters live in the database).

Needs TEST_DATABASE_URL naming a PostgreSQL server and Redis at TAGAR_TEST_REDIS_URL (default
redis://127.0.0.1:6379/0); skipped without them, except in CI (env CI set), where it fails.
"""
import json
import os
import re
import tempfile
import time
import uuid

import pytest
import redis

from app import create_app
from app.reference.service import ensure_reference_data, settings
from bench.common import BENCH_PASSWORD
from bench.load import User, inputs
from bench.servers import free_port, start_gunicorn, start_job_workers, stop
from config import TestConfig
from models import db
from tests import factories as make
from tests import report_data
from tests.databases import fresh_database

REDIS_URL = os.environ.get("TAGAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
FORM = {"variant": "quarterly", "year": str(report_data.YEAR), "quarter": "3", "semester": "1",
        "opd_id": "0", "fmt": "pdf", "number": ""}


def _needs(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: the nodes commit for real."""
    yield


@pytest.fixture(scope="module")
def cluster():
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        # Like the other multi-process tests: the SQLite pass skips it, and `make test` runs the
        # PostgreSQL pass whenever TEST_DATABASE_URL is set (always in CI).
        pytest.skip("two nodes share one PostgreSQL server: PostgreSQL pass only")
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as conn:
            conn.ping()
    except redis.exceptions.ConnectionError:
        _needs(f"Redis at {REDIS_URL}")
    url, drop = fresh_database(None, "nodes")  # PostgreSQL here: tmp_path is not used
    procs, unique = [], uuid.uuid4().hex[:8]
    env = {"TAGAR_JOBS_URL": REDIS_URL, "TAGAR_JOBS_QUEUE": f"tagar-nodes-{unique}",
           "TAGAR_CACHE_URL": REDIS_URL, "TAGAR_CACHE_PREFIX": f"tagar-nodes-{unique}:",
           "TAGAR_NOW": "", "SESSION_COOKIE_SECURE": "0"}
    log = tempfile.NamedTemporaryFile("w+", prefix="tagar-nodes-", suffix=".log", delete=False)
    try:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            ensure_reference_data()
            report_data.build()
            settings()
            make.user("secretariat", username="sekretariat", password=BENCH_PASSWORD)
            make.user("viewer", username="sasaran", password=BENCH_PASSWORD)  # to be throttled
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        ports = [free_port(), free_port()]
        # Started together: each takes a second or two to import the app.
        procs.extend(start_job_workers(url, env, 1, log))
        for port in ports:
            procs.append(start_gunicorn(url, port, 1, 4, log, env=env))
        yield {"ports": ports, "log": log.name}
    finally:
        stop(procs)
        log.close()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*tagar-nodes-{unique}*"):
            client.delete(key)
        client.close()
        client.connection_pool.disconnect()
        drop()
        os.unlink(log.name)


@pytest.fixture
def users():
    """A browser-like client of one node (cookies, keep-alive): (user, errors seen)."""
    made = []

    def make_user(port, username="sekretariat"):
        errors = []

        def record(action, ms, error):
            if error:
                errors.append(f"{action}: {error}")

        made.append(User(port, {"username": username}, record, 0))
        return made[-1], errors

    yield make_user
    for user in made:
        user.conn.close()


def test_report_requested_on_one_node_downloads_from_the_other(cluster, users):
    a_port, b_port = cluster["ports"]
    node_a, errors = users(a_port)
    assert node_a.log_in(), errors
    page = node_a.request("form", "GET", "/laporan/")
    csrf = inputs(page)["csrf_token"]
    status, headers, _ = node_a.request("pdf", "POST", "/laporan/", {**FORM, "csrf_token": csrf},
                                        expect=(303,), raw=True)
    build_id = int(re.search(r"#build-(\d+)", headers["location"])[1])
    # Node B: the same session (one secret key), the build made on A, worked by the worker.
    node_b, errors_b = users(b_port)
    node_b.cookies = dict(node_a.cookies)
    deadline, state = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        state = json.loads(node_b.request("poll", "GET", f"/laporan/bangun/{build_id}"))
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state.get("status") == "done", (state, errors_b, open(cluster["log"]).read()[-3000:])
    status, headers, data = node_b.request("file", "GET", state["download_url"], raw=True)
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert data.startswith(b"%PDF") and len(data) > 5000
    # Asked again on B: the finished file is answered at once, no new build.
    page = node_b.request("form", "GET", "/laporan/")
    csrf = inputs(page)["csrf_token"]
    status, headers, again = node_b.request("pdf", "POST", "/laporan/",
                                            {**FORM, "csrf_token": csrf}, raw=True)
    assert status == 200 and again == data


def test_login_throttle_counted_on_one_node_holds_on_the_other(cluster, users):
    a_port, b_port = cluster["ports"]
    guesser, _ = users(a_port, "sasaran")
    codes = []
    for _ in range(8):  # past TAGAR_LOGIN_ACCOUNT_FAILURES (5) for this account and address
        page = guesser.request("form", "GET", "/login")
        csrf = inputs(page)["csrf_token"]
        status, _, _ = guesser.request("login", "POST", "/login", {
            "csrf_token": csrf, "username": "sasaran", "password": "tebakan-salah"},
            expect=(401, 429), raw=True)
        codes.append(status)
    assert codes[0] == 401 and codes[-1] == 429
    # Node B, the right password, the same address: still blocked.
    other, _ = users(b_port, "sasaran")
    page = other.request("form", "GET", "/login")
    csrf = inputs(page)["csrf_token"]
    status, headers, _ = other.request("login", "POST", "/login", {
        "csrf_token": csrf, "username": "sasaran", "password": BENCH_PASSWORD},
        expect=(302, 429), raw=True)
    assert status == 429 and int(headers["retry-after"]) > 0

"""Browser tests: a real Chromium (Playwright) against a real server in a thread, on a database
of its own loaded with the demo kabupaten: an SQLite file, or a fresh PostgreSQL database when
the suite runs on PostgreSQL (TEST_DATABASE_URL). They run when Chromium is present, always in
CI.

The demo is loaded once per test process, into a database that every served demo is a copy of
(CREATE DATABASE ... TEMPLATE on PostgreSQL, a file copy on SQLite): loading it took ~10 s of
CI time per served demo, copying it well under one (issue 25)."""
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from config import TestConfig
from models import db

from ..databases import copy_database, fresh_database

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# The demo is relative to "today"; the browser tests pin it so their expectations hold.
DEMO_NOW = "2026-11-23T03:00:00"


# werkzeug's development server leaves a static file open when Chromium drops the connection
# of a cached response (a 304 it no longer waits for); the warning comes from the server thread
# at a random later test. Production serves through gunicorn/nginx, so only these are ignored.
STATIC_FILE_LEAK = ("ignore:Exception ignored in.*FileIO name='.*/app/static/"
                    ":pytest.PytestUnraisableExceptionWarning")  # no ':' inside the regex


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.filterwarnings(STATIC_FILE_LEAK))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# This process's demo database (url, drop), loaded by the first served demo.
_DEMO: dict = {}


def _demo_config() -> dict:
    return {"TAGAR_NOW": DEMO_NOW, "WTF_CSRF_ENABLED": True}


def _demo_database() -> str:
    """The URL of this process's demo database: loaded once, then only ever copied."""
    if not _DEMO:
        url, drop = fresh_database(Path(tempfile.mkdtemp(prefix="tagar-demo-")), "demo")
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **_demo_config())
        with app.app_context():
            db.create_all()
            from app.demo.seed import seed_demo

            seed_demo(year=2026)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # a template database must have no connection open
        if "jobs" in app.extensions:
            app.extensions["jobs"].close()
        _DEMO.update(url=url, drop=drop)
    return _DEMO["url"]


@pytest.fixture(scope="session", autouse=True)
def _drop_demo_database():
    yield
    if _DEMO.get("drop") is not None:
        _DEMO["drop"]()
    _DEMO.clear()


@pytest.fixture(scope="session")
def live_app():
    yield from serve_demo()


def serve_demo(**overrides):
    """A threaded server on its own database with the demo (a copy of the process's demo
    database); a test module that changes the demo's state (the cycle test) overrides
    `live_app` with a server of its own. `overrides` are config values; a callable gets the
    server's temporary folder (for more files there)."""
    base = Path(tempfile.mkdtemp(prefix="tagar-browser-"))
    overrides = {k: v(base) if callable(v) else v for k, v in overrides.items()}
    url, drop = copy_database(_demo_database(), base, "browser")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **_demo_config(), **overrides)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    if "jobs" in app.extensions:
        app.extensions["jobs"].close()
    with app.app_context():
        db.engine.dispose()
    if drop is not None:
        drop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed; CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_app, request):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID",
                                  accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base = live_app.config["LIVE_URL"]
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def log_in(pg, username, password="demo-tagar-2026"):
    pg.goto(pg.base + "/login")
    pg.fill("#username", username)
    pg.fill("#password", password)
    pg.click("button[type=submit]")
    pg.wait_for_url(pg.base + "/")


def log_out(pg):
    # After a click that submitted a form the next document may be committed with its
    # stylesheet still loading: unstyled, the phone's menu button shows at any width, and a
    # click on it would wait for a button the stylesheet then hides. The load event comes
    # after the stylesheet.
    pg.wait_for_load_state("load")
    toggle = pg.locator(".nav-toggle")
    if toggle.count() and toggle.is_visible():  # a phone: the menu is folded
        toggle.click()
    pg.click(".userbox button:has-text('Keluar')")
    pg.wait_for_url("**/login")

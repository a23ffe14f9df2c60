"""The password-reset secret never reaches a server log (issue 24): a real gunicorn started with
--access-logfile (its default format: the whole request line, query string included) serves a
whole reset, from the request to the login with the new password; the secret mailed is nowhere
in the access log or the server's own log. The link carries it in the fragment (#t=...), which a
browser never sends; the page's script posts it in a body."""
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import create_app
from app.reference.service import ensure_reference_data
from bench.load import User, inputs
from bench.servers import ROOT, free_port, stop
from config import TestConfig
from models import db
from tests import factories as make
from tests.databases import fresh_database
from tests.mail_server import SmtpServer

NEW = "kopi-tubruk-pagi-77"


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: the server commits for real."""
    yield


def _gunicorn(url: str, port: int, smtp_port: int, access: Path, errors: Path):
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "reset-log-test",
           "PYTHONPATH": str(ROOT), "SESSION_COOKIE_SECURE": "0", "TAGAR_NOW": "",
           "TAGAR_JOBS_WORKER": "immediate", "TAGAR_SMTP_HOST": "127.0.0.1",
           "TAGAR_SMTP_PORT": str(smtp_port), "TAGAR_SMTP_TIMEOUT": "5"}
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket", "-w", "1",
           "--threads", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(access),
           "--error-logfile", str(errors), "wsgi:app"]
    log = open(errors.with_suffix(".out"), "w")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=log)
    log.close()
    return proc


def test_a_whole_reset_leaves_no_secret_in_the_access_log(tmp_path):
    url, drop = fresh_database(tmp_path, "resetlog")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        user = make.user("opd")
        user.email = "pptk@contoh.go.id"
        username = user.username
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    smtp, port = SmtpServer(free_port()), free_port()
    smtp.start()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    server = _gunicorn(url, port, smtp.port, access, errors)
    browser = None
    try:
        seen = []
        browser = User(port, {"username": username}, lambda a, ms, e: seen.append((a, e)), 0)
        deadline = time.time() + 30
        while time.time() < deadline and not access.exists():
            time.sleep(0.2)
        page = None
        while time.time() < deadline and page is None:
            page = browser.request("form", "GET", "/lupa-kata-sandi")
            time.sleep(0.2)
        assert page is not None, errors.with_suffix(".out").read_text()[-2000:]
        seen.clear()  # refused connections while the server started
        browser.request("ask", "POST", "/lupa-kata-sandi", {
            "csrf_token": inputs(page)["csrf_token"], "identifier": "pptk@contoh.go.id"})
        assert len(smtp.messages) == 1
        link = re.search(r"https?://\S+/atur-ulang-kata-sandi#t=(\S+)", smtp.messages[0]["body"])
        secret = link[1]
        # The browser: GET the page (never the fragment), its script posts the code.
        page = browser.request("code page", "GET", "/atur-ulang-kata-sandi")
        status, headers, _ = browser.request("code", "POST", "/atur-ulang-kata-sandi/kode", {
            "csrf_token": inputs(page)["csrf_token"], "code": secret}, expect=(303,), raw=True)
        page = browser.request("reset form", "GET", "/atur-ulang-kata-sandi")
        assert 'name="password"' in page
        browser.request("reset", "POST", "/atur-ulang-kata-sandi", {
            "csrf_token": inputs(page)["csrf_token"], "password": NEW, "confirm": NEW},
            expect=(303,))
        page = browser.request("login form", "GET", "/login")
        browser.request("login", "POST", "/login", {
            "csrf_token": inputs(page)["csrf_token"], "username": username, "password": NEW},
            expect=(302,))
        assert [e for _, e in seen if e] == []
    finally:
        if browser is not None:
            browser.conn.close()
        stop([server])
        smtp.stop()
        if drop:
            drop()
    logged = access.read_text()
    assert "/atur-ulang-kata-sandi/kode" in logged and "POST /login" in logged  # it logged
    assert secret not in logged
    assert secret not in errors.read_text() + errors.with_suffix(".out").read_text()

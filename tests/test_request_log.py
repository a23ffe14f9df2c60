"""Structured request logs (app/request_log.py): one JSON line per request with its duration,
status and user id, and nothing personal (no query string, no name, no address)."""
import json
import logging

import pytest

from app import create_app
from config import TestConfig


@pytest.fixture
def lines(caplog, monkeypatch):
    # Attached to the logger itself, which then does not propagate (each line counted once):
    # an app made outside tests (another test's) may have set it up that way already.
    logger = logging.getLogger("tagar.request")
    caplog.set_level(logging.INFO, logger="tagar.request")
    monkeypatch.setattr(logger, "propagate", False)
    monkeypatch.setattr(logger, "disabled", False)  # Alembic's fileConfig (migration tests)
    logger.addHandler(caplog.handler)

    def read():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "tagar.request"]

    yield read
    logger.removeHandler(caplog.handler)


def test_one_line_per_request_with_duration_status_and_user(client, make, login, lines):
    user = login(make.user("secretariat", username="budi.santoso"))
    before = len(lines())
    resp = client.get("/sub-kegiatan/?q=Rahasia+Keluarga+Miskin&tahun=2031")
    logged = lines()[before:]
    assert len(logged) == 1
    line = logged[0]
    assert line["event"] == "request" and line["method"] == "GET"
    assert line["status"] == resp.status_code and line["user"] == user.id
    assert line["path"] == "/sub-kegiatan/" and line["endpoint"] == "budget.index"
    assert isinstance(line["ms"], float) and 0 <= line["ms"] < 60_000
    text = json.dumps(line)
    assert "Rahasia" not in text and "budi" not in text and "127.0.0.1" not in text


def test_anonymous_redirect_and_not_found_are_logged(client, lines):
    client.get("/dasbor/")
    client.get("/tidak-ada-halaman-ini")
    redirect, missing = lines()[-2:]
    assert (redirect["status"], redirect["user"]) == (302, None)
    assert (missing["status"], missing["endpoint"]) == (404, None)


def test_an_unexpected_error_is_logged_as_500(lines):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://",
                     PROPAGATE_EXCEPTIONS=False)

    @app.route("/rusak")
    def broken():
        raise RuntimeError("boom")

    with app.test_client() as client:
        assert client.get("/rusak").status_code == 500
    assert lines()[-1]["status"] == 500 and lines()[-1]["path"] == "/rusak"


def test_it_can_be_turned_off(lines):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", REQUEST_LOG=False)
    before = len(lines())
    with app.test_client() as client:
        client.get("/healthz")
    assert len(lines()) == before

"""/healthz and /readyz (issue 11): open to the proxy without login, no session cookie, no data
in the answer; /readyz answers 503 when the database cannot be reached."""
import socket

from app import create_app
from config import TestConfig


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the with block ends


def test_healthz_answers_ok_without_login_or_cookie(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok"}
    assert "Set-Cookie" not in resp.headers
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_answers_ok_when_the_database_answers(client):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ok"}
    assert "Set-Cookie" not in resp.headers


def test_probes_are_get_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_readyz_answers_503_when_the_database_is_unreachable():
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/tagar?connect_timeout=2"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.test_client() as c:
            resp = c.get("/readyz")
            assert resp.status_code == 503
            assert resp.json == {"status": "unavailable"}  # no driver text, host or port
            assert "Set-Cookie" not in resp.headers
            body = resp.get_data(as_text=True)
            assert "127.0.0.1" not in body and "psycopg" not in body
            # Liveness does not depend on the database.
            assert c.get("/healthz").status_code == 200
    finally:
        with app.app_context():
            from models import db

            db.engine.dispose()

"""The public API: no token, its own strict limit per address (429 with Retry-After, other
addresses unaffected, the window's end lets the address in again), its own OpenAPI document,
and the administrator sees (and can lift) a blocked address."""
import pytest

from app.public import portal
from models import LoginThrottle, db


@pytest.fixture
def limited(app, monkeypatch, make):
    monkeypatch.setitem(app.config, "PUBLIC_API_REQUESTS", 3)
    monkeypatch.setitem(app.config, "PUBLIC_API_WINDOW_SECONDS", 60)
    make.fiscal_year(2026)
    portal.switch(True)


def _get(client, url, address="203.0.113.7"):
    return client.get(url, environ_base={"REMOTE_ADDR": address})


def test_public_api_needs_no_token(client, limited):
    resp = _get(client, "/terbuka/api/tahun")
    assert resp.status_code == 200
    assert 2026 in [y["tahun"] for y in resp.json["tahun"]]


def test_past_the_limit_the_address_gets_429_with_retry_after(client, limited, clock):
    clock("2026-08-01T03:00:00")
    for _ in range(3):
        assert _get(client, "/terbuka/api/2026").status_code == 200
    clock("2026-08-01T03:00:20")
    resp = _get(client, "/terbuka/api/2026/opd")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "40"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.json["message"]
    assert _get(client, "/terbuka/api/2026", address="198.51.100.9").status_code == 200
    clock("2026-08-01T03:01:01")
    assert _get(client, "/terbuka/api/2026").status_code == 200


def test_the_limit_covers_only_the_api_not_the_pages(client, limited):
    for _ in range(6):
        assert _get(client, "/terbuka/").status_code == 200


def test_a_blocked_address_shows_on_the_admin_throttle_page(client, limited, make, login):
    for _ in range(4):
        _get(client, "/terbuka/api/tahun")
    row = db.session.scalar(db.select(LoginThrottle).where(LoginThrottle.kind == "public_api"))
    assert row.blocked_until is not None and row.address == "203.0.113.7"
    login(make.user("admin"))
    page = client.get("/admin/pembatasan-masuk").get_data(as_text=True)
    assert "API publik: alamat" in page and "203.0.113.7" in page


def test_openapi_documents_every_public_api_path_and_the_429(client, limited, app):
    doc = _get(client, "/terbuka/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert "security" not in doc
    rules = {r.rule.replace("<int:tahun>", "{tahun}").replace("<string:name>", "{tabel}")
             for r in app.url_map.iter_rules() if r.endpoint.startswith("public.api_")}
    assert rules == set(doc["paths"])
    for path in doc["paths"].values():
        assert "Retry-After" in path["get"]["responses"]["429"]["headers"]


def test_hostile_api_input_never_gives_a_server_error(client, limited):
    for url in ("/terbuka/api/2026?triwulan=%00", "/terbuka/api/2026?triwulan=99999999999",
                "/terbuka/api/99999999999", "/terbuka/api/2026/%00", "/terbuka/api/-1"):
        assert _get(client, url, address="192.0.2.1").status_code in (400, 404, 422), url

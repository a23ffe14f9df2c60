"""API tokens: created in the UI and shown once, stored hashed, acting as their user."""
import hashlib

from sqlalchemy import select

from app.accounts.api_tokens import create_token
from models import ApiToken, AuditLog, db


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_token_created_in_ui_is_shown_once_and_stored_hashed(client, make, login):
    user = login(make.user("secretariat"))
    resp = client.post("/akun/token", data={"name": "Aplikasi desa"})
    page = resp.get_data(as_text=True)
    assert "Salin token ini sekarang" in page
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("tgr_") and secret not in token.token_hash
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Not shown again.
    assert secret not in client.get("/akun/token").get_data(as_text=True)
    # It works on the API, and stops working once revoked.
    assert client.get("/api/v1/reference/opds", headers=_bearer(secret)).status_code == 200
    client.post(f"/akun/token/{token.id}/cabut", data={"confirm": "1"})
    resp = client.get("/api/v1/reference/opds", headers=_bearer(secret))
    assert resp.status_code == 401
    assert resp.json["message"] == "Token API tidak valid atau sudah dicabut."


def test_token_name_required(client, make, login):
    login(make.user("viewer"))
    resp = client.post("/akun/token", data={"name": ""})
    assert "Nama token wajib diisi" in resp.get_data(as_text=True)


def test_cannot_revoke_someone_elses_token(client, make, login):
    other = make.user("viewer")
    token, _ = create_token(other, "milik orang lain")
    login(make.user("secretariat"))
    assert client.post(f"/akun/token/{token.id}/cabut").status_code == 403
    assert token.revoked_at is None


def test_api_requires_a_token_and_ignores_the_session_cookie(client, make, login):
    login(make.user("secretariat"))  # a browser session is not enough for the API
    resp = client.get("/api/v1/reference/opds")
    assert resp.status_code == 401
    assert set(resp.json) >= {"code", "status", "message"}


def test_failed_tokens_are_rate_limited(app, client, make):
    limit = app.config["API_TOKEN_FAILURES"]
    for _ in range(limit):
        assert client.get("/api/v1/reference/opds",
                          headers=_bearer("tgr_salah")).status_code == 401
    # Past the limit the address's bad tokens get 429 with the seconds to wait ...
    resp = client.get("/api/v1/reference/opds", headers=_bearer("tgr_salah"))
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) == app.config["API_TOKEN_BLOCK_SECONDS"]
    # ... while a valid token from the same address still works.
    _, secret = create_token(make.user("viewer"), "benar")
    assert client.get("/api/v1/reference/opds", headers=_bearer(secret)).status_code == 200
    assert db.session.query(AuditLog).filter_by(action="api_auth_fail").count() == limit


def test_openapi_and_docs_are_public_and_offline(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/sub-activities" in spec.json["paths"]
    money = spec.json["components"]["schemas"]["SubActivity"]["properties"]["allocation_original"]
    assert money["type"] == "string" and money["format"] == "decimal"
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/sub-activities" in page and "Bearer" in page
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page


def test_create_token_command_prints_a_working_token_once(app, client, make):
    user = make.user("viewer")
    result = app.test_cli_runner().invoke(args=["create-token", user.username, "SIPD"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.name == "SIPD" and token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert client.get("/api/v1/reference/opds", headers=_bearer(secret)).status_code == 200
    result = app.test_cli_runner().invoke(args=["create-token", "tidak-ada", "x"])
    assert result.exit_code != 0 and "tidak ditemukan" in result.output

"""API token limiter (issue 11, item 4): bad tokens are throttled per address, but only the
failing attempts: a valid token from the same address always works, and every 429 says how
long to wait (Retry-After)."""
from app.accounts.api_tokens import create_token
from models import AuditLog, LoginThrottle, db

URL = "/api/v1/reference/opds"
A = {"REMOTE_ADDR": "198.51.100.30"}
B = {"REMOTE_ADDR": "198.51.100.40"}


def _get(client, secret, env=A):
    return client.get(URL, headers={"Authorization": f"Bearer {secret}"}, environ_base=env)


def test_a_valid_token_works_after_25_bad_ones_from_the_same_address(client, make):
    _, secret = create_token(make.user("viewer"), "aplikasi-desa")
    codes = [_get(client, "tgr_tebakan-salah").status_code for _ in range(25)]
    assert codes[0] == 401 and codes[-1] == 429
    assert _get(client, secret).status_code == 200
    # And again, interleaved with further bad tokens.
    assert _get(client, "tgr_tebakan-salah").status_code == 429
    assert _get(client, secret).status_code == 200


def test_every_429_carries_retry_after(app, client):
    limit = app.config["API_TOKEN_FAILURES"]
    for _ in range(limit):
        assert _get(client, "tgr_salah").status_code == 401
    for _ in range(3):
        resp = _get(client, "tgr_salah")
        assert resp.status_code == 429
        wait = int(resp.headers["Retry-After"])
        assert 0 < wait <= app.config["API_TOKEN_BLOCK_SECONDS"]
        assert resp.json["message"].startswith("Terlalu banyak percobaan token")
    # While blocked, refusals are not audited one by one: the log cannot be flooded.
    assert db.session.query(AuditLog).filter_by(action="api_auth_fail").count() == limit


def test_one_address_guessing_does_not_block_another(app, client):
    for _ in range(app.config["API_TOKEN_FAILURES"]):
        _get(client, "tgr_salah", env=A)
    assert _get(client, "tgr_salah", env=A).status_code == 429
    assert _get(client, "tgr_salah", env=B).status_code == 401
    row = db.session.query(LoginThrottle).filter_by(kind="api_address",
                                                    address=A["REMOTE_ADDR"]).one()
    assert row.blocked_until is not None


def test_a_missing_token_is_not_counted(app, client):
    for _ in range(app.config["API_TOKEN_FAILURES"] + 5):
        assert client.get(URL, environ_base=A).status_code == 401
    assert db.session.query(LoginThrottle).count() == 0

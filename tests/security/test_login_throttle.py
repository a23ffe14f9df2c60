"""Login throttling (issue 11, item 2): failures slow down the guessing address, never the
account's owner at another address; one address spraying many accounts is throttled too; an
unknown name is indistinguishable from a known one, in answer and in hashing work; the admin
sees and lifts blocks; behind a proxy the address comes from the trusted hops only."""
from sqlalchemy import select

from app import create_app
from app.accounts import accounts
from config import TestConfig
from models import AuditLog, LoginThrottle, User, db

A = {"REMOTE_ADDR": "198.51.100.10"}
B = {"REMOTE_ADDR": "198.51.100.20"}


def _login(client, username, password, env=A, **kw):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base=env, **kw)


def test_failures_from_another_address_never_block_the_owner(app, client, make):
    u = make.user("secretariat")
    for _ in range(3 * app.config["LOGIN_ACCOUNT_FAILURES"]):
        _login(client, u.username, "tebakan-salah", env=A)
    assert _login(client, u.username, make.PASSWORD, env=A).status_code == 429
    # The owner, at their own address, logs in at once with the right password.
    resp = _login(client, u.username, make.PASSWORD, env=B)
    assert resp.status_code == 302
    assert db.session.get(User, u.id).active


def test_one_address_trying_many_accounts_is_throttled(client, make):
    users = [make.user("viewer") for _ in range(5)]
    codes = [_login(client, u.username, "tebakan-salah").status_code
             for _ in range(3) for u in users]  # 15 tries, 3 per account: no pair limit
    assert codes[0] == 401 and codes[-1] == 429
    assert codes.count(429) >= 5
    # The block holds for the right password of a fresh account from that address too ...
    fresh = make.user("viewer")
    resp = _login(client, fresh.username, make.PASSWORD)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    # ... but not for anyone elsewhere.
    assert _login(client, fresh.username, make.PASSWORD, env=B).status_code == 302


def test_unknown_and_known_names_get_the_same_answer(app, client, make):
    known = make.user("viewer", username="pengguna.ada")
    unknown = "pengguna.nol"  # same length, so the echoed field is the same size
    limit = app.config["LOGIN_ACCOUNT_FAILURES"]
    for attempt in range(limit + 1):
        r1 = _login(client, known.username, "tebakan-salah", env=A)
        r2 = _login(client, unknown, "tebakan-salah", env=B)
        assert r1.status_code == r2.status_code == (401 if attempt < limit - 1 else 429)
        assert r1.headers.get("Retry-After") == r2.headers.get("Retry-After")
        body1 = r1.get_data().replace(known.username.encode(), b"NAME")
        body2 = r2.get_data().replace(unknown.encode(), b"NAME")
        assert body1 == body2
        assert b"Sisa percobaan" not in body1
    assert "Nama pengguna atau kata sandi salah." in _login(
        client, "lain", "x", env={"REMOTE_ADDR": "192.0.2.1"}).get_data(as_text=True)


def test_unknown_name_does_the_same_hashing_work(app, make, monkeypatch):
    """Counted, not timed: every attempt, known name or not, checks exactly one hash, and an
    unknown name's hash is of the configured method (before the fix it was pbkdf2:1000, about
    ten times cheaper than the accounts' scrypt)."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    checked = []
    real = accounts.check_password_hash

    def counting(stored, password):
        checked.append(stored.split(":", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    try:
        assert accounts._dummy_hash("scrypt").startswith("scrypt:")
        user = make.user("viewer", username="pengguna.scrypt")
        user.password_hash = accounts.hash_password("kopi-tubruk-pagi-77")
        db.session.flush()
        for name, n in (("pengguna.scrypt", 10), ("pengguna.tidak.ada", 50)):
            checked.clear()
            for i in range(3):
                try:
                    accounts.authenticate(name, "tebakan-salah", f"192.0.2.{n + i}")
                except accounts.LoginError:
                    pass
            assert checked == ["scrypt"] * 3, (name, checked)
    finally:
        app.config["PASSWORD_HASH_METHOD"] = TestConfig.PASSWORD_HASH_METHOD


def test_the_block_grows_and_is_audited(app, client, make):
    u = make.user("viewer")
    limit = app.config["LOGIN_ACCOUNT_FAILURES"]
    base = app.config["LOGIN_BLOCK_SECONDS"]
    for _ in range(limit):
        resp = _login(client, u.username, "tebakan-salah")
    assert resp.headers["Retry-After"] == str(base)
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == u.username))
    assert row.failures == limit and row.address == A["REMOTE_ADDR"]
    row.blocked_until = None  # as if the block had run out
    db.session.commit()
    resp = _login(client, u.username, "tebakan-salah")
    assert resp.headers["Retry-After"] == str(2 * base)
    locks = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "lock", AuditLog.entity == "user", AuditLog.entity_id == u.id)).all()
    assert len(locks) == 2 and all(e.ip == A["REMOTE_ADDR"] for e in locks)


def test_admin_sees_and_lifts_blocks(app, client, make, login):
    u = make.user("viewer")
    for _ in range(app.config["LOGIN_ACCOUNT_FAILURES"]):
        _login(client, u.username, "tebakan-salah")
    login(make.user("admin"))
    page = client.get("/admin/pengguna").get_data(as_text=True)
    assert "Masuk ditahan dari 1 alamat" in page and "/admin/pembatasan-masuk" in page
    page = client.get("/admin/pembatasan-masuk").get_data(as_text=True)
    assert A["REMOTE_ADDR"] in page and u.username in page
    client.post(f"/admin/pengguna/{u.id}/buka-kunci")
    assert db.session.scalar(select(LoginThrottle).where(
        LoginThrottle.username == u.username)) is None
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "unlock", AuditLog.entity_id == u.id)) is not None
    # An address block is lifted from the throttle page.
    client.post("/logout")
    for i in range(app.config["LOGIN_ADDRESS_FAILURES"]):
        _login(client, f"tidak-ada-{i}", "tebakan-salah", env=B)
    assert _login(client, u.username, make.PASSWORD, env=B).status_code == 429
    login(db.session.scalar(select(User).where(User.role == "admin")))
    entry = db.session.scalar(select(LoginThrottle).where(
        LoginThrottle.kind == "login_address", LoginThrottle.address == B["REMOTE_ADDR"]))
    assert client.post(f"/admin/pembatasan-masuk/{entry.id}/hapus").status_code == 302
    client.post("/logout")
    assert _login(client, u.username, make.PASSWORD, env=B).status_code == 302


def test_throttle_pages_are_for_the_admin_only(client, make, login):
    login(make.user("secretariat"))
    assert client.get("/admin/pembatasan-masuk").status_code == 403


def test_client_address_comes_from_the_trusted_proxies_only(app, client, make):
    u = make.user("viewer")
    spoofed = {"X-Forwarded-For": "203.0.113.99"}
    # No trusted proxy (the default): the header is the client's own claim and is ignored.
    _login(client, u.username, "tebakan-salah", headers=spoofed)
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == u.username))
    assert row.address == A["REMOTE_ADDR"]
    proxied = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         TRUSTED_PROXIES=1)
    proxied.test_client_class = type(client)
    try:
        with proxied.test_client() as c:
            # One trusted hop: the address it appended is the client; earlier entries are not.
            c.post("/login", data={"username": u.username, "password": "tebakan-salah"},
                   headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}, environ_base=A)
        addresses = set(db.session.scalars(select(LoginThrottle.address).where(
            LoginThrottle.username == u.username)))
        assert addresses == {A["REMOTE_ADDR"], "203.0.113.7"}
    finally:
        with proxied.app_context():
            db.engine.dispose()

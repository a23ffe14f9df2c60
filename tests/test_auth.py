from datetime import datetime, timedelta

from werkzeug.security import check_password_hash

from models import AuditLog, LoginThrottle, User, db


def _post_login(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_password_is_hashed(make):
    u = make.user("viewer", password="kata-sandi-rahasia")
    assert "kata-sandi-rahasia" not in u.password_hash
    assert check_password_hash(u.password_hash, "kata-sandi-rahasia")


def test_login_and_logout(client, make):
    u = make.user("secretariat")
    resp = _post_login(client, u.username, make.PASSWORD)
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 405  # logout is a POST with a CSRF token
    resp = client.post("/logout")
    assert resp.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_says_so_without_counting_down(client, make):
    u = make.user("viewer")
    resp = _post_login(client, u.username, "salah")
    assert resp.status_code == 401
    page = resp.get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah" in page
    assert "Sisa percobaan" not in page  # a countdown would tell a prober the name exists


def test_unknown_user_gets_the_same_message(client):
    resp = _post_login(client, "tidak-ada", "apa-saja")
    assert resp.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in resp.get_data(as_text=True)


def test_repeated_failures_block_the_account_at_that_address(app, client, make):
    u = make.user("viewer")
    for _ in range(app.config["LOGIN_ACCOUNT_FAILURES"]):
        resp = _post_login(client, u.username, "salah")
    assert resp.status_code == 429
    assert "Coba lagi dalam 30 detik" in resp.get_data(as_text=True)
    assert resp.headers["Retry-After"] == "30"
    # Even the right password is refused from this address while blocked, saying why.
    resp = _post_login(client, u.username, make.PASSWORD)
    assert resp.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal" in resp.get_data(as_text=True)
    assert db.session.query(AuditLog).filter_by(action="lock", entity_id=u.id).count() == 1


def test_block_expires_and_grows_with_further_failures(app, client, make):
    u = make.user("viewer")
    start = datetime(2030, 1, 1, 10, 0)
    app.config["TAGAR_NOW"] = start.isoformat()
    try:
        for _ in range(app.config["LOGIN_ACCOUNT_FAILURES"]):
            _post_login(client, u.username, "salah")
        app.config["TAGAR_NOW"] = (start + timedelta(seconds=31)).isoformat()
        resp = _post_login(client, u.username, "salah lagi")  # one more: twice as long
        assert resp.headers["Retry-After"] == "60"
        app.config["TAGAR_NOW"] = (start + timedelta(seconds=92)).isoformat()
        assert _post_login(client, u.username, make.PASSWORD).status_code == 302
        # A successful login forgets the pair's streak.
        assert db.session.query(LoginThrottle).filter_by(username=u.username).count() == 0
    finally:
        app.config["TAGAR_NOW"] = None


def test_inactive_user_cannot_log_in(client, make):
    u = make.user("viewer")
    u.active = False
    db.session.commit()
    resp = _post_login(client, u.username, make.PASSWORD)
    assert resp.status_code == 401
    assert "dinonaktifkan" in resp.get_data(as_text=True)


def test_login_redirect_stays_on_this_site(client, make):
    u = make.user("viewer")
    resp = client.post("/login?next=//evil.example/x",
                       data={"username": u.username, "password": make.PASSWORD})
    assert resp.headers["Location"] == "/"
    client.post("/logout")
    resp = client.post("/login?next=/admin/pengguna",
                       data={"username": u.username, "password": make.PASSWORD})
    assert resp.headers["Location"] == "/admin/pengguna"


def test_change_password(client, make, login):
    u = login(make.user("viewer"))
    resp = client.post("/akun/kata-sandi", data={
        "current": make.PASSWORD, "password": "sandi-baru-123", "confirm": "sandi-baru-123"})
    assert resp.status_code == 302
    assert check_password_hash(db.session.get(User, u.id).password_hash, "sandi-baru-123")
    assert client.get("/").status_code == 200  # the session that changed it stays open


def test_csrf_is_enforced_when_enabled(app, make):
    """The test config turns CSRF off for convenience; the real config has it on."""
    u = make.user("viewer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_client() as c:
            resp = c.post("/login", data={"username": u.username, "password": make.PASSWORD})
            assert resp.status_code == 400
            assert "Formulir kedaluwarsa" in resp.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

"""Server-side session revocation (issue 11, item 3): logout, a password change (own or by the
admin) and deactivation end every session of the user, the remember-me cookie included; a
password change keeps the session that made it and can revoke the user's API tokens."""
import pytest
from flask_login.utils import encode_cookie

from app.accounts.api_tokens import create_token
from models import ApiToken, User, db


@pytest.fixture
def device(app):
    """A browser of its own (cookies apart); the shared test client starts each request afresh."""
    return lambda: app.test_client()


def _session_cookie(client):
    return client.get_cookie("session").value


def _login(client, user, password):
    resp = client.post("/login", data={"username": user.username, "password": password})
    assert resp.status_code == 302
    return _session_cookie(client)


def test_a_cookie_copied_before_logout_is_refused_afterwards(device, make):
    client = device()
    u = make.user("secretariat")
    stolen = _login(client, u, make.PASSWORD)
    assert client.get("/").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_logout_ends_the_users_sessions_on_other_devices(device, make):
    u = make.user("viewer")
    phone, laptop = device(), device()
    _login(phone, u, make.PASSWORD)
    _login(laptop, u, make.PASSWORD)
    laptop.post("/logout")
    assert phone.get("/").status_code == 302


def test_the_remember_me_cookie_is_no_bypass(app, device, make):
    client = device()
    u = make.user("viewer")
    with app.test_request_context():
        remember = encode_cookie(u.get_id())
    client.set_cookie("remember_token", remember)
    assert client.get("/").status_code == 200  # a valid remember cookie does log in ...
    client.post("/logout")
    other = device()
    other.set_cookie("remember_token", remember)
    assert other.get("/").status_code == 302  # ... but not once the epoch has moved on
    # A cookie naming the bare id (the format before the epoch) opens nothing either.
    with app.test_request_context():
        bare = encode_cookie(str(u.id))
    other.set_cookie("remember_token", bare)
    assert other.get("/").status_code == 302


def test_password_change_ends_other_sessions_keeps_this_one(device, make):
    u = make.user("viewer")
    this, other = device(), device()
    _login(this, u, make.PASSWORD)
    _login(other, u, make.PASSWORD)
    _, secret = create_token(u, "integrasi")
    resp = this.post("/akun/kata-sandi", data={
        "current": make.PASSWORD, "password": "sandi-baru-yang-kuat", "confirm":
        "sandi-baru-yang-kuat"})
    assert resp.status_code == 302
    assert this.get("/").status_code == 200
    assert other.get("/").status_code == 302
    # Not asked to: the API token keeps working.
    assert this.get("/api/v1/reference/opds",
                    headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_password_change_revokes_api_tokens_when_asked(device, make):
    client = device()
    u = make.user("viewer")
    _login(client, u, make.PASSWORD)
    _, secret = create_token(u, "integrasi")
    page = client.get("/akun/kata-sandi").get_data(as_text=True)
    assert 'name="revoke_tokens"' in page
    client.post("/akun/kata-sandi", data={
        "current": make.PASSWORD, "password": "sandi-baru-yang-kuat",
        "confirm": "sandi-baru-yang-kuat", "revoke_tokens": "y"})
    assert client.get("/api/v1/reference/opds",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert all(t.revoked_at for t in db.session.query(ApiToken).filter_by(user_id=u.id))


def test_admin_password_reset_and_deactivation_end_sessions(device, make):
    u = make.user("viewer")
    victim, client = device(), device()
    _login(victim, u, make.PASSWORD)
    _login(client, make.user("admin"), make.PASSWORD)
    form = {"username": u.username, "full_name": u.full_name, "role": "viewer", "opd_id": 0,
            "active": "y"}
    client.post(f"/admin/pengguna/{u.id}", data={**form, "password": "sandi-reset-admin"})
    assert victim.get("/").status_code == 302
    _login(victim, u, "sandi-reset-admin")
    stolen = _session_cookie(victim)
    client.post(f"/admin/pengguna/{u.id}",
                data={k: v for k, v in form.items() if k != "active"} | {"confirm": "1"})
    assert db.session.get(User, u.id).active is False
    client.post(f"/admin/pengguna/{u.id}", data=form)  # active again
    assert db.session.get(User, u.id).active is True
    victim.set_cookie("session", stolen)
    assert victim.get("/").status_code == 302  # reactivation does not revive old sessions

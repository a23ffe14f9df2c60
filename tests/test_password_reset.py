"""'Lupa kata sandi' end to end: the mail reaches a real SMTP server on loopback and the reset is
completed from the link found in that mail; the link works once, expires, and an unknown name
gets the same page as a known one."""
import re

from sqlalchemy import func, select

from models import LoginThrottle, MailOutbox, PasswordReset, User, db

from .mail_server import smtp_config_fixture, smtp_fixture  # noqa: F401 (fixtures)

NEW = "kopi-tubruk-pagi-77"
SAME_PAGE = "Jika nama pengguna atau alamat surel tersebut terdaftar"


def _user(make, email="pptk@contoh.go.id"):
    user = make.user("opd")
    user.email = email
    db.session.flush()
    return user


def _link(message) -> str:
    found = re.search(r"https?://[^/\s]+(/atur-ulang-kata-sandi#t=\S+)", message["body"])
    assert found, message["body"]
    return found.group(1)


def _open(client, link):
    """What the browser does with the mailed link: GET the page (the fragment stays in the
    browser), and its script posts the code; it moves into the session."""
    page = client.get(link.split("#", 1)[0])
    assert page.status_code == 200 and 'id="reset-code"' in page.get_data(as_text=True)
    return client.post("/atur-ulang-kata-sandi/kode", data={"code": link.split("#t=", 1)[1]})


def _use(client, link, password, confirm=None):
    """Open the mailed link (its code moves into the session), then send the form."""
    opened = _open(client, link)
    if opened.status_code != 303:
        return opened
    assert opened.headers["Location"].endswith("/atur-ulang-kata-sandi")  # no secret in it
    return client.post("/atur-ulang-kata-sandi",
                       data={"password": password, "confirm": confirm or password})


def test_reset_from_the_mailed_link_once(app, client, make, smtp):
    user = _user(make)
    other = app.test_client()
    assert other.post("/login", data={"username": user.username,
                                      "password": "rahasia-uji-123"}).status_code == 302
    resp = client.post("/lupa-kata-sandi", data={"identifier": user.email.upper()})
    assert resp.status_code == 200 and SAME_PAGE in resp.get_data(as_text=True)
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["to"] == [user.email] and "Atur ulang" in mail["subject"]
    link = _link(mail)
    secret = link.split("#t=", 1)[1]
    assert secret in mail["body"].split(link, 1)[1]  # also given as a code to paste
    assert db.session.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.token_hash == secret)) == 0  # only its hash is stored
    assert _open(client, link).status_code == 303
    assert 'name="password"' in client.get("/atur-ulang-kata-sandi").get_data(as_text=True)
    resp = client.post("/atur-ulang-kata-sandi", data={"password": NEW, "confirm": NEW})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/login")
    # the old session ended; the new password works, the old one does not
    assert other.get("/").status_code == 302
    assert client.post("/login", data={"username": user.username, "password": NEW}
                       ).status_code == 302
    client.post("/logout")
    # second use of the same link fails, and the password stays the one just set
    resp = _use(client, link, "teh-manis-sore-88")
    assert resp.status_code == 400 and "tidak berlaku" in resp.get_data(as_text=True)
    assert client.post("/atur-ulang-kata-sandi", data={
        "password": "teh-manis-sore-88", "confirm": "teh-manis-sore-88"}).status_code == 400
    assert client.post("/login", data={"username": user.username, "password": NEW}
                       ).status_code == 302
    assert db.session.scalar(select(MailOutbox.status).where(
        MailOutbox.user_id == user.id)) == "sent"


def test_expired_link_fails(app, client, make, smtp, clock):
    user = _user(make)
    clock("2026-11-30T03:00:00")
    client.post("/lupa-kata-sandi", data={"identifier": user.username})
    link = _link(smtp.messages[0])
    clock("2026-11-30T04:00:01")  # one hour and a second later
    resp = _use(client, link, NEW)
    assert resp.status_code == 400 and "kedaluwarsa" in resp.get_data(as_text=True)
    db.session.refresh(user)
    assert user.session_epoch == 0


def test_unknown_name_gets_the_same_page_and_no_mail(app, client, make, smtp):
    user = _user(make)
    known = client.post("/lupa-kata-sandi", data={"identifier": user.username})
    unknown = client.post("/lupa-kata-sandi", data={"identifier": "tidak-ada@contoh.go.id"})
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert known.status_code == unknown.status_code == 200
    assert strip.sub("", known.get_data(as_text=True)) == strip.sub(
        "", unknown.get_data(as_text=True))
    assert len(smtp.messages) == 1


def test_weak_password_keeps_the_link(app, client, make, smtp):
    user = _user(make)
    client.post("/lupa-kata-sandi", data={"identifier": user.username})
    link = _link(smtp.messages[0])
    resp = _use(client, link, "password123")
    assert resp.status_code == 400 and "terlalu umum" in resp.get_data(as_text=True)
    assert client.post("/atur-ulang-kata-sandi",
                       data={"password": NEW, "confirm": NEW}).status_code == 303


def test_requests_are_throttled_per_address(app, client, make, smtp):
    user = _user(make)
    app.config["PASSWORD_RESET_REQUESTS"] = 3
    try:
        codes = [client.post("/lupa-kata-sandi", data={"identifier": user.username}).status_code
                 for _ in range(4)]
    finally:
        app.config.pop("PASSWORD_RESET_REQUESTS")
    assert codes == [200, 200, 200, 429]
    assert len(smtp.messages) == 3
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.kind == "password_reset"))
    assert row.blocked_until is not None


def test_without_smtp_the_page_says_to_ask_the_admin(app, client, make):
    user = _user(make)
    assert not app.config.get("SMTP_HOST")
    resp = client.post("/lupa-kata-sandi", data={"identifier": user.username})
    assert "Hubungi administrator" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0


def test_login_page_links_to_it(client):
    assert "/lupa-kata-sandi" in client.get("/login").get_data(as_text=True)


def test_inactive_user_link_fails(app, client, make, smtp):
    user = _user(make)
    client.post("/lupa-kata-sandi", data={"identifier": user.username})
    link = _link(smtp.messages[0])
    db.session.get(User, user.id).active = False
    assert _use(client, link, NEW).status_code == 400


def test_a_session_opened_before_deactivation_cannot_finish(app, client, make, smtp):
    user = _user(make)
    client.post("/lupa-kata-sandi", data={"identifier": user.username})
    assert _open(client, _link(smtp.messages[0])).status_code == 303
    db.session.get(User, user.id).active = False
    resp = client.post("/atur-ulang-kata-sandi", data={"password": NEW, "confirm": NEW})
    assert resp.status_code == 400


def test_known_and_unknown_names_both_wait_for_the_floor(app, client, make, smtp):
    import time

    user = _user(make)
    app.config["PASSWORD_RESET_FLOOR_MS"] = 250
    try:
        took = []
        for ident in (user.username, "tidak-ada-sama-sekali"):
            started = time.perf_counter()
            assert client.post("/lupa-kata-sandi", data={"identifier": ident}).status_code == 200
            took.append(time.perf_counter() - started)
    finally:
        app.config["PASSWORD_RESET_FLOOR_MS"] = 100
    assert min(took) >= 0.25


def test_a_secret_in_the_query_string_is_ignored(app, client, make, smtp):
    user = _user(make)
    client.post("/lupa-kata-sandi", data={"identifier": user.username})
    secret = _link(smtp.messages[0]).split("#t=", 1)[1]
    page = client.get(f"/atur-ulang-kata-sandi?t={secret}")
    assert page.status_code == 200 and 'id="reset-code"' in page.get_data(as_text=True)
    resp = client.post("/atur-ulang-kata-sandi", data={"password": NEW, "confirm": NEW})
    assert resp.status_code == 400  # no code moved into the session from a URL


def test_the_code_page_loads_its_script_from_static_and_a_wrong_code_is_counted(
        app, client, make, smtp):
    page = client.get("/atur-ulang-kata-sandi").get_data(as_text=True)
    assert '<script src="/static/reset.js"' in page and "<script>" not in page
    before = db.session.scalar(select(func.count()).select_from(LoginThrottle))
    resp = client.post("/atur-ulang-kata-sandi/kode", data={"code": "x" * 43})
    assert resp.status_code == 400 and "tidak berlaku" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) >= max(before, 1)

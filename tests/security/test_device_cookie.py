"""Throttling that cannot lock out an office (issue 24): a browser that has logged in to an
account before carries a signed device cookie (OWASP's device cookie) and is judged by its own
counter, so a guesser behind the same address (one NAT for the whole OPD) cannot keep its owner
out; a guesser without one is still slowed; spraying names weighs more than retrying one's own.
"""
from sqlalchemy import select

from app.auth.device import COOKIE
from models import LoginThrottle, db

OFFICE = {"REMOTE_ADDR": "203.0.113.7"}
HOME = {"REMOTE_ADDR": "198.51.100.99"}


def _login(client, username, password, env=OFFICE):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base=env)


def _colleague_with_cookie(app, make):
    """A colleague who logged in from this browser yesterday, then logged out."""
    user = make.user("opd")
    browser = app.test_client()
    assert _login(browser, user.username, make.PASSWORD).status_code == 302
    assert browser.get_cookie(COOKIE) is not None
    browser.post("/logout", environ_base=OFFICE)
    return user, browser


def test_an_attacker_behind_the_office_address_cannot_stop_a_colleague_with_a_device_cookie(
        app, make):
    user, browser = _colleague_with_cookie(app, make)
    attacker = app.test_client()
    codes = [_login(attacker, name, "tebakan-salah").status_code
             for name in [user.username] * 8 + [f"pegawai{i}" for i in range(12)]]
    assert codes[-1] == 429  # the office address and the (account, address) pair are blocked
    # Deadline day: the colleague, at the same address, with the right password, gets in.
    resp = _login(browser, user.username, make.PASSWORD)
    assert resp.status_code == 302
    # A browser without the cookie (a new colleague's) is held by the address-wide block.
    newcomer = make.user("opd")
    assert _login(app.test_client(), newcomer.username, make.PASSWORD).status_code == 429


def test_an_attacker_without_a_device_cookie_is_still_slowed(app, make):
    user, _ = _colleague_with_cookie(app, make)
    attacker = app.test_client()
    limit = app.config["LOGIN_ACCOUNT_FAILURES"]
    codes = [_login(attacker, user.username, "tebakan-salah").status_code
             for _ in range(limit + 2)]
    assert codes[0] == 401 and codes[-1] == 429
    resp = _login(attacker, user.username, make.PASSWORD)  # even the right password now
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0


def test_a_cookie_of_another_account_or_a_forged_one_earns_nothing(app, make):
    user, browser = _colleague_with_cookie(app, make)
    target = make.user("opd")
    limit = app.config["LOGIN_ACCOUNT_FAILURES"]
    codes = [_login(browser, target.username, "tebakan-salah").status_code
             for _ in range(limit + 1)]
    assert codes[-1] == 429  # the cookie names `user`, not `target`: throttled as usual
    forged = app.test_client()
    forged.set_cookie(COOKIE, browser.get_cookie(COOKIE).value[:-3] + "abc")
    for _ in range(2 * app.config["LOGIN_ADDRESS_FAILURES"]):
        _login(app.test_client(), "penyerang", "tebakan-salah")
    assert _login(forged, user.username, make.PASSWORD).status_code == 429


def test_failures_with_a_device_cookie_count_on_that_device_only(app, make):
    user, browser = _colleague_with_cookie(app, make)
    limit = app.config["LOGIN_ACCOUNT_FAILURES"]
    codes = [_login(browser, user.username, "tebakan-salah").status_code
             for _ in range(limit + 1)]
    assert codes[-1] == 429  # the device is slowed ...
    rows = db.session.scalars(select(LoginThrottle)).all()
    assert {r.kind for r in rows} == {"login_device"}  # ... the office address is not
    other = make.user("opd")
    assert _login(app.test_client(), other.username, make.PASSWORD).status_code == 302


def test_spraying_names_blocks_the_address_sooner_than_retrying_ones_own(app, make):
    limit = app.config["LOGIN_ADDRESS_FAILURES"]
    typist = make.user("opd")
    for _ in range(app.config["LOGIN_ACCOUNT_FAILURES"] - 1):  # one's own typos
        assert _login(app.test_client(), typist.username, "salah-ketik").status_code == 401
    colleague = make.user("opd")
    assert _login(app.test_client(), colleague.username, make.PASSWORD).status_code == 302
    sprayer = app.test_client()
    codes = [_login(sprayer, f"nama{i}", "tebakan-salah", env=HOME).status_code
             for i in range(limit // 2 + 1)]  # distinct names count double
    assert codes[limit // 2 - 1] == 429 or codes[-1] == 429
    assert _login(app.test_client(), colleague.username, make.PASSWORD,
                  env=HOME).status_code == 429


def test_the_admin_page_marks_address_wide_blocks(app, client, make, login):
    for i in range(app.config["LOGIN_ADDRESS_FAILURES"]):
        _login(app.test_client(), f"tidak-ada-{i}", "tebakan-salah")
    login(make.user("admin"))
    page = client.get("/admin/pembatasan-masuk").get_data(as_text=True)
    row = page[page.index("Masuk: alamat"):]
    assert "Seluruh alamat" in row[:400] and OFFICE["REMOTE_ADDR"] in row[:600]

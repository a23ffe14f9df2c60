"""CSRF (issue 11): with CSRF protection on, as in production, every state-changing UI route,
enumerated from `app.url_map` (a new route is covered without editing this file), refuses a
request without a valid token with 400 and writes nothing, even for a logged-in user whose role
may use the route. The API is exempt from CSRF because only a bearer token authenticates it: a
session cookie alone never authenticates an API request, write or read.

The world, the role table and the rolled-back try come from the access matrix.
"""
import re

import pytest

from models import ApiToken, db

from .test_access_matrix import (
    ACCESS,
    ROLES,
    STATE_CHANGING,
    _cases,
    _clients,
    _fill,
    _try,
    _url,
    build_world,
)

PREFERRED = ("secretariat", "own", "admin", "viewer", "foreign", "anonymous", "desa")


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def csrf_on(app):
    """Turns on the production setting (the test config has it off) once the test's clients
    are logged in, until the end of the test."""
    previous = app.config["WTF_CSRF_ENABLED"]

    def enable():
        app.config["WTF_CSRF_ENABLED"] = True

    try:
        yield enable
    finally:
        app.config["WTF_CSRF_ENABLED"] = previous


def _ui_writes(app):
    for rule, method in _cases(app):
        if method in STATE_CHANGING and not rule.rule.startswith("/api/"):
            yield rule, method


def _role_for(access):
    """A role that may use the route: the refusal must come from the missing token alone.
    A public form (the login) is tried as the anonymous visitor it is meant for."""
    if "anonymous" in access.roles:
        return "anonymous"
    # A route no role of the matrix may use (issue 18: the province's pages on a kabupaten
    # instance): the CSRF check still comes first, whoever asks.
    return next((r for r in PREFERRED if r in access.roles), "secretariat")


def test_every_state_changing_ui_route_demands_a_valid_token(app, world, csrf_on, capsys):
    users, ids = world
    clients, _ = _clients(app, users)
    csrf_on()
    tried = 0
    failures = []
    for rule, method in _ui_writes(app):
        access = ACCESS[(rule.endpoint, method)]
        role = _role_for(access)
        url = _url(rule, access, ids)
        base = _fill(access.data, ids) or {}
        for label, body in (("no token", dict(base)),
                            ("forged token", {**base, "csrf_token": "IjEyMzQi.forged.token"})):
            status, _, before, after = _try(clients[role], method, url, api=False,
                                            body=body, token=None, check_unchanged=True)
            tried += 1
            where = f"{method} {url} ({rule.endpoint}) as {role}, {label}: {status}"
            if status != 400:
                failures.append("not refused with 400: " + where)
            if before != after:
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                failures.append(f"wrote {changed}: " + where)
    with capsys.disabled():
        print(f"\nCSRF: {tried} tries on {tried // 2} state-changing UI routes, "
              f"{len(failures)} failures")
    assert tried >= 2 * 30
    assert not failures, "\n".join(failures)


def _csrf_token(client, path):
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def test_a_valid_token_is_accepted(app, world, csrf_on):
    """The control: the same kind of request with the page's own token goes through, so the
    400s above come from the token check and not from a broken request."""
    users, _ = world
    clients, _ = _clients(app, users)
    csrf_on()
    client = clients["own"]
    token = _csrf_token(client, "/akun/token")
    before = db.session.query(ApiToken).count()
    resp = client.post("/akun/token", data={"name": "dengan token", "csrf_token": token})
    assert resp.status_code == 200
    assert db.session.query(ApiToken).count() == before + 1
    # A token from another user's session is refused like a forged one.
    other = _csrf_token(clients["secretariat"], "/akun/token")
    resp = client.post("/akun/token", data={"name": "token curian", "csrf_token": other})
    assert resp.status_code == 400
    assert db.session.query(ApiToken).count() == before + 1


def test_a_session_cookie_alone_never_authenticates_the_api(app, world, csrf_on):
    """Every API route that needs a login, as a logged-in UI user of each role with no bearer
    token: 401 and nothing written. With a token, CSRF does not apply (no 400)."""
    users, ids = world
    clients, tokens = _clients(app, users)
    csrf_on()
    tried = 0
    for rule, method in _cases(app):
        access = ACCESS[(rule.endpoint, method)]
        if not rule.rule.startswith("/api/") or "anonymous" in access.roles:
            continue
        url = _url(rule, access, ids)
        body = _fill(access.data, ids) or None
        for role in ROLES[1:]:
            status, _, before, after = _try(clients[role], method, url, api=True, body=body,
                                            token=None, check_unchanged=True)
            tried += 1
            assert status == 401, (method, url, role, status)
            assert before == after, (method, url, role)
        if method in STATE_CHANGING and access.roles:  # issue 18: the bundle inbox takes
            role = _role_for(access)                   # no user token at all
            status, *_ = _try(clients["anonymous"], method, url, api=True, body=body,
                              token=tokens[role], check_unchanged=False)
            assert status not in (400, 401, 403), (method, url, role, status)
    assert tried >= 5 * 25

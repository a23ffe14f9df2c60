"""The device cookie (OWASP, "Slow down online guessing attacks with device cookies"): after a
successful login the browser gets a signed cookie naming the account and a random device id.
At the next login for that very account the cookie marks the browser as known: it is judged by
its own failure counter only, so failures of anyone else behind the same address (an office
behind one NAT, or every user behind a misconfigured proxy) cannot keep its owner out on
deadline day. A browser without one is throttled per account and address as before.

The cookie is signed with SECRET_KEY (itsdangerous, a salt of its own), HttpOnly, SameSite=Lax,
Secure like the session cookie, valid DEVICE_COOKIE_DAYS; it holds the last few accounts used
in this browser. A new device id is issued at every successful login.
"""
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "tagar_device"
SALT = "tagar-device-cookie"
KEEP = 5  # accounts remembered per browser (a shared office computer)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _days() -> int:
    return int(current_app.config.get("DEVICE_COOKIE_DAYS", 180))


def _entries() -> dict[str, str]:
    raw = request.cookies.get(COOKIE, "")
    if not raw or len(raw) > 2000:
        return {}
    try:
        data = _serializer().loads(raw, max_age=_days() * 86400)
    except BadSignature:  # forged, altered, expired (SignatureExpired is a BadSignature)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def device_for(username: str | None) -> str | None:
    """The device id this browser holds for `username` (as typed), or None."""
    name = (username or "").strip().lower()
    return _entries().get(name) if name else None


def remember(response, username: str) -> None:
    """After a successful login: a fresh device id for `username` in this browser's cookie."""
    entries = {k: v for k, v in _entries().items() if k != username}
    entries[username] = secrets.token_urlsafe(12)
    entries = dict(list(entries.items())[-KEEP:])
    response.set_cookie(COOKIE, _serializer().dumps(entries), max_age=_days() * 86400,
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))

"""Security headers on every response, set in one `after_request`.

Tagar serves its own scripts and styles from /static and draws charts as inline SVG, so the
Content-Security-Policy can forbid every inline script and style attribute: an injected
`<script>` or `onerror=` that escaped the template's escaping still cannot run. Frames are
refused twice (`frame-ancestors 'none'` and the older `X-Frame-Options`), so a hostile page
cannot overlay the verify/return forms (clickjacking). Pages shown to a signed-in user and every
API answer carry `Cache-Control: no-store`: a shared office computer's back button or a proxy
cache must not replay another OPD's figures after logout. Static files keep their normal caching.

A view that needs a different value for one of these headers sets it itself; this hook only
fills in what is missing (except Cache-Control, which it tightens for signed-in pages).
"""
from flask import Flask, g, request, session
from flask_login import current_user

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Features Tagar never uses are switched off for the page and anything it could embed.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=()"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _private(response) -> bool:
    """True for what must never be stored by a browser or proxy cache."""
    if request.endpoint == "static":
        return False
    if request.path.startswith("/api/"):
        return True
    # The user the request already loaded, else the login session's mark: no database query
    # here, so a response built after a database error still gets its headers.
    if "_login_user" in g:
        return bool(current_user.is_authenticated)
    return "_user_id" in session


def set_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)

"""A database that cannot be reached is answered 503, never 500.

During a restart or fail-over of PostgreSQL (or a connection the server dropped) a request fails
with a connection error. That is not a bug in the request, and the person must know the one
thing that matters: nothing was saved, try again. So:

- the UI answers a short page, 503, that says so, with a "Kirim ulang" button carrying what was
  typed (the posted fields, not files and never a password) back to the same address, and a
  "Kembali" button that goes back in the browser's history (static/outage.js; no inline script);
- the API answers its JSON error shape, 503, with `Retry-After`;
- the session is rolled back, so no half-done write stays in it; `pool_pre_ping`
  (config.SQLALCHEMY_ENGINE_OPTIONS) makes the first request after recovery get a live connection.

What counts as "unreachable": app/core/outages.py, also used by the job queue to retry.
"""
import logging

from flask import Flask, jsonify, make_response, render_template, request

from .core.outages import CONNECTION_ERRORS, is_connection_error  # noqa: F401 (re-export)
from .extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds: a restart takes a second or two; a fail-over a few more
MESSAGE = "Layanan sedang tidak dapat menyimpan; perubahan Anda belum tersimpan. Coba lagi."
# Fields never echoed back into a page (the person types them again).
SECRET_FIELDS = ("password", "kata_sandi", "token", "csrf_token")
MAX_FIELDS = 5000


def _kept_fields() -> list[tuple[str, str]]:
    if request.method != "POST" or request.path.startswith("/api/"):
        return []
    try:
        items = list(request.form.items(multi=True))[:MAX_FIELDS]
    except Exception:  # a body that cannot be parsed again: nothing to keep
        return []
    return [(name, value) for name, value in items
            if not any(secret in name.lower() for secret in SECRET_FIELDS)]


def unavailable(error: Exception):
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing of this request was committed
        pass
    # The type only: a database error's text carries the statement and its parameters.
    log.warning("database unavailable (%s) on %s %s", type(error).__name__, request.method,
                request.path)
    if request.path.startswith("/api/"):
        response = jsonify(code=503, status="Service Unavailable", message=MESSAGE)
        response.status_code = 503
    else:
        # A page of its own, not base.html: the navigation asks the database for the user.
        from flask_wtf.csrf import generate_csrf

        try:
            token = generate_csrf()
        except Exception:
            token = ""
        html = render_template("errors/unavailable.html", message=MESSAGE,
                               fields=_kept_fields(), action=request.path,
                               csrf_token=token, resend=request.method == "POST")
        response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def _release_session(exc=None) -> None:
    """Before Flask-SQLAlchemy's own teardown (teardowns run last-registered first): end the
    session without letting a dead connection's failed rollback escape the request, which
    the server would answer with a bare 500. An invalidated connection is discarded by the
    pool, and pre-ping replaces it on the next checkout."""
    try:
        db.session.remove()
    except Exception as error:
        if not is_connection_error(error):
            raise
        try:
            db.session.invalidate()
        except Exception:
            pass
        db.session.registry.clear()


def init_app(app: Flask) -> None:
    """After register_error_pages: a connection error raised where Flask no longer looks for a
    handler of its own type (an after_request function) arrives as a 500 whose
    original_exception is the connection error; that one is answered 503 too."""
    from werkzeug.exceptions import HTTPException, InternalServerError

    for error in CONNECTION_ERRORS:
        app.register_error_handler(error, unavailable)
    generic = app.error_handler_spec[None][None].get(HTTPException)

    def server_error(error: InternalServerError):
        if is_connection_error(getattr(error, "original_exception", None)):
            return unavailable(error.original_exception)
        return generic(error) if generic else error

    app.register_error_handler(InternalServerError, server_error)
    app.teardown_appcontext(_release_session)

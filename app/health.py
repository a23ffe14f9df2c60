"""Liveness and readiness probes for the reverse proxy and monitoring.

`/healthz` answers 200 while the process can serve a request at all; `/readyz` also asks the
database for `SELECT 1` and answers 503 when it cannot, so a load balancer stops sending users to
a worker whose database is gone. Neither needs a login, neither reveals anything (no version, no
error text, no counts: a probe is reachable from outside), and neither sets a session cookie.
"""
import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _answer(status: str, code: int):
    response = jsonify(status=status)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _answer("ok", 200)


@bp.get("/readyz")
def readyz():
    # A connection of its own from the pool, not the request's session: the probe must not
    # open or spoil a transaction that anything else in this request could see.
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        log.warning("readyz: database unreachable", exc_info=True)
        return _answer("unavailable", 503)
    return _answer("ok", 200)


def init_app(app) -> None:
    app.register_blueprint(bp)

"""One structured log line per request: what was asked, how it ended, how long it took, and by
which user id, so slow pages and error bursts can be found in the logs of every node.

The line is JSON on the `tagar.request` logger, for example
    {"event": "request", "method": "GET", "path": "/dasbor/", "endpoint": "dashboard.index",
     "status": 200, "ms": 41.7, "bytes": 18231, "user": 12}
No personal data: the path without its query string (which may carry typed search text), the
user's numeric id only, and no client address (the proxy's access log has it, under its own
retention). TAGAR_REQUEST_LOG=0 turns it off. Outside tests, lines go to stderr (gunicorn and
systemd collect them) unless the logger was configured otherwise.
"""
import json
import logging
import sys
import time

from flask import Flask, g, request

log = logging.getLogger("tagar.request")


def init_app(app: Flask) -> None:
    if not app.config.get("REQUEST_LOG", True):
        return
    if not app.testing and not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start_clock():
        g._request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("_request_started")
        # Flask-Login caches the user in g once something asked for it; reading it here costs
        # no query (a static file never loads the user, and is logged without one).
        user = g.get("_login_user")
        log.info(json.dumps({
            "event": "request", "method": request.method, "path": request.path[:300],
            "endpoint": request.endpoint, "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "bytes": response.calculate_content_length(),
            "user": _user_id(user),
        }, separators=(", ", ": ")))
        return response


def _user_id(user) -> int | None:
    """The user's id from its identity key: no query even when the object has expired (a
    commit expires it; reloading it after the database dropped the connection would fail)."""
    from sqlalchemy import inspect

    state = inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


"""E-mail: SMTP settings from the environment (settings.py), an outbox filled inside the
request's transaction (outbox.py), sent by the `mail.send` job after the commit (jobs.py), the
administrator's outbox page (views.py) and `flask mail send` for cron (cli.py)."""
from flask import Blueprint, Flask, current_app

bp = Blueprint("mail", __name__)


def init_app(app: Flask) -> None:
    from . import cli, settings, views  # noqa: F401  (views registers its routes on bp)

    settings.load(app)
    app.register_blueprint(bp, url_prefix="/admin/surel")
    from .prefs import prefs_bp

    app.register_blueprint(prefs_bp)
    app.after_request(_send_after_commit)
    cli.register_cli(app)


def send_pending() -> None:
    """Enqueue the mails this request (or command) queued. Call it after the commit: the job
    reads them from the database. A queue that cannot be reached leaves them queued for
    `flask mail send`."""
    from ..jobs import enqueue
    from .outbox import pending_ids

    ids = pending_ids()
    if not ids:
        return
    try:
        enqueue("mail.send", ids)
    except Exception:
        current_app.logger.exception("enqueue of mails %s failed", ids)


def _send_after_commit(response):
    # The view has committed (or rolled back, and the job finds nothing to send).
    send_pending()
    return response

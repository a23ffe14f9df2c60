"""Reading the record of who changed what: the administrator's audit-log viewer (with XLSX),
a tag's realization history (for whoever may read the tag), and the login history shown on the
admin user page."""
from flask import Blueprint, Flask

bp = Blueprint("audit", __name__)
history_bp = Blueprint("history", __name__)


def init_app(app: Flask) -> None:
    from app.accounts.login_history import REASON_LABELS, for_user

    from . import history_views, views  # noqa: F401 (routes)

    app.register_blueprint(bp, url_prefix="/admin/audit")
    app.register_blueprint(history_bp, url_prefix="/riwayat")
    app.add_template_global(for_user, "login_history_of")
    app.add_template_global(REASON_LABELS, "login_reason_labels")

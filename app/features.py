"""Feature blueprints and commands beyond the foundation. Each feature owns its own lines."""
from flask import Flask


def register(app: Flask) -> None:
    from .budget import bp as budget_bp
    from .dashboard import bp as dashboard_bp
    from .help import bp as help_bp
    from .lokus import bp as lokus_bp
    from .notifications import bp as notifications_bp
    from .realization import bp as realization_bp
    from .reports import bp as reports_bp
    from .review import bp as review_bp

    app.register_blueprint(budget_bp, url_prefix="/sub-kegiatan")
    app.register_blueprint(realization_bp, url_prefix="/realisasi")
    app.register_blueprint(review_bp, url_prefix="/verifikasi")
    app.register_blueprint(dashboard_bp, url_prefix="/dasbor")
    app.register_blueprint(lokus_bp, url_prefix="/lokus")
    app.register_blueprint(reports_bp, url_prefix="/laporan")
    app.register_blueprint(help_bp, url_prefix="/bantuan")
    app.register_blueprint(notifications_bp, url_prefix="/notifikasi")


def register_cli(app: Flask) -> None:
    """Each feature with commands exposes register_cli(app) in its own cli module."""
    from .api.cli import register_cli as api_cli
    from .budget.cli import register_cli as budget_cli
    from .notifications.cli import register_cli as notifications_cli
    from .reports.cli import register_cli as reports_cli

    for register_feature_cli in (budget_cli, reports_cli, api_cli, notifications_cli):
        register_feature_cli(app)

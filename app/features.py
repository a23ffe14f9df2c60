"""Feature blueprints and commands beyond the foundation. Each feature owns its own lines."""
from importlib import import_module

from flask import Flask

# Each blueprint package only defines its `bp`; its route modules are imported here rather than
# by the package, so that importing a capability's services never drags in its views (the
# import-linter contracts in .importlinter forbid that direction).
ROUTE_MODULES = (
    "admin.views",
    "auth.tokens",
    "auth.views",
    "budget.views",
    "budget.imports",
    "budget.tag_views",
    "budget_stages.views",
    "convergence.views",
    "coverage.views",
    "dashboard.views",
    "federation.api",
    "federation.views",
    "federation.upload_views",
    "help.views",
    "lokus.views",
    "main.views",
    "maps.views",
    "notifications.views",
    "public.views",  # issue 29: the portal (its 404 guard first), then data and API
    "public.data_views",
    "public.api",
    "public.admin_views",
    "realization.evidence_views",
    "realization.views",
    "recovery.views",
    "reports.builds",
    "reports.views",
    "review.evidence_views",
    "review.views",
    "screening.views",  # issue 26
    "setup.guard",
    "setup.views",
    "verval.views",  # issue 28
)


def import_routes() -> None:
    for name in ROUTE_MODULES:
        import_module(f"app.{name}")


def register(app: Flask) -> None:
    from .budget import bp as budget_bp
    from .convergence import bp as convergence_bp
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
    app.register_blueprint(convergence_bp, url_prefix="/konvergensi")
    app.register_blueprint(reports_bp, url_prefix="/laporan")
    app.register_blueprint(help_bp, url_prefix="/bantuan")
    app.register_blueprint(notifications_bp, url_prefix="/notifikasi")
    from .federation import bp as federation_bp

    app.register_blueprint(federation_bp)  # issue 18: /federasi (kabupaten), /provinsi (province)
    from .setup import bp as setup_bp

    app.register_blueprint(setup_bp, url_prefix="/admin/penyiapan")  # issue 15: set-up, rollover
    from .mail import init_app as init_mail

    init_mail(app)  # issue 15: outbox, SMTP, `flask mail`
    from .recovery import bp as recovery_bp

    app.register_blueprint(recovery_bp)  # issue 15: "Lupa kata sandi"
    from .audit import init_app as init_audit

    init_audit(app)  # issue 15: audit viewer, realization and login history
    from .budget_stages import bp as budget_stages_bp

    app.register_blueprint(budget_stages_bp, url_prefix="/perubahan-apbd")  # issue 15
    from .coverage import bp as coverage_bp

    app.register_blueprint(coverage_bp, url_prefix="/cakupan")  # issue 16: household coverage
    from .public import bp as public_bp

    app.register_blueprint(public_bp, url_prefix="/terbuka")  # issue 29: public portal
    from .screening import bp as screening_bp

    app.register_blueprint(screening_bp, url_prefix="/penyaringan")  # issue 26: screening
    from .maps import bp as maps_bp
    from .maps.web import init_app as init_maps

    app.register_blueprint(maps_bp, url_prefix="/admin/peta")  # issue 27: boundary import
    init_maps(app)  # issue 27: the maps' template globals

    from .verval import bp as verval_bp

    app.register_blueprint(verval_bp, url_prefix="/verval")  # issue 28: verval by the desa


def register_cli(app: Flask) -> None:
    """Each feature with commands exposes register_cli(app) in its own cli module."""
    from .api.cli import register_cli as api_cli
    from .budget.cli import register_cli as budget_cli
    from .notifications.cli import register_cli as notifications_cli
    from .reports.cli import register_cli as reports_cli

    for register_feature_cli in (budget_cli, reports_cli, api_cli, notifications_cli):
        register_feature_cli(app)
    from .federation.cli import register_cli as federation_cli

    federation_cli(app)  # issue 18: `flask federation keygen|export|push|register`
    from .setup.cli import register_cli as setup_cli

    setup_cli(app)  # issue 15: `flask setup ...`, `flask year rollover`
    from .coverage.cli import register_cli as coverage_cli

    coverage_cli(app)  # issue 16: `flask coverage keygen|import-bnba|prefixes`
    from .realization.cli import register_cli as evidence_cli

    evidence_cli(app)  # issue 14: `flask evidence prune`
    from .public.cli import register_cli as public_cli

    public_cli(app)  # issue 29: `flask public on|off|status`
    from .screening.cli import register_cli as screening_cli

    screening_cli(app)  # issue 26: `flask suggest ...`
    from .maps.cli import register_cli as maps_cli

    maps_cli(app)  # issue 27: `flask areas import-boundaries`

    from .verval.cli import register_cli as verval_cli

    verval_cli(app)  # issue 28: `flask verval print-list`

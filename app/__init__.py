"""The application factory."""
import re

from flask import Flask, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import Config

from .extensions import csrf, db, login_manager, migrate


def create_app(config_object=Config, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_object)
    app.config.update(overrides)
    if app.config.get("TRUSTED_PROXIES"):
        # The client address (throttling, audit) and scheme come from X-Forwarded-For/-Proto,
        # trusting exactly this many proxies; never more, or a client could forge its address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    register_extensions(app)
    from app.core import input_guards

    input_guards.init_app(app)  # before the blueprints: it bounds the `int` route converter
    register_blueprints(app)
    from .verval.guard import init_app as init_desa_guard

    init_desa_guard(app)  # issue 28: after the API token hook; a desa operator sees verval only
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    from . import health, http_headers, outage, request_log

    health.init_app(app)
    outage.init_app(app)  # issue 24: a database outage is a 503, never a 500
    http_headers.init_app(app)
    request_log.init_app(app)  # one line per request: duration, status, user id
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    from app import jobs
    from app.core import cache

    jobs.init_app(app)  # background jobs (Huey)
    cache.init_app(app)  # computed figures keyed by the data version

    # The user and the bell's unread count in one statement (services/notifications.py).
    from app.cycle.notifications import load_user as load_with_bell

    @login_manager.user_loader
    def load_user(session_id: str):
        # "<id>:<session epoch>" (User.get_id): a session opened before the last logout,
        # password change or deactivation carries an old epoch and is refused.
        user_id, _, epoch = str(session_id).partition(":")
        if not (_ID.fullmatch(user_id) and _ID.fullmatch(epoch)):
            return None
        user = load_with_bell(int(user_id))
        if user is None or not user.active or user.session_epoch != int(epoch):
            return None
        return user


_ID = re.compile(r"[0-9]{1,9}")


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys and let SQLAlchemy own transactions (savepoints work).

    A file database also gets WAL (readers never block the writer: a job's commit and a page's
    read go on together) and a busy timeout (a second writer waits for the lock instead of
    failing at once with "database is locked")."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # "" for :memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


SQLITE_BUSY_TIMEOUT_MS = 15_000


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def register_blueprints(app: Flask) -> None:
    from .features import import_routes

    import_routes()
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    from .api import init_api
    from .features import register as register_features

    register_features(app)
    init_api(app)


def register_template_helpers(app: Flask) -> None:
    from . import templating

    templating.init_app(app)


def register_error_pages(app: Flask) -> None:
    """HTML pages in Indonesian for the UI; the API's JSON error shape under /api/."""
    messages = {
        400: ("Permintaan tidak valid",
              "Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
        401: ("Belum masuk", "Silakan masuk terlebih dahulu."),
        403: ("Akses ditolak", "Anda tidak berwenang membuka atau mengubah data ini."),
        404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
        405: ("Metode tidak diizinkan", "Permintaan ini tidak diizinkan untuk alamat tersebut."),
        409: ("Konflik data", "Data telah berubah atau sedang terkunci; muat ulang halaman."),
        413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas yang diizinkan."),
        429: ("Terlalu banyak permintaan", "Terlalu banyak percobaan. Tunggu beberapa menit."),
        500: ("Terjadi kesalahan",
              "Terjadi kesalahan pada sistem. Silakan coba lagi atau hubungi administrator."),
    }

    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    def handler(error: HTTPException):
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        if request.path.startswith("/api/"):
            from .api import api

            return api.handle_http_exception(error)
        if isinstance(error, CSRFError):
            title = "Formulir kedaluwarsa"
            text = "Sesi formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi."
        else:
            title, text = messages.get(code, (error.name, error.description or ""))
            # An input guard's own Indonesian reason (app/core/input_guards.py) is more helpful.
            text = (getattr(error, "data", None) or {}).get("message") or text
        # A 405 keeps its `Allow` header (RFC 9110), here as in the API's answer.
        return (render_template("errors/error.html", code=code, title=title, text=text), code,
                [h for h in error.get_headers() if h[0] == "Allow"])

    # One handler for every HTTP error; it replaces flask-smorest's, which it calls for the API.
    app.register_error_handler(HTTPException, handler)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)

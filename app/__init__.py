"""The application factory."""
from flask import Flask, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import Config

from .extensions import csrf, db, login_manager, migrate


def create_app(config_object=Config, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_object)
    app.config.update(overrides)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys and let SQLAlchemy own transactions (savepoints work)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def register_blueprints(app: Flask) -> None:
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
        return render_template("errors/error.html", code=code, title=title, text=text), code

    # One handler for every HTTP error; it replaces flask-smorest's, which it calls for the API.
    app.register_error_handler(HTTPException, handler)


def register_cli(app: Flask) -> None:
    from .cli import register

    register(app)

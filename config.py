"""Settings read from the environment.

Every value has a working default so that `make run` needs nothing else; production sets
DATABASE_URL and SECRET_KEY (or lets the key be generated once into instance/).
"""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TAGAR_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'tagar.db'}"
    # Heroku-style URLs name the old driver; psycopg 3 is what is installed.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = _secret_key()
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a finance officer may keep a form open all day
    MAX_CONTENT_LENGTH = _int("TAGAR_MAX_UPLOAD_MB", 10) * 1024 * 1024

    # Defaults for the pemda settings row; the admin edits them in the app afterwards.
    PEMDA_NAME = os.environ.get("TAGAR_PEMDA_NAME", "Pemerintah Kabupaten Lembah Harapan")
    PEMDA_REGION = os.environ.get("TAGAR_PEMDA_REGION", "Kabupaten Lembah Harapan")
    PEMDA_ADDRESS = os.environ.get("TAGAR_PEMDA_ADDRESS", "Jl. Pemuda No. 1")
    PEMDA_CITY = os.environ.get("TAGAR_PEMDA_CITY", "Harapan Jaya")
    PEMDA_PHONE = os.environ.get("TAGAR_PEMDA_PHONE", "")
    PEMDA_EMAIL = os.environ.get("TAGAR_PEMDA_EMAIL", "")
    PEMDA_WEBSITE = os.environ.get("TAGAR_PEMDA_WEBSITE", "")
    REPORT_DEADLINE_DAYS = _int("TAGAR_REPORT_DEADLINE_DAYS", 15)

    LOGIN_MAX_FAILURES = _int("TAGAR_LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = _int("TAGAR_LOGIN_LOCK_MINUTES", 15)
    PASSWORD_HASH_METHOD = "scrypt"
    # A fixed "now" (ISO datetime, UTC) for demos and tests of deadlines; unset in production.
    TAGAR_NOW = os.environ.get("TAGAR_NOW") or None


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    # Hashing cost matters for a suite that creates hundreds of users; strength does not.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None

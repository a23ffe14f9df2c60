"""Settings read from the environment.

Every value has a working default so that `make run` needs nothing else; production sets
DATABASE_URL and SECRET_KEY (or lets the key be generated once into instance/).
"""
import os
import secrets
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def from_root(path: str | Path) -> Path:
    """The one rule for relative paths in the settings (TAGAR_INSTANCE_DIR, the file of a
    sqlite:/// DATABASE_URL): they are relative to the project root (this file's directory),
    whatever the working directory, so `instance/provinsi` means <project>/instance/provinsi."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else BASE_DIR / p


def resolve_database_url(url: str) -> str:
    """`sqlite:///relative.db` -> `sqlite:////<project root>/relative.db` (Flask-SQLAlchemy
    would otherwise put it under the app's instance folder); every other URL as it is."""
    prefix = "sqlite:///"
    rest = url[len(prefix):] if url.startswith(prefix) else ""
    if not rest or rest.startswith("/") or rest.startswith(":memory:") or rest.startswith("file:"):
        return url
    path, sep, query = rest.partition("?")
    return f"{prefix}{from_root(path)}{sep}{query}"


INSTANCE_DIR = from_root(os.environ.get("TAGAR_INSTANCE_DIR") or BASE_DIR / "instance")


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
    url = resolve_database_url(url)
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _secure_cookies() -> bool:
    """Cookies only over HTTPS unless SESSION_COOKIE_SECURE=0 says this is a plain-HTTP
    intranet (or the debug server runs); a stolen session cookie is the whole account."""
    value = os.environ.get("SESSION_COOKIE_SECURE")
    if value is None:
        return os.environ.get("FLASK_DEBUG", "0").lower() not in ("1", "true", "yes")
    return value.strip().lower() not in ("0", "false", "no", "off", "")


class Config:
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = _secret_key()
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _secure_cookies()
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the
    # client address is the TCP peer). Login and API throttling key on the address it gives.
    TRUSTED_PROXIES = _int("TAGAR_TRUSTED_PROXIES", 0)
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

    # Login throttling (app/accounts/throttle.py): past the limit, each further failure blocks
    # the (account, address) pair or the address for BLOCK_SECONDS, doubling up to the cap; a
    # streak is forgotten after WINDOW_MINUTES without failures.
    LOGIN_ACCOUNT_FAILURES = _int("TAGAR_LOGIN_ACCOUNT_FAILURES", 5)
    LOGIN_ADDRESS_FAILURES = _int("TAGAR_LOGIN_ADDRESS_FAILURES", 10)
    LOGIN_WINDOW_MINUTES = _int("TAGAR_LOGIN_WINDOW_MINUTES", 15)
    LOGIN_BLOCK_SECONDS = _int("TAGAR_LOGIN_BLOCK_SECONDS", 30)
    LOGIN_BLOCK_MAX_MINUTES = _int("TAGAR_LOGIN_BLOCK_MAX_MINUTES", 15)
    # issue 24: a browser that logged in to an account keeps a signed device cookie this long
    # (app/auth/device.py); it is then judged by its own failure counter, not its address's.
    DEVICE_COOKIE_DAYS = _int("TAGAR_DEVICE_COOKIE_DAYS", 180)
    # The same for bad API tokens from one address (a valid token is never refused).
    API_TOKEN_FAILURES = _int("TAGAR_API_TOKEN_FAILURES", 20)
    API_TOKEN_WINDOW_MINUTES = _int("TAGAR_API_TOKEN_WINDOW_MINUTES", 10)
    API_TOKEN_BLOCK_SECONDS = _int("TAGAR_API_TOKEN_BLOCK_SECONDS", 60)
    API_TOKEN_BLOCK_MAX_MINUTES = _int("TAGAR_API_TOKEN_BLOCK_MAX_MINUTES", 10)
    # Issue 29: the public API (/terbuka/api/, no token): requests per address per window.
    PUBLIC_API_REQUESTS = _int("TAGAR_PUBLIC_API_REQUESTS", 60)
    PUBLIC_API_WINDOW_SECONDS = _int("TAGAR_PUBLIC_API_WINDOW_SECONDS", 60)
    # How long a worker trusts its last read of "portal open? data version?" (seconds, float):
    # a public page then costs no database round trip; a switch-off or a verification shows
    # that much later. 0 reads every request.
    PUBLIC_STATE_SECONDS = float(os.environ.get("TAGAR_PUBLIC_STATE_SECONDS", "1"))
    PASSWORD_HASH_METHOD = "scrypt"
    # A fixed "now" (ISO datetime, UTC) for demos and tests of deadlines; unset in production.
    TAGAR_NOW = os.environ.get("TAGAR_NOW") or None

    # Background jobs (app/jobs): redis://host:port/db in production; empty means a SQLite
    # queue file in instance/ worked by a thread of the app itself (nothing else to start).
    JOBS_URL = os.environ.get("TAGAR_JOBS_URL", "")
    JOBS_QUEUE = os.environ.get("TAGAR_JOBS_QUEUE", "tagar")
    # "thread": the app runs a worker thread; "external": `flask jobs worker` does;
    # "immediate": jobs run inside the request (tests). Empty: thread for SQLite, else external.
    JOBS_WORKER = os.environ.get("TAGAR_JOBS_WORKER", "")
    JOBS_THREADS = _int("TAGAR_JOBS_THREADS", 1)
    # Built report files (kept in the database, see app/reports/build_service.py).
    REPORT_KEEP_DAYS = _int("TAGAR_REPORT_KEEP_DAYS", 7)
    REPORT_KEEP_PER_REQUEST = _int("TAGAR_REPORT_KEEP_PER_REQUEST", 3)
    REPORT_DOWNLOAD_GRACE_MINUTES = _int("TAGAR_REPORT_DOWNLOAD_GRACE_MINUTES", 15)
    REPORT_STALE_MINUTES = _int("TAGAR_REPORT_STALE_MINUTES", 30)
    # issue 24: a running build writes a heartbeat every JOB_HEARTBEAT_SECONDS; one silent for
    # JOB_STALL_SECONDS has lost its worker (failed with the reason; the same request starts a
    # new one), and a build queued that long is queued again (a lost queue entry).
    JOB_HEARTBEAT_SECONDS = _int("TAGAR_JOB_HEARTBEAT_SECONDS", 10)
    JOB_STALL_SECONDS = _int("TAGAR_JOB_STALL_SECONDS", 60)
    # Dashboard figures cache (app/core/cache.py): redis://host:port/db shares it between workers
    # and nodes; empty means memory of each process. Keyed by the data version, so never stale.
    CACHE_URL = os.environ.get("TAGAR_CACHE_URL", "")
    CACHE_PREFIX = os.environ.get("TAGAR_CACHE_PREFIX", "tagar:")
    CACHE_TTL_SECONDS = _int("TAGAR_CACHE_TTL_SECONDS", 3600)
    # An import commit of more rows (SIPD lines, P3KE/DTSEN desa) than this runs as a job.
    IMPORT_JOB_ROWS = _int("TAGAR_IMPORT_JOB_ROWS", 300)
    # Evidence files (bukti dukung) are stored here, outside the web root; empty: instance/.
    EVIDENCE_DIR = os.environ.get("TAGAR_EVIDENCE_DIR", "")
    # issue 26: the screening model file, and how many new decisions trigger a retrain
    SCREENING_MODEL_DIR = os.environ.get("TAGAR_SCREENING_MODEL_DIR",
                                         str(INSTANCE_DIR / "screening"))
    SCREENING_RETRAIN_AFTER = int(os.environ.get("TAGAR_SCREENING_RETRAIN_AFTER", "10"))
    # The province's Ed25519 public key (PEM or base64) its screening reference is signed with
    SCREENING_PROVINCE_KEY = os.environ.get("TAGAR_SCREENING_PROVINCE_KEY", "")
    EVIDENCE_MAX_MB = _int("TAGAR_EVIDENCE_MAX_MB", 5)
    # One JSON line per request on the `tagar.request` logger (app/request_log.py); 0: off.
    REQUEST_LOG = os.environ.get("TAGAR_REQUEST_LOG", "1") != "0"
    # Household coverage (issue 16, app/coverage/keys.py): the HMAC key of NIK and KK hashes,
    # never in the database; empty: the file instance/household.key (`flask coverage keygen`),
    # created on first use only while the database is the development SQLite default.
    HOUSEHOLD_KEY = os.environ.get("TAGAR_HOUSEHOLD_KEY", "")
    HOUSEHOLD_KEY_FILE = os.environ.get("TAGAR_HOUSEHOLD_KEY_FILE", "")
    HOUSEHOLD_KEY_CREATE = not os.environ.get("DATABASE_URL")
    # Federation (issue 18, app/federation): "kabupaten" (default) exports signed bundles;
    # "province" registers kabupaten/kota and consolidates the bundles they send.
    TAGAR_MODE = os.environ.get("TAGAR_MODE", "kabupaten").strip().lower() or "kabupaten"
    # This kabupaten's Kemendagri code (e.g. 36.02) and name as the province registered them.
    FEDERATION_CODE = os.environ.get("TAGAR_FEDERATION_CODE", "")
    FEDERATION_NAME = os.environ.get("TAGAR_FEDERATION_NAME", "")
    # The Ed25519 private key (`flask federation keygen`); empty: instance/federation_ed25519.pem.
    FEDERATION_KEY = os.environ.get("TAGAR_FEDERATION_KEY", "")
    # Province: a period's bundle is late this many days after the period's last quarter ends.
    FEDERATION_DEADLINE_DAYS = _int("TAGAR_FEDERATION_DEADLINE_DAYS", 30)
    # Province: the largest bundle accepted (pushed or uploaded), after gzip decompression.
    FEDERATION_MAX_BYTES = _int("TAGAR_FEDERATION_MAX_BYTES", 32 * 1024 * 1024)


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    # Hashing cost matters for a suite that creates hundreds of users; strength does not.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SESSION_COOKIE_SECURE = False  # the test client speaks plain HTTP
    REMEMBER_COOKIE_SECURE = False
    SERVER_NAME = None
    # A job runs inside the request that enqueues it, in the test's transaction; the job tests
    # run the embedded and the Redis queue for real on apps of their own.
    JOBS_WORKER = "immediate"
    JOB_RETRY_DELAYS = (0, 0, 0)  # a job's retries after a connection error, without waiting
    JOB_HEARTBEAT_SECONDS = 3600  # no heartbeat thread writes past the test's transaction
    PUBLIC_STATE_SECONDS = 0.0  # issue 29: every request reads the portal's state
    # Evidence files written by tests go to the temporary directory, never to instance/.
    EVIDENCE_DIR = os.path.join(tempfile.gettempdir(), "tagar-test-evidence")
    # One per test process: pytest-xdist workers must not load each other's models.
    SCREENING_MODEL_DIR = os.path.join(tempfile.gettempdir(),
                                       f"tagar-test-screening-{os.getpid()}")
    SCREENING_RETRAIN_AFTER = 1_000_000  # tests train once per process, never per decision
    HOUSEHOLD_KEY = "tagar-test-household-key-not-a-secret-0123456789"  # issue 16

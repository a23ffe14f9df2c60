"""What every benchmark shares: an app on a given database, fresh S/M/L data, a timer.

Every figure is the best (minimum) of several runs after one warm-up run (templates compiled,
the database's pages cached), measured in the same process against the same database as its
floor: the machine is shared, and the minimum is the figure least disturbed by other work.
"""
import statistics
import time
from dataclasses import dataclass

from sqlalchemy.engine import make_url

# The demo and the benchmarks pin "today" so the reporting quarter does not move under them.
BENCH_NOW = "2026-11-23T03:00:00"
BENCH_PASSWORD = "bench-tagar-2026"


def normalize_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def guard_url(url: str) -> str:
    """The benchmarks drop and rebuild the database: never the shared one named `test`."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.database in ("test", "postgres"):
        raise SystemExit(f"Refusing to rebuild database {parsed.database!r}: use a throwaway one.")
    return url


def prepare_url(url: str) -> str:
    """guard_url, then create the PostgreSQL database when it does not exist yet."""
    url = guard_url(url)
    if ensure_database(url):
        print(f"created database {make_url(url).database!r}")
    return url


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database `url` names when it does not exist (connecting to the
    server's `postgres` database to do so). True when it was created. Other backends: no-op."""
    from sqlalchemy import create_engine, text

    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "postgresql":
        return False
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": parsed.database}):
                return False
            quoted = admin.dialect.identifier_preparer.quote(parsed.database)
            conn.execute(text(f"CREATE DATABASE {quoted}"))
            return True
    finally:
        admin.dispose()


def make_app(url: str, **overrides):
    """The app on `url`, with TestConfig's cheap password hash and no CSRF (in-process use)."""
    from app import create_app
    from config import TestConfig

    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=normalize_url(url),
                      TAGAR_NOW=BENCH_NOW, **overrides)


def rebuild(app, size: str) -> dict:
    """Empty the database and load size S, M or L; returns the row counts."""
    from bench.generate import SIZES, generate
    from models import db

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        counts = generate(SIZES[size])
        db.session.commit()
        analyze()
        db.session.remove()
    return counts


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would give PostgreSQL soon
    after; without them it estimates 6 rows for 15,000 and picks nested loops. SQLite is left
    as an installation leaves it (no sqlite_stat1), which is how the app meets it."""
    from sqlalchemy import text

    from models import db

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


@dataclass
class Timing:
    median_ms: float
    min_ms: float
    runs: int
    result: object = None


def measure(fn, runs: int = 5) -> Timing:
    """Median wall time of `fn()` over `runs` runs after one warm-up; keeps the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return Timing(statistics.median(times), min(times), runs, result)


def dialect_name() -> str:
    from models import db

    return db.engine.dialect.name


@dataclass
class Result:
    """One line of the report: the app's time, its floor's, and what was measured."""

    bench: str
    name: str
    app_ms: float
    floor_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.app_ms / self.floor_ms if self.floor_ms else None

    def line(self) -> str:
        floor = f"floor {self.floor_ms:9.1f} ms  ratio {self.ratio:5.2f}x" if self.floor_ms \
            else " " * 33
        note = f"  {self.note}" if self.note else ""
        return f"  {self.bench:<7} {self.name:<30} app {self.app_ms:9.1f} ms  {floor}{note}"

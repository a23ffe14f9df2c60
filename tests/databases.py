"""A database of a test's own, for tests whose code commits for real (migrations, job workers,
app processes) and so cannot run inside the suite's rolled-back transaction.

A PostgreSQL database is dropped in the background: a DROP DATABASE waits for a checkpoint
(a second or more on CI's shared disk), which held up the test that dropped it (issue 25).
The drops run one at a time in a thread of the test process, and the session waits for them
at its end (`wait_for_drops`, from tests/conftest.py), so a failed drop still fails the run."""
import os
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text


def _server_url() -> str | None:
    """TEST_DATABASE_URL for SQLAlchemy, when it names a PostgreSQL server; else None."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return None
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


_DROPPER: list[ThreadPoolExecutor] = []
_DROPS: list = []


def _dropper() -> ThreadPoolExecutor:
    if not _DROPPER:
        _DROPPER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database"))
    return _DROPPER[0]


def wait_for_drops() -> None:
    """Wait until every database given up so far is dropped; raise the first drop's error."""
    done, _DROPS[:] = list(_DROPS), []
    for future in done:
        future.result()


def _create(url: str, prefix: str, template: str | None = None) -> tuple[str, object]:
    name = f"tagar_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'
                          + (f' TEMPLATE "{template}"' if template else "")))

    def drop_now():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    def drop():
        _DROPS.append(_dropper().submit(drop_now))

    return f"{url.rpartition('/')[0]}/{name}", drop


def fresh_database(tmp_path, prefix: str) -> tuple[str, object]:
    """(url, drop): a new PostgreSQL database on the TEST_DATABASE_URL server, or an SQLite file
    in `tmp_path` when the suite runs on SQLite; `drop()` removes it (None for SQLite)."""
    url = _server_url()
    if url is None:
        return f"sqlite:///{tmp_path / f'{prefix}.db'}", None
    return _create(url, prefix)


def copy_database(source: str, tmp_path, prefix: str) -> tuple[str, object]:
    """(url, drop) like fresh_database's, of a copy of the database at `source` (a URL
    fresh_database gave): on PostgreSQL `CREATE DATABASE ... TEMPLATE`, which needs nobody
    connected to `source` (dispose its engines first); on SQLite the file, through SQLite's
    backup API (its write-ahead log included)."""
    if source.startswith("sqlite:///"):
        target = tmp_path / f"{prefix}.db"
        with sqlite3.connect(source[len("sqlite:///"):]) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return f"sqlite:///{target}", None
    return _create(_server_url(), prefix, template=source.rpartition("/")[2])

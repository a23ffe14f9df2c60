"""Small operational fixes of issue 12: API reads do not write, SQLite file databases let a job
and a request commit side by side, and the benchmark creates its PostgreSQL database."""
import os
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, event, text

from app import SQLITE_BUSY_TIMEOUT_MS
from app.accounts.api_tokens import create_token
from models import db


@contextmanager
def token_writes():
    """Counts the UPDATE statements on api_token."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE API_TOKEN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_api_reads_write_last_used_at_most_once_a_minute(app, client, make, monkeypatch):
    user = make.user("secretariat")
    token, secret = create_token(user, "klien")
    headers = {"Authorization": f"Bearer {secret}"}
    start = datetime(2026, 11, 23, 3, 0, 0)
    monkeypatch.setitem(app.config, "TAGAR_NOW", start)
    with token_writes() as writes:
        assert client.get("/api/v1/reference/opds", headers=headers).status_code == 200
        assert len(writes) == 1  # first use is recorded
        for seconds in (1, 30, 59):
            monkeypatch.setitem(app.config, "TAGAR_NOW", start + timedelta(seconds=seconds))
            assert client.get("/api/v1/reference/opds", headers=headers).status_code == 200
        assert len(writes) == 1  # reads within the minute write nothing
        monkeypatch.setitem(app.config, "TAGAR_NOW", start + timedelta(seconds=61))
        assert client.get("/api/v1/reference/opds", headers=headers).status_code == 200
        assert len(writes) == 2
    db.session.refresh(token)
    assert token.last_used_at == start + timedelta(seconds=61)


@pytest.fixture
def sqlite_file(tmp_path):
    # timeout=0 removes the Python driver's own 5 s wait: only the app's pragma may wait.
    engine = create_engine(f"sqlite:///{tmp_path / 'wal.db'}", connect_args={"timeout": 0})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
    yield engine
    engine.dispose()


def test_sqlite_file_database_uses_wal_and_a_busy_timeout(sqlite_file):
    with sqlite_file.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_memory_database_keeps_its_journal():
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
    engine.dispose()


def test_sqlite_second_writer_waits_instead_of_failing(sqlite_file):
    """A job holding the write lock for a moment: a request's write waits for it and succeeds
    (without a busy timeout it fails at once with "database is locked")."""
    holder = sqlite_file.connect()
    tx = holder.begin()
    holder.execute(text("INSERT INTO t (v) VALUES (1)"))
    outcome = {}

    def other_writer():
        try:
            with sqlite_file.begin() as conn:
                conn.execute(text("INSERT INTO t (v) VALUES (2)"))
            outcome["ok"] = True
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=other_writer)
    thread.start()
    time.sleep(0.5)
    tx.commit()
    holder.close()
    thread.join(10)
    assert outcome == {"ok": True}
    with sqlite_file.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2


def test_sqlite_open_read_does_not_block_a_commit(sqlite_file):
    """A page reading (its transaction open) while a job commits: with WAL the commit goes
    through at once; with the old rollback journal it waits for the reader's lock."""
    with sqlite_file.connect() as reader:
        tx = reader.begin()
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        with sqlite_file.begin() as writer:
            writer.execute(text("INSERT INTO t (v) VALUES (1)"))
        # The reader keeps its snapshot until its transaction ends.
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0
        tx.rollback()


def _pg_server():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url.rsplit("/", 1)[0]
    probe = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    try:
        with probe.connect():
            return "postgresql://postgres@127.0.0.1:5432"
    except Exception:  # noqa: BLE001
        return None
    finally:
        probe.dispose()


def test_bench_creates_a_missing_postgresql_database():
    from bench.common import ensure_database, prepare_url

    server = _pg_server()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL unreachable in CI")
        pytest.skip("no PostgreSQL server")
    name = f"tagar_bench_{uuid.uuid4().hex[:10]}"
    url = f"{server}/{name}"
    admin = create_engine(f"{server.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
                          isolation_level="AUTOCOMMIT")
    try:
        prepare_url(url)  # what `python -m bench --pg URL` calls first
        with admin.connect() as conn:
            assert conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                               {"n": name}) == 1
        assert ensure_database(url) is False  # an existing one is left alone
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

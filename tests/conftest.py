"""Test setup: the schema is built once per run; every test runs inside a transaction that is
rolled back at its end (the code under test commits to a savepoint), so tests stay fast and
independent on SQLite and PostgreSQL alike.

TEST_DATABASE_URL selects PostgreSQL; without it, an SQLite file in a temporary directory.
"""
import os
import tempfile

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app
from config import TestConfig
from models import db

from . import factories
from .databases import wait_for_drops


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker and url.startswith("postgresql"):
            url = _worker_database(url, worker)
        return url
    # A file, not :memory:, so that a server in another thread or process sees the same data.
    path = os.path.join(tempfile.mkdtemp(prefix="tagar-test-"), "test.db")
    return f"sqlite:///{path}"


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker builds its schema in a PostgreSQL database of its own
    (`test_gw0`, `test_gw1`): two workers dropping and creating one schema would collide."""
    from sqlalchemy import create_engine, text

    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{own}"'))
    finally:
        admin.dispose()
    return f"{base}/{own}"


class CommittingClient(FlaskClient):
    """Commits the test's pending setup before each request, as if it had been saved before
    the user acted: a view that rolls back after refusing something then undoes only its own
    work, never the test's data.

    Each request also starts with an empty `g`, as a real one does: the requests share the
    test's app context, so the user Flask-Login loaded (and the CSRF token Flask-WTF made) for
    one client would otherwise answer the next request, of any client, unchecked."""

    def open(self, *args, **kwargs):
        db.session.commit()
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _dropped_databases():
    """The databases tests gave up are dropped in the background (tests/databases.py); the
    session ends once they are gone."""
    yield
    wait_for_drops()


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_database_url())
    app.test_client_class = CommittingClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.reference.service import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _session_on(connection):
    """db.session bound to `connection`; the session's commits become savepoints.

    A plain Session: Flask-SQLAlchemy's own get_bind() would route past our connection to the
    engine, and every commit would then be real."""
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           class_=Session)
    return scoped_session(factory, scopefunc=db.session.registry.scopefunc)


@pytest.fixture(scope="module")
def module_transaction(app):
    """An outer transaction for a whole module, rolled back after its last test, for data that
    every test of the module reads and none may keep: a module-scoped fixture that depends on
    this one builds it once (with `factories` and db.session) instead of once per test. Each
    test still runs in a transaction of its own, a savepoint of this one, rolled back at its
    end (`_transaction`)."""
    ctx = app.app_context()
    ctx.push()
    connection = db.engine.connect()
    outer = connection.begin()
    original, db.session = db.session, _session_on(connection)
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()
        ctx.pop()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """One outer transaction per test, rolled back at the end; commits become savepoints.
    In a module that shares data through `module_transaction`, the test's transaction is a
    savepoint of the module's, rolled back the same way.

    Browser tests talk to a real server with its own database and real commits: no wrapping.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    shared = ("module_transaction" in request.fixturenames
              and request.getfixturevalue("module_transaction"))
    ctx = app.app_context()
    ctx.push()
    # Each test's rollback takes the data version back, which production never does: a cached
    # figure of an earlier test would match a later test's key.
    app.extensions["cache"].clear()
    connection = shared or db.engine.connect()
    outer = connection.begin_nested() if shared else connection.begin()
    original, db.session = db.session, _session_on(connection)
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        if not shared:
            connection.close()
        ctx.pop()


@pytest.fixture
def clock(app):
    """`clock("2026-11-30T03:00:00")` fixes the app's "now" (UTC) for the rest of the test."""
    def set_(iso):
        app.config["TAGAR_NOW"] = iso
    yield set_
    app.config["TAGAR_NOW"] = None


@pytest.fixture
def make():
    """The factories, as a fixture so tests read `make.user(...)`."""
    return factories


@pytest.fixture
def login(client):
    def do(user, password=factories.PASSWORD):
        client.post("/logout")
        resp = client.post("/login", data={"username": user.username, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return user

    return do

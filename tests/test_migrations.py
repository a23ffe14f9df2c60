"""The migrations build exactly the models' schema, on the database the suite runs on, and
carry existing data across: the rollups of a kabupaten are the same after an upgrade."""
from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import Column, MetaData, Table, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app
from app.demo.seed import seed_demo
from config import TestConfig
from models import FiscalYear, Strategy, TagKind, db
from reports.queries import rollup, verified
from reports.queries.rollup import RollupFilter

from .databases import fresh_database


def test_upgrade_gives_the_models_schema(tmp_path):
    url, drop = fresh_database(tmp_path, "mig")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context(), _session_on(db.engine):  # the migrated database, not the suite's
            upgrade()
            with db.engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
                assert conn.exec_driver_sql("SELECT 1").scalar() == 1
                if conn.dialect.name == "sqlite":  # env.py turns them off for the run only
                    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert diffs == []
            codes = db.session.scalars(select(Strategy.code).order_by(Strategy.code)).all()
            assert codes == [1, 2, 3]
            weights = dict(db.session.execute(select(TagKind.code, TagKind.weight)).all())
            assert {k: int(v) for k, v in weights.items()} == {
                "langsung": 50, "tidak_langsung": 30, "penunjang": 20}
            db.session.remove()
        with app.app_context():
            db.engine.dispose()
    finally:
        if drop:
            drop()


# --- the data survives the upgrade -----------------------------------------------------------

DEMO_NOW = "2026-11-23T03:00:00"
# Columns of revision 0001 that the models no longer have, and what old rows held there.
OLD_COLUMNS = {("user", "failed_logins"): 0, ("user", "locked_until"): None}
# Values revision 0001's checks refuse, as the copy writes them there (issue 28: the demo's desa
# operators; no figure depends on a user's role).
# Values a later revision allows that an older schema's CHECK refuses, as the old one wrote them.
OLD_VALUES = {("user", "role"): {"desa": "viewer"},
              ("notification", "kind"): {"verval": "comment", "submitted": "comment"}}


def _old_value(table: str, column: str, value):
    mapping = OLD_VALUES.get((table, column))
    return mapping.get(value, value) if mapping else value


@contextmanager
def _session_on(engine):
    """db.session bound to `engine` (the suite's fixture binds it to the test connection)."""
    original = db.session
    db.session = scoped_session(sessionmaker(bind=engine, class_=Session))
    try:
        yield
    finally:
        db.session.remove()
        db.session = original


def _figures():
    """What the dashboard and the API show: totals and the per-OPD (and other) rollups."""
    fy = db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == 2026))
    out = {}
    for q in (1, 2, 3, 4):
        f = RollupFilter(fiscal_year_id=fy, quarter=q)
        out["total", q] = rollup.total(f)
        for by in ("opd", "strategy", "tag_kind", "funding_source", "district"):
            out[by, q] = rollup.rollup(f, by)
    return out


def _copy_demo(source, target):
    """Every row of the demo (built at head) into the revision-0001 database, columns of both."""
    old = sa_inspect(target)
    names = set(old.get_table_names()) - {"alembic_version"}
    order = [t for t in db.metadata.sorted_tables if t.name in names]
    with target.begin() as dst, source.connect() as src:
        for table in reversed(order):
            dst.execute(table.delete())  # the reference rows 0001 inserted come again below
        for table in order:
            reflected = {c["name"]: c["type"] for c in old.get_columns(table.name)}
            cols = list(reflected)
            lite = Table(table.name, MetaData(), *[
                Column(c, table.c[c].type if c in table.c else reflected[c]) for c in cols])
            rows = [{**{c: OLD_COLUMNS.get((table.name, c)) for c in cols if c not in table.c},
                     **{c: _old_value(table.name, c, v) for c, v in row._mapping.items()}}
                    for row in src.execute(select(*[table.c[c] for c in cols if c in table.c]))]
            if rows:
                dst.execute(lite.insert(), rows)
            if target.dialect.name == "postgresql" and "id" in cols:
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                                 f"'id'), COALESCE(MAX(id), 1)) FROM \"{table.name}\""))


def test_upgrade_keeps_the_rollups(tmp_path):
    """The demo built at head, copied row by row into a revision-0001 database and upgraded:
    every rollup is the same. Revision 0021 fills `tag.realized_quarters` from the copied rows
    (the copy has no such column): the carried-forward figures read it, and the demo has tags
    whose figure is carried, so a wrong fill would change them."""
    head_url, drop_head = fresh_database(_subdir(tmp_path, "head"), "mig")
    old_url, drop_old = fresh_database(_subdir(tmp_path, "old"), "mig")
    head = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=head_url, TAGAR_NOW=DEMO_NOW)
    old = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=old_url, TAGAR_NOW=DEMO_NOW)
    try:
        with head.app_context(), _session_on(db.engine):
            upgrade()
            seed_demo(year=2026)
            db.session.commit()
            expected = _figures()
            head_engine = db.engine
            with old.app_context():
                upgrade(revision="0001")
                _copy_demo(head_engine, db.engine)
                with _session_on(db.engine):
                    upgrade()
                    after = _figures()
                    carried = _carried()
                    epochs = set(db.session.scalars(text('SELECT session_epoch FROM "user"')))
        total = expected["total", 3]
        assert total.realized > 0 and total.tagged > 0
        assert sum(r.realized for r in expected["opd", 3]) == total.realized
        assert carried  # the demo has figures carried forward: the fill is put to the test
        assert after == expected  # the copy and the migration change no figure
        assert epochs == {0}       # existing users start at session epoch 0
    finally:
        for app in (head, old):
            with app.app_context():
                db.engine.dispose()
        for drop in (drop_head, drop_old):
            if drop:
                drop()


def _carried():
    fy = db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == 2026))
    return {q: verified.carried_tags(fy, q, verified_only=False) for q in (2, 3, 4)
            if verified.carried_tags(fy, q, verified_only=False)}


def _subdir(tmp_path, name):
    path = tmp_path / name
    path.mkdir()
    return path

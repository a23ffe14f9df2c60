"""The migration builds exactly the models' schema, on the database the suite runs on."""
import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import create_app
from config import TestConfig
from models import Strategy, TagKind, db


def _fresh_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrated.db'}", None
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"tagar_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = url.rpartition("/")

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


def test_upgrade_gives_the_models_schema(tmp_path):
    url, drop = _fresh_database(tmp_path)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diffs == []
            codes = db.session.scalars(select(Strategy.code).order_by(Strategy.code)).all()
            assert codes == [1, 2, 3]
            weights = dict(db.session.execute(select(TagKind.code, TagKind.weight)).all())
            assert {k: int(v) for k, v in weights.items()} == {
                "langsung": 50, "tidak_langsung": 30, "penunjang": 20}
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()

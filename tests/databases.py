"""A database of a test's own, for tests whose code commits for real (migrations, job workers,
app processes) and so cannot run inside the suite's rolled-back transaction."""
import os
import uuid

from sqlalchemy import create_engine, text


def fresh_database(tmp_path, prefix: str) -> tuple[str, object]:
    """(url, drop): a new PostgreSQL database on the TEST_DATABASE_URL server, or an SQLite file
    in `tmp_path` when the suite runs on SQLite; `drop()` removes it (None for SQLite)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / f'{prefix}.db'}", None
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"tagar_{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{url.rpartition('/')[0]}/{name}", drop

"""issue 25: tag.realized_quarters, the quarters a tag has a realization row for (one bit each),
kept by triggers on realization; filled here from the existing rows.

The rollup reads a tag's carried-forward quarter from it (reports/queries/verified.py). The
statements are a copy of models/quarter_mask.py as it stood at this revision (a migration does
not import the models, which move on); tests/test_migrations.py runs this path.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _bits(tag_id: str) -> str:
    return (
        "(SELECT COALESCE(SUM(DISTINCT 1 << (q.number - 1)), 0) FROM realization r "
        "JOIN quarter q ON q.id = r.quarter_id "
        "JOIN tag t ON t.id = r.tag_id "
        "JOIN sub_activity sa ON sa.id = t.sub_activity_id "
        f"WHERE r.tag_id = {tag_id} AND q.fiscal_year_id = sa.fiscal_year_id)"
    )


def _recompute(tag_id: str) -> str:
    return f"UPDATE tag SET realized_quarters = {_bits(tag_id)} WHERE id = {tag_id};"


# An insert (the common write: a quarter's first figure) sets its quarter's bit by primary-key
# lookups only; recomputing from the rows there cost PostgreSQL 2 ms a row in a bulk load into
# fresh tables (12,000 rows: 25 s more than without triggers), ~30 microseconds after this.
ADD = ("UPDATE tag SET realized_quarters = realized_quarters | COALESCE(("
       "SELECT 1 << (q.number - 1) FROM quarter q "
       "JOIN sub_activity sa ON sa.fiscal_year_id = q.fiscal_year_id "
       "WHERE q.id = NEW.quarter_id AND sa.id = tag.sub_activity_id), 0) "
       "WHERE id = NEW.tag_id;")


POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION tag_realized_quarters() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP <> 'INSERT' THEN " + _recompute("OLD.tag_id") + " END IF;\n"
    "  IF TG_OP = 'INSERT' THEN " + ADD + "\n"
    "  ELSIF TG_OP = 'UPDATE' THEN " + _recompute("NEW.tag_id") + " END IF;\n"
    "  RETURN NULL;\n"
    "END $$",
    "CREATE TRIGGER realization_quarters AFTER INSERT OR DELETE OR UPDATE OF tag_id, quarter_id "
    "ON realization FOR EACH ROW EXECUTE FUNCTION tag_realized_quarters()",
)

SQLITE = (
    "CREATE TRIGGER realization_quarters_insert AFTER INSERT ON realization BEGIN "
    + ADD + " END",
    "CREATE TRIGGER realization_quarters_delete AFTER DELETE ON realization BEGIN "
    + _recompute("OLD.tag_id") + " END",
    "CREATE TRIGGER realization_quarters_update AFTER UPDATE OF tag_id, quarter_id "
    "ON realization BEGIN " + _recompute("OLD.tag_id") + " " + _recompute("NEW.tag_id") + " END",
)


def upgrade():
    # A plain ADD COLUMN on both backends (no table copy on SQLite): NOT NULL with a default.
    op.add_column("tag", sa.Column("realized_quarters", sa.SmallInteger(), nullable=False,
                                   server_default="0"))
    op.execute(f"UPDATE tag SET realized_quarters = {_bits('tag.id')}")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS realization_quarters ON realization")
        op.execute("DROP FUNCTION IF EXISTS tag_realized_quarters()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS realization_quarters_{name}")
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_column("realized_quarters")

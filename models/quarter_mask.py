"""`tag.realized_quarters`, kept by the database: one bit per quarter of the tag's year that has
a realization row (bit 0: TW I).

The rollup's carried-forward rule (reports/queries/verified.py) needs, per tag, the latest
quarter with a row; reading it from the tag instead of grouping every row of the year brings the
dashboard's queries on PostgreSQL from 2-2.5x their floor to about 1.2x (docs/PERFORMANCE.md).
A stored figure is only worth having if it cannot go stale, so the database keeps it, on every
insert, delete and move of a realization row, whoever writes it (the sheet, the API, imports,
the demo, a bulk INSERT, a cascade from a deleted tag): the app never writes it. An insert sets
its quarter's bit; a delete or a moved row recomputes the tag's bits from its rows (at most
four). Only rows of quarters of the tag's own fiscal year count, as the rollup counted them
before.

The same statements are in migration 0021 (which adds the column to existing databases, fills it
and creates these triggers). tests/test_quarter_mask.py runs them as created here (create_all);
tests/test_migrations.py as the migration creates them (the demo written through its triggers)
and fills them (a copy of the demo upgraded from revision 0001), and compares the rollups.
"""
from sqlalchemy import DDL, event

from .realization import Realization


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

for _sql in POSTGRESQL:
    event.listen(Realization.__table__, "after_create",
                 DDL(_sql).execute_if(dialect="postgresql"))
for _sql in SQLITE:
    event.listen(Realization.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))

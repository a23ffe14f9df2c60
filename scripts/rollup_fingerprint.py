"""Print the rollups of a database as one line per figure, for comparing a restored backup
with its source (scripts/restore_drill.sh diffs two of these).

    .venv/bin/python scripts/rollup_fingerprint.py postgresql://postgres@127.0.0.1/tagar

For every fiscal year and quarter: the kabupaten total and the groupings by strategy, tag
kind, OPD and funding source (tagged, realized, physical, target, reached), the row counts
of the main tables, and the data version (equal versions mean no write happened in between).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GROUPINGS = ("strategy", "tag_kind", "opd", "funding_source")
TABLES = ("opd", "sub_activity", "tag", "tag_village", "realization", "submission",
          "village_year", "audit_log", "user")


def fingerprint(url: str) -> list[str]:
    from sqlalchemy import func, select, text

    from app import create_app
    from config import Config
    from models import FiscalYear, db
    from models.data_version import current_version
    from reports.queries import rollup
    from reports.queries.rollup import RollupFilter

    if url.startswith(("postgresql://", "postgres://")):  # the driver installed: psycopg 3
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, REQUEST_LOG=False)
    out = []
    with app.app_context():
        out.append(f"data_version {current_version()}")
        for table in TABLES:
            count = db.session.scalar(select(func.count()).select_from(text(f'"{table}"')))
            out.append(f"rows {table} {count}")
        for fy in db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)):
            for quarter in (1, 2, 3, 4):
                f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter)
                rows = [("total", rollup.total(f))]
                rows += [(by, r) for by in GROUPINGS for r in rollup.rollup(f, by)]
                for by, r in rows:
                    out.append(f"{fy.year} TW{quarter} {by} {r.code or r.key} tags={r.tags} "
                               f"tagged={r.tagged} realized={r.realized} "
                               f"physical={r.physical} target={r.target} reached={r.reached}")
        db.session.remove()
        db.engine.dispose()
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print("\n".join(fingerprint(sys.argv[1])))

"""Render time of the dashboard pages on the demo data and on the same kabupaten ten times over.

    .venv/bin/python -m bench.bench_dashboard [--pg postgresql://postgres@127.0.0.1/mydb]

The demo (`seed-demo`) goes into a temporary SQLite file (and, with --pg, into that PostgreSQL
database, which is emptied first: never the shared `test`). Then every OPD with its
sub-activities, tags, lokus, realization and submissions is copied nine times in SQL
(INSERT ... SELECT with id offsets), giving exactly ten times the rows. Each page is timed
through the test client as the secretariat: median of 5 runs after a warm-up, with the number
of SQL statements behind it.
"""
import argparse
import os
import tempfile

from sqlalchemy import String, event, func, insert, select

from bench.common import analyze, make_app, measure, prepare_url

PAGES = ("/dasbor/", "/dasbor/?arus=1&triwulan=2&urut=serapan", "/dasbor/?opd=1&sub=1",
         "/dasbor/anomali", "/lokus/")


def _copy(model, k: int, offsets: dict, fks: dict, unique: tuple = ()):
    """Copy every row of `model` once, ids shifted by k * offset, foreign keys likewise."""
    from models import db

    table = model.__table__
    exprs = []
    for col in table.columns:
        if col.name == "id":
            exprs.append(col + k * offsets[table.name])
        elif col.name in fks:
            exprs.append(col + k * offsets[fks[col.name]])
        elif col.name in unique and isinstance(col.type, String):
            exprs.append(col + f" ~{k}")
        else:
            exprs.append(col)
    cols = [c.name for c in table.columns]
    db.session.execute(insert(table).from_select(cols, select(*exprs).where(
        table.c.id < offsets[table.name])))


def multiply(times: int = 10) -> None:
    """Make the data `times` as large: every OPD's world copied, desa and quarters shared."""
    from models import Opd, Realization, SubActivity, Submission, Tag, TagVillage, db

    offsets = {m.__tablename__: (db.session.scalar(select(func.max(m.id))) or 0) + 1
               for m in (Opd, SubActivity, Tag, TagVillage, Realization, Submission)}
    for k in range(1, times):
        _copy(Opd, k, offsets, {}, unique=("code", "name", "short_name"))
        _copy(SubActivity, k, offsets, {"opd_id": "opd"})
        _copy(Tag, k, offsets, {"sub_activity_id": "sub_activity"})
        _copy(TagVillage, k, offsets, {"tag_id": "tag"})
        _copy(Realization, k, offsets, {"tag_id": "tag"})
        _copy(Submission, k, offsets, {"opd_id": "opd"})
    db.session.commit()


def counts() -> dict:
    from models import Opd, Realization, Tag, TagVillage, db

    return {m.__tablename__: db.session.scalar(select(func.count(m.id)))
            for m in (Opd, Tag, TagVillage, Realization)}


def time_pages(app, label: str) -> None:
    from models import db

    client = app.test_client()
    resp = client.post("/login", data={"username": "sekretariat",
                                       "password": "demo-tagar-2026"})
    assert resp.status_code == 302, "login failed"
    with app.app_context():
        sizes = counts()
    print(f"\n{label}: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
    for path in PAGES:
        n = {"stmts": 0}

        def get(path=path):
            resp = client.get(path)
            assert resp.status_code == 200, (path, resp.status_code)
            return resp

        with app.app_context():
            engine = db.engine

        def count(*_, n=n):
            n["stmts"] += 1

        get()
        event.listen(engine, "before_cursor_execute", count)
        get()
        event.remove(engine, "before_cursor_execute", count)
        t = measure(get, runs=5)
        print(f"  {path:<45} median {t.median_ms:8.1f} ms  min {t.min_ms:8.1f} ms  "
              f"{n['stmts']:3d} SQL statements")


def run(url: str, backend: str) -> None:
    from app.demo.seed import seed_demo
    from models import db

    app = make_app(url)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        seed_demo()
        db.session.commit()
        analyze()
    time_pages(app, f"{backend}, demo data")
    with app.app_context():
        multiply(10)
        analyze()
    time_pages(app, f"{backend}, ten times the demo")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", help="a throwaway PostgreSQL database URL (emptied first)")
    args = parser.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="tagar-bench-dash-"), "bench.db")
    run(f"sqlite:///{path}", "SQLite")
    os.remove(path)
    if args.pg:
        run(prepare_url(args.pg), "PostgreSQL")


if __name__ == "__main__":
    main()

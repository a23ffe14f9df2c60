"""Every benchmark at one size, each against its floor, in one command (see docs/PERFORMANCE.md).

    .venv/bin/python -m bench                       # size S on SQLite (a temporary file)
    .venv/bin/python -m bench --size L --pg postgresql://postgres@127.0.0.1:5432/bench_l
    .venv/bin/python -m bench --only load --pg postgresql://postgres@127.0.0.1:5432/bench_load
    .venv/bin/python -m bench --only coverage --size L --pg postgresql://...   # issue 16's size
    make bench BENCH_ARGS="--size M --pg postgresql://..."

`--pg` (or BENCH_DATABASE_URL) adds PostgreSQL: that database is EMPTIED and rebuilt, so give a
throwaway one (the one named `test` is refused); it is created when it does not exist. The
load test needs PostgreSQL and gunicorn; the upload bombs run gunicorn on a temporary SQLite
demo database of their own. The household coverage benchmark (bench/bench_coverage.py) builds
its own data on its own temporary SQLite file (and on the --pg database): BNBA members, XLSX
members and list NIKs per size in bench_coverage.SIZES, or --coverage-members N for a quick run.
"""
import argparse
import os
import tempfile
import time

from bench.common import make_app, prepare_url, rebuild

NAMES = ("rollup", "pdf", "import", "load", "bombs", "coverage")


def _parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="S")
    parser.add_argument("--only", choices=NAMES, action="append",
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a throwaway PostgreSQL database (emptied and rebuilt)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (best kept)")
    parser.add_argument("--users", type=int, default=100, help="load test: simulated users")
    parser.add_argument("--seconds", type=int, default=45, help="load test: duration")
    parser.add_argument("--pdf-scope", choices=("auto", "kabupaten", "opd"), default="auto",
                        help="auto: the whole report up to size M, one OPD's report at L")
    parser.add_argument("--coverage-members", type=int, default=None,
                        help="coverage: BNBA members instead of the size's (XLSX and list: a "
                             "quarter of it)")
    return parser.parse_args(argv)


def _databases(args) -> list[tuple[str, str]]:
    dbs = []
    if not args.no_sqlite:
        folder = tempfile.mkdtemp(prefix="tagar-bench-")
        dbs.append(("sqlite", f"sqlite:///{folder}/bench-{args.size.lower()}.db"))
    if args.pg:
        dbs.append(("postgresql", prepare_url(args.pg)))
    return dbs


def main(argv=None) -> None:
    args = _parse(argv)
    chosen = args.only or list(NAMES)
    started = time.perf_counter()
    in_process = [n for n in chosen if n not in ("load", "bombs", "coverage")]
    for name, url in _databases(args) if in_process else []:
        app = make_app(url)
        t0 = time.perf_counter()
        counts = rebuild(app, args.size)
        print(f"\n== size {args.size} on {name}: {counts['tag']} tags, "
              f"{counts['realization']} realization rows, {counts['village']} desa "
              f"(loaded in {time.perf_counter() - t0:.1f} s)")
        if "rollup" in chosen:
            from bench import bench_rollup

            _show(bench_rollup.run(app, args.runs))
        if "pdf" in chosen:
            from bench import bench_pdf

            opd_only = args.pdf_scope == "opd" or (args.pdf_scope == "auto" and args.size == "L")
            _show(bench_pdf.run(app, max(2, args.runs // 2), opd_only=opd_only))
        if "import" in chosen:
            from bench import bench_import

            _show(bench_import.run(app, runs=max(2, args.runs // 2)))
        with app.app_context():
            from models import db

            db.engine.dispose()
        if url.startswith("sqlite:///"):
            os.remove(url[len("sqlite:///"):])
    if "load" in chosen:
        if not args.pg:
            print("\n== load: skipped (needs --pg or BENCH_DATABASE_URL: PostgreSQL)")
        else:
            from bench import load

            print(f"\n== load: {args.users} users, {args.seconds} s, gunicorn 2 workers")
            load.main(["--database-url", args.pg, "--users", str(args.users),
                       "--seconds", str(args.seconds)])
    if "bombs" in chosen:
        from bench import upload_bombs

        print("\n== upload bombs: gunicorn 2 workers on a temporary SQLite demo database")
        upload_bombs.report(upload_bombs.run())
    if "coverage" in chosen:
        from bench import bench_coverage

        n = args.coverage_members
        sizes = (n, n // 4, n // 4) if n else bench_coverage.SIZES[args.size]
        bench_coverage.run_all(*sizes, pg=args.pg, sqlite=not args.no_sqlite)
    print(f"\nall done in {time.perf_counter() - started:.0f} s")


def _show(results) -> None:
    for r in results:
        print(r.line(), flush=True)


if __name__ == "__main__":
    main()

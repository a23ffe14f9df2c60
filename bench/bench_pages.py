"""Per-page cost for one OPD officer and one secretariat user on S data: SQL statements, template
calls and in-process time (median of N runs), the figures behind the per-page regression budget
(tests/test_regression_budget.py) and docs/PERFORMANCE.md.

    .venv/bin/python -m bench.bench_pages                      # SQLite in a temporary file
    .venv/bin/python -m bench.bench_pages --pg postgresql://postgres@127.0.0.1:5432/bench_pages
    .venv/bin/python -m bench.bench_pages --json out.json --runs 25

The database is EMPTIED and rebuilt with S data (TW III reopened as in the load test). Requests
go through the Flask test client: routing, guard, SQL and template, no network. "Template calls"
are Python function calls made from compiled template code (macros, filters, url_for, ...)
during one request, counted with a profiler hook in a separate, untimed request.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal

from sqlalchemy import event, select, update

from bench.common import BENCH_PASSWORD, analyze, make_app, prepare_url

PAGES = ("home", "sheet", "list", "dashboard", "review", "save")


def prepare(app) -> dict:
    """S data, TW III reopened as a draft; an OPD officer and a secretariat user."""
    from app.accounts.accounts import create_user
    from bench.generate import generate
    from models import Opd, Quarter, Realization, SubActivity, Submission, Tag, db

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        generate(1)
        db.session.commit()
        analyze()
        q3 = db.session.scalar(select(Quarter).where(Quarter.number == 3))
        q2 = db.session.scalar(select(Quarter).where(Quarter.number == 2))
        db.session.execute(update(Submission).where(Submission.quarter_id == q3.id)
                           .values(status="draft", verified_at=None))
        # The largest OPD: the sheet with the most rows.
        opd = max(db.session.scalars(select(Opd)),
                  key=lambda o: len(db.session.scalars(select(Tag.id).join(SubActivity).where(
                      SubActivity.opd_id == o.id)).all()))
        tag_id = db.session.scalars(select(Tag.id).join(SubActivity).where(
            SubActivity.opd_id == opd.id).order_by(Tag.id)).first()
        amount = db.session.scalar(select(Realization.amount).where(
            Realization.tag_id == tag_id, Realization.quarter_id == q3.id))
        sub_q2 = db.session.scalar(select(Submission.id).where(
            Submission.opd_id == opd.id, Submission.quarter_id == q2.id))
        create_user("pages_opd", BENCH_PASSWORD, "opd", opd=opd)
        create_user("pages_sek", BENCH_PASSWORD, "secretariat")
        db.session.commit()
        tags = len(db.session.scalars(select(Tag.id).join(SubActivity).where(
            SubActivity.opd_id == opd.id)).all())
        plan = {"opd_id": opd.id, "q3_id": q3.id, "tag_id": tag_id, "amount": str(amount),
                "submission_id": sub_q2, "tags": tags}
        db.session.remove()
    return plan


def _form_values(html: str) -> dict:
    from bench.load import inputs

    return inputs(html)


def template_calls(fn) -> int:
    """Calls made from compiled template code (their code objects are named after .html files)."""
    count = 0

    def hook(frame, event_name, arg):
        nonlocal count
        if event_name in ("call", "c_call"):
            caller = frame.f_back if event_name == "call" else frame
            if caller is not None and caller.f_code.co_filename.endswith(".html"):
                count += 1

    sys.setprofile(hook)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def run(url: str, runs: int, freeze: bool = False) -> dict:
    app = make_app(url)
    plan = prepare(app)
    if freeze:
        import gc

        gc.collect()
        gc.freeze()
    statements: list[str] = []
    with app.app_context():
        from models import db

        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    opd, sek = app.test_client(), app.test_client()
    for client, user in ((opd, "pages_opd"), (sek, "pages_sek")):
        resp = client.post("/login", data={"username": user, "password": BENCH_PASSWORD})
        assert resp.status_code == 302, resp.status_code
    saves = {"n": 0}
    prefix = f"r-{plan['tag_id']}-"

    def save():
        page = opd.get("/realisasi/?triwulan=3").text
        form = {k: v for k, v in _form_values(page).items()
                if k.startswith("r-") or k == "csrf_token"}
        saves["n"] += 1  # one rupiah up and down: a real change every time
        form[prefix + "amount"] = str(Decimal(plan["amount"]) - saves["n"] % 2)
        statements.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        resp = opd.post(f"/realisasi/{plan['opd_id']}/{plan['q3_id']}", data=form)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert resp.status_code == 302, resp.status_code
        return elapsed, cpu

    gets = {
        "home": (opd, "/"),
        "sheet": (opd, "/realisasi/?triwulan=3"),
        "list": (opd, "/sub-kegiatan/"),
        "dashboard": (opd, "/dasbor/"),
        "review": (sek, f"/verifikasi/{plan['submission_id']}"),
    }
    out = {"backend": url.split(":")[0].split("+")[0], "tags_on_sheet": plan["tags"],
           "runs": runs, "pages": {}}
    for name in PAGES:
        if name == "save":
            save()  # warm-up
            times, cpus = zip(*[save() for _ in range(runs)], strict=True)
            n_statements = len(statements)
            calls = None
        else:
            client, path = gets[name]
            assert client.get(path).status_code == 200  # warm-up (templates compiled)
            statements.clear()
            client.get(path)
            n_statements = len(statements)
            calls = template_calls(lambda c=client, p=path: c.get(p))
            times, cpus = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                resp = client.get(path)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
                assert resp.status_code == 200
        out["pages"][name] = {"median_ms": round(statistics.median(times) * 1000, 2),
                              "min_ms": round(min(times) * 1000, 2),
                              # CPU time of this process: on a shared machine, less disturbed
                              # than wall time (SQLite runs in-process; PostgreSQL's own work
                              # is not in it).
                              "cpu_median_ms": round(statistics.median(cpus) * 1000, 2),
                              "statements": n_statements, "template_calls": calls}
    with app.app_context():
        from models import db

        db.session.remove()
        db.engine.dispose()
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pages")
    parser.add_argument("--pg", default=None, help="a throwaway PostgreSQL database")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", default=None, help="also write the figures here")
    parser.add_argument("--freeze", action="store_true",
                        help="gc.freeze() after start-up, as wsgi.py does in the server")
    args = parser.parse_args(argv)
    if args.pg:
        url = prepare_url(args.pg)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='tagar-pages-')}/pages.db"
    result = run(url, args.runs, args.freeze)
    with open("/proc/loadavg") as fh:
        result["loadavg"] = fh.read().split()[:3]
    print(f"{result['backend']}: {result['tags_on_sheet']} tags on the sheet, "
          f"median of {args.runs} runs, load average {' '.join(result['loadavg'])}")
    for name, p in result["pages"].items():
        calls = "" if p["template_calls"] is None else f"  {p['template_calls']:6d} template calls"
        print(f"  {name:<10} {p['median_ms']:8.2f} ms (min {p['min_ms']:.2f}, CPU "
              f"{p['cpu_median_ms']:.2f})  "
              f"{p['statements']:3d} statements{calls}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=1)
    if url.startswith("sqlite:///"):
        os.remove(url[len("sqlite:///"):])


if __name__ == "__main__":
    main()

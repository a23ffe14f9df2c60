"""HTTP load test on loopback: gunicorn (2 workers) on PostgreSQL with size-S data, many users.

    .venv/bin/python -m bench.load --database-url postgresql://postgres@127.0.0.1:5432/bench_load

The database is EMPTIED and rebuilt with S data; Triwulan III is reopened (draft) for every OPD
so realization can be saved, and one OPD account is made per simulated user (scrypt hashes, as
in production). Each user is a thread with its own keep-alive connection and cookie: it logs in
(CSRF token from the login form), then, until time is up, picks an action, waits a think time
and goes again. Each user edits its own tag, so a refused save is an error, not a race.
Latencies are per request; p50/p95/p99 per action and overall. gunicorn is stopped at the end.

A report download is a job (issue 12): the POST answers 303 to the build, which the user polls
(`/laporan/bangun/<id>`, as the page does) and then downloads; "PDF request -> file" is the time
from the POST to the last byte of the file. `--jobs-url` picks the queue (Redis with
`--job-workers` worker processes by default; `immediate` builds inside the request, as before),
`--nodes 2` runs two gunicorns sharing the database and queue, users split between them.
"""
import argparse
import http.client
import json
import os
import random
import re
import statistics
import tempfile
import threading
import time
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

from bench.common import BENCH_NOW, BENCH_PASSWORD, prepare_url
from bench.servers import ROOT, free_port, start_gunicorn, start_job_workers, stop

__all__ = ["ROOT", "User", "free_port", "inputs", "start_gunicorn", "start_job_workers", "stop"]

# Action -> weight in the mix an OPD officer produces in a reporting week.
MIX = {"list": 30, "dashboard": 20, "save": 25, "home": 15, "pdf": 10}
ACTION_RE = re.compile(r'action="/realisasi/(\d+)/(\d+)"')
BUILD_RE = re.compile(r"#build-(\d+)")
POLL_SECONDS = (0.5, 1.0)  # first poll, then every: as app/static/reports.js does
BUILD_TIMEOUT = 300


class _Inputs(HTMLParser):
    """name -> value of every <input> and <textarea> on a page."""

    def __init__(self):
        super().__init__()
        self.values, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def inputs(html: str) -> dict:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


# --- preparing the database ------------------------------------------------------------------

def prepare(url: str, users: int) -> list[dict]:
    """S data, TW III reopened, one OPD account per user; each user's tag and amounts."""
    from sqlalchemy import select, update

    from app import create_app
    from app.accounts.accounts import create_user
    from bench.common import analyze
    from bench.generate import generate
    from config import Config
    from models import Opd, Quarter, Realization, SubActivity, Submission, Tag, db

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, TAGAR_NOW=BENCH_NOW)
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate(1)
        db.session.commit()
        analyze()  # planner statistics, and id sequences past the generated rows
        q3 = db.session.scalar(select(Quarter).where(Quarter.number == 3))
        db.session.execute(update(Submission).where(Submission.quarter_id == q3.id)
                           .values(status="draft", verified_at=None))
        opds = db.session.scalars(select(Opd).order_by(Opd.id)).all()
        q3_amount = dict(db.session.execute(select(Realization.tag_id, Realization.amount)
                                            .where(Realization.quarter_id == q3.id)).all())
        plan = []
        for i in range(users):
            opd = opds[i % len(opds)]
            tags = db.session.scalars(select(Tag.id).join(SubActivity)
                                      .where(SubActivity.opd_id == opd.id).order_by(Tag.id)).all()
            tag_id = tags[(i // len(opds)) % len(tags)]
            create_user(f"load{i:03d}", BENCH_PASSWORD, "opd", opd=opd)
            plan.append({"username": f"load{i:03d}", "opd_id": opd.id, "tag_id": tag_id,
                         "amount": q3_amount[tag_id]})
        db.session.commit()
        db.engine.dispose()
    return plan


# --- one simulated user ------------------------------------------------------------------------

class User:
    def __init__(self, port: int, spec: dict, record, think: float, record_file=None):
        self.port, self.spec, self.record, self.think = port, spec, record, think
        self.record_file = record_file or (lambda ms: None)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.saves = 0

    def request(self, action, method, path, form=None, expect=(200,), raw=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.record(action, (time.perf_counter() - t0) * 1000, f"{type(exc).__name__}")
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return None
        ms = (time.perf_counter() - t0) * 1000
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        self.record(action, ms, None if resp.status in expect else f"HTTP {resp.status}")
        if resp.status not in expect:
            return None
        if raw:
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        return data.decode("utf-8", "replace")

    def log_in(self) -> bool:
        page = self.request("login form", "GET", "/login")
        if page is None:
            return False
        form = {"csrf_token": inputs(page).get("csrf_token", ""),
                "username": self.spec["username"], "password": BENCH_PASSWORD}
        return self.request("login", "POST", "/login", form, expect=(302,)) is not None

    def save(self):
        page = self.request("sheet", "GET", "/realisasi/?triwulan=3")
        match = page and ACTION_RE.search(page)
        if not match:
            return
        values = inputs(page)
        prefix = f"r-{self.spec['tag_id']}-"
        form = {k: v for k, v in values.items() if k.startswith(prefix) or k == "csrf_token"}
        self.saves += 1  # alternate by one rupiah: a real change, never below TW II
        form[prefix + "amount"] = str(Decimal(self.spec["amount"]) - self.saves % 2)
        self.request("save", "POST", f"/realisasi/{match[1]}/{match[2]}", form, expect=(302,))

    def pdf(self):
        page = self.request("report form", "GET", "/laporan/")
        if page is None:
            return
        form = {"csrf_token": inputs(page).get("csrf_token", ""), "variant": "opd",
                "year": "2026", "quarter": "3", "semester": "1",
                "opd_id": str(self.spec["opd_id"]), "include_unverified": "y", "fmt": "pdf",
                "number": ""}
        # The build is a job: a new one answers 303 to the report page (#build-<id>), a stored
        # one the file itself. Poll the build's state like the page does, then download.
        t0 = time.perf_counter()
        resp = self.request("pdf", "POST", "/laporan/", form, expect=(200, 303), raw=True)
        if resp is None:
            return
        status, headers, _ = resp
        if status == 303:
            match = BUILD_RE.search(headers.get("location", ""))
            if not match or not self.follow_build(int(match[1])):
                return
        self.record_file((time.perf_counter() - t0) * 1000)

    def follow_build(self, build_id: int) -> bool:
        """Poll /laporan/bangun/<id> until done, then fetch the file. False on failure."""
        deadline = time.time() + BUILD_TIMEOUT
        time.sleep(POLL_SECONDS[0])
        while time.time() < deadline:
            body = self.request("pdf poll", "GET", f"/laporan/bangun/{build_id}")
            state = json.loads(body) if body else {"status": "failed"}
            if state["status"] == "done":
                return self.request("pdf file", "GET", state["download_url"]) is not None
            if state["status"] == "failed":
                self.record("pdf build", 0.0, f"failed: {state.get('error')}")
                return False
            time.sleep(POLL_SECONDS[1])
        self.record("pdf build", 0.0, "timeout")
        return False

    def run(self, start_at: float, stop_at: float, rng: random.Random):
        time.sleep(max(0.0, start_at - time.time()))
        if not self.log_in():
            return
        actions, weights = list(MIX), list(MIX.values())
        while time.time() < stop_at:
            action = rng.choices(actions, weights)[0]
            if action == "list":
                self.request("list", "GET", "/sub-kegiatan/")
            elif action == "dashboard":
                self.request("dashboard", "GET", "/dasbor/")
            elif action == "home":
                self.request("home", "GET", "/")
            elif action == "save":
                self.save()
            else:
                self.pdf()
            time.sleep(rng.uniform(0.5, 1.5) * self.think)
        self.conn.close()


# --- the run -----------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, users: int, seconds: int, think: float, ramp: float, workers: int,
        threads: int, jobs_url: str = "", job_workers: int = 1, nodes: int = 1,
        job_nice: int = 0) -> dict:
    url = prepare_url(url)
    plan = prepare(url, users)
    ports = [free_port() for _ in range(nodes)]
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    to_file: list[float] = []
    lock = threading.Lock()

    def record(action, ms, error):
        with lock:
            samples.setdefault(action, []).append(ms)
            if error:
                errors[f"{action}: {error}"] = errors.get(f"{action}: {error}", 0) + 1

    def record_file(ms):
        with lock:
            to_file.append(ms)

    # Redis: a queue of this run's own, worked by separate worker processes. Without it, each
    # gunicorn worker works an SQLite queue file in a thread of its own (the embedded default).
    # "immediate": the build runs inside the request, as before issue 12 (for comparison).
    if jobs_url == "immediate":
        jobs_env, jobs_url = {"TAGAR_JOBS_WORKER": "immediate"}, ""
        job_workers, label = 0, "immediate (built inside the request)"
    elif jobs_url:
        jobs_env = {"TAGAR_JOBS_URL": jobs_url, "TAGAR_JOBS_QUEUE": f"tagar-load-{os.getpid()}"}
        label = f"Redis, {job_workers} worker process(es), nice {job_nice}"
    else:
        jobs_env = {"TAGAR_JOBS_URL": "sqlite:///" + os.path.join(tempfile.mkdtemp(), "jobs.db")}
        label = "embedded (SQLite queue, a thread in each gunicorn worker)"
    with tempfile.NamedTemporaryFile("w+", prefix="tagar-gunicorn-", suffix=".log",
                                     delete=False) as log:
        # Several nodes: gunicorns on ports of their own, sharing the database and queue,
        # each user talking to one of them (round robin), as behind a balancer.
        procs = [start_gunicorn(url, port, workers, threads, log, env=jobs_env)
                 for port in ports]
        helpers = (start_job_workers(url, jobs_env, job_workers, log, nice=job_nice)
                   if jobs_url else [])
        try:
            begin = time.time()
            stop_at = begin + ramp + seconds
            rng = random.Random(8)
            pool = [threading.Thread(target=User(ports[i % nodes], spec, record, think,
                                                 record_file).run,
                                     args=(begin + ramp * i / users, stop_at,
                                           random.Random(rng.random())), daemon=True)
                    for i, spec in enumerate(plan)]
            for t in pool:
                t.start()
            for t in pool:
                t.join(timeout=stop_at - time.time() + 120)
            elapsed = time.time() - begin
        finally:
            stop([*procs, *helpers])
    return {"samples": samples, "errors": errors, "elapsed": elapsed, "log": log.name,
            "users": users, "workers": workers, "threads": threads, "think": think,
            "nodes": nodes,
            "to_file": to_file, "jobs": label}


def report(result: dict) -> None:
    samples = result["samples"]
    everything = [ms for values in samples.values() for ms in values]
    print(f"  {result['users']} users, {result.get('nodes', 1)} node(s) of gunicorn "
          f"{result['workers']} workers x "
          f"{result['threads']} threads, think {result['think']:.1f} s, "
          f"{len(everything)} requests in {result['elapsed']:.0f} s "
          f"({len(everything) / result['elapsed']:.0f} req/s)")
    print(f"  {'action':<12} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    for action in sorted(samples) + ["ALL"]:
        values = everything if action == "ALL" else samples[action]
        print(f"  {action:<12} {len(values):>6} {statistics.median(values):8.0f} "
              f"{percentile(values, 95):8.0f} {percentile(values, 99):8.0f} "
              f"{max(values):8.0f}")
    to_file = result.get("to_file") or []
    print(f"  jobs: {result.get('jobs')}")
    if to_file:
        print(f"  PDF request -> file: n {len(to_file)}, p50 {statistics.median(to_file):.0f} ms, "
              f"p95 {percentile(to_file, 95):.0f} ms, max {max(to_file):.0f} ms")
    total_errors = sum(result["errors"].values())
    print(f"  errors: {total_errors}" + "".join(f"\n    {k}: {v}"
                                                 for k, v in result["errors"].items()))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start all users")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--pdf-weight", type=int, default=MIX["pdf"],
                        help="share of PDF downloads in the mix (of about 100)")
    parser.add_argument("--jobs-url", default=os.environ.get("BENCH_JOBS_URL",
                                                             "redis://127.0.0.1:6379/0"),
                        help="Redis queue for report builds ('': the embedded SQLite queue; "
                             "'immediate': built inside the request, as before)")
    parser.add_argument("--job-workers", type=int, default=2,
                        help="`flask jobs worker` processes (with --jobs-url)")
    parser.add_argument("--job-nice", type=int, default=0,
                        help="CPU niceness of the job workers (10: web requests first)")
    parser.add_argument("--nodes", type=int, default=1,
                        help="app nodes (gunicorn processes of --workers each)")
    args = parser.parse_args(argv)
    MIX["pdf"] = args.pdf_weight
    report(run(args.database_url, args.users, args.seconds, args.think, args.ramp,
               args.workers, args.threads, args.jobs_url, args.job_workers, args.nodes,
               args.job_nice))


if __name__ == "__main__":
    main()

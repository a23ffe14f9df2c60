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
# Deadline day (issue 25): the same officers, who also submit their OPD's report; a submitted
# report refuses saves (409, counted as "save locked", not an error) until a reviewer returns it.
DEADLINE_MIX = {"list": 25, "dashboard": 20, "save": 27, "home": 15, "pdf": 10, "submit": 3}
REVIEW_MIX = {"queue": 40, "detail": 40, "return": 10, "dashboard": 10}
# A named profile serves as docs/DEPLOY.md deploys on a machine of 2 CPUs: gunicorn 2 x CPU
# workers of 4 threads, the dashboard cache in Redis (shared by the workers), report builds by
# job workers at nice 10. `--workers 2 --threads 1 --job-nice 0 --cache-url ""` is the setup
# before issue 25 (2 sync workers, a cache per process).
PRODUCTION = {"workers": 4, "threads": 4, "job_nice": 10,
              "cache_url": "redis://127.0.0.1:6379/0"}
# Named profiles (`--profile`); the explicit options override them.
PROFILES = {
    # 60 officers arriving over 60 s, then steady for 5 minutes, thinking 5-10 s; 10 % report
    # requests (jobs); 5 secretariat reviewers on the queue.
    "deadline-day": {"users": 60, "ramp": 60.0, "seconds": 300, "think_range": (5.0, 10.0),
                     "reviewers": 5, "mix": DEADLINE_MIX, **PRODUCTION},
    # The same officers all arriving within 10 s (08:00 on deadline day): a storm of logins.
    "login-storm": {"users": 60, "ramp": 10.0, "seconds": 120, "think_range": (5.0, 10.0),
                    "reviewers": 5, "mix": DEADLINE_MIX, **PRODUCTION},
    # 100 officers, 1 s think: throughput and what breaks first.
    "stress": {"users": 100, "ramp": 10.0, "seconds": 60, "think_range": (0.5, 1.5),
               "reviewers": 0, "mix": MIX, **PRODUCTION},
}
ACTION_RE = re.compile(r'action="/realisasi/(\d+)/(\d+)"')
SUBMIT_RE = re.compile(r'action="(/realisasi/\d+/\d+/ajukan)"')
REVIEW_RE = re.compile(r'href="/verifikasi/(\d+)"')
DECIDE_RE = re.compile(r'action="(/verifikasi/\d+/kembalikan)"')
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

def prepare(url: str, users: int, reviewers: int = 0) -> list[dict]:
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
        for i in range(reviewers):
            create_user(f"review{i:02d}", BENCH_PASSWORD, "secretariat")
            plan.append({"username": f"review{i:02d}", "reviewer": True})
        db.session.commit()
        db.engine.dispose()
    return plan


# --- one simulated user ------------------------------------------------------------------------

class User:
    def __init__(self, port: int, spec: dict, record, think: float, record_file=None,
                 think_range: tuple[float, float] | None = None, mix: dict | None = None):
        self.port, self.spec, self.record, self.think = port, spec, record, think
        self.think_range = think_range or (0.5 * think, 1.5 * think)
        self.mix = mix or MIX
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
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed the idle keep-alive connection during the think time (as
                # gunicorn's threaded workers do after --keep-alive seconds): a browser opens a
                # new one and sends the request again, and so does this user.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                t0 = time.perf_counter()
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
        resp = self.request("save", "POST", f"/realisasi/{match[1]}/{match[2]}", form,
                            expect=(302, 409) if "submit" in self.mix else (302,), raw=True)
        if resp and resp[0] == 409:
            self.record("save locked", 0.0, None)  # submitted meanwhile: refused, as it must

    def submit(self):
        page = self.request("sheet", "GET", "/realisasi/?triwulan=3")
        match = page and SUBMIT_RE.search(page)
        if not match:
            return  # submitted already (by a colleague of the same OPD)
        values = inputs(page)
        # 200: the sheet again, naming what must be explained first; 409: a colleague was first.
        self.request("submit", "POST", match[1], {"csrf_token": values.get("csrf_token", ""),
                                                  "version": values.get("version", "")},
                     expect=(200, 302, 409))

    def review(self, rng: random.Random):
        """A secretariat reviewer: the queue, a submitted report, now and then returned."""
        action = rng.choices(list(REVIEW_MIX), list(REVIEW_MIX.values()))[0]
        if action == "dashboard":
            self.request("dashboard", "GET", "/dasbor/")
            return
        page = self.request("review queue", "GET", "/verifikasi/?triwulan=3")
        ids = REVIEW_RE.findall(page or "")
        if action == "queue" or not ids:
            return
        detail = self.request("review detail", "GET", f"/verifikasi/{rng.choice(ids)}")
        match = detail and DECIDE_RE.search(detail)
        if action == "return" and match:
            values = inputs(detail)
            self.request("review return", "POST", match[1], {
                "csrf_token": values.get("csrf_token", ""), "version": values.get("version", ""),
                "general": "Mohon dilengkapi penjelasan realisasi."}, expect=(302, 409))

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
        actions, weights = list(self.mix), list(self.mix.values())
        while time.time() < stop_at:
            if self.spec.get("reviewer"):
                self.review(rng)
                time.sleep(rng.uniform(*self.think_range))
                continue
            action = rng.choices(actions, weights)[0]
            if action == "submit":
                self.submit()
            elif action == "list":
                self.request("list", "GET", "/sub-kegiatan/")
            elif action == "dashboard":
                self.request("dashboard", "GET", "/dasbor/")
            elif action == "home":
                self.request("home", "GET", "/")
            elif action == "save":
                self.save()
            else:
                self.pdf()
            time.sleep(rng.uniform(*self.think_range))
        self.conn.close()


# --- the run -----------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, users: int, seconds: int, think: float, ramp: float, workers: int,
        threads: int, jobs_url: str = "", job_workers: int = 1, nodes: int = 1,
        job_nice: int = 0, think_range: tuple[float, float] | None = None,
        mix: dict | None = None, reviewers: int = 0, cache_url: str = "") -> dict:
    url = prepare_url(url)
    plan = prepare(url, users, reviewers)
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
    # The dashboard cache: each process's memory, or one Redis for every worker (production),
    # under a prefix of this run's own.
    cache_env = ({"TAGAR_CACHE_URL": cache_url, "TAGAR_CACHE_PREFIX": f"tagar-load-{os.getpid()}:"}
                 if cache_url else {"TAGAR_CACHE_URL": ""})
    with tempfile.NamedTemporaryFile("w+", prefix="tagar-gunicorn-", suffix=".log",
                                     delete=False) as log:
        # Several nodes: gunicorns on ports of their own, sharing the database and queue,
        # each user talking to one of them (round robin), as behind a balancer.
        procs = [start_gunicorn(url, port, workers, threads, log, env={**jobs_env, **cache_env})
                 for port in ports]
        helpers = (start_job_workers(url, jobs_env, job_workers, log, nice=job_nice)
                   if jobs_url else [])
        try:
            load_before = os.getloadavg()
            begin = time.time()
            stop_at = begin + ramp + seconds
            rng = random.Random(8)
            pool = [threading.Thread(target=User(ports[i % nodes], spec, record, think,
                                                 record_file, think_range, mix).run,
                                     args=(begin + ramp * i / len(plan), stop_at,
                                           random.Random(rng.random())), daemon=True)
                    for i, spec in enumerate(plan)]
            for t in pool:
                t.start()
            for t in pool:
                t.join(timeout=stop_at - time.time() + 120)
            elapsed = time.time() - begin
            load_after = os.getloadavg()
        finally:
            stop([*procs, *helpers])
    return {"samples": samples, "errors": errors, "elapsed": elapsed, "log": log.name,
            "users": users, "workers": workers, "threads": threads, "think": think,
            "nodes": nodes, "reviewers": reviewers, "think_range": think_range,
            "load": (load_before, load_after), "ramp": ramp, "seconds": seconds,
            "to_file": to_file, "jobs": label, "cache": cache_url or "memory of each worker"}


def report(result: dict) -> None:
    samples = result["samples"]
    everything = [ms for values in samples.values() for ms in values]
    print(f"  {result['users']} users, {result.get('nodes', 1)} node(s) of gunicorn "
          f"{result['workers']} workers x "
          f"{result['threads']} threads, think "
          + (f"{result['think_range'][0]:.1f}-{result['think_range'][1]:.1f} s"
             if result.get("think_range") else f"{result['think']:.1f} s")
          + f", {result.get('reviewers', 0)} reviewers, ramp {result.get('ramp', 0):.0f} s + "
          f"{result.get('seconds', 0)} s steady, "
          f"{len(everything)} requests in {result['elapsed']:.0f} s "
          f"({len(everything) / result['elapsed']:.0f} req/s)")
    print(f"  {'action':<12} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    for action in sorted(samples) + ["ALL"]:
        values = everything if action == "ALL" else samples[action]
        print(f"  {action:<12} {len(values):>6} {statistics.median(values):8.0f} "
              f"{percentile(values, 95):8.0f} {percentile(values, 99):8.0f} "
              f"{max(values):8.0f}")
    to_file = result.get("to_file") or []
    print(f"  jobs: {result.get('jobs')}; dashboard cache: {result.get('cache')}")
    if result.get("load"):
        before, after = result["load"]
        print(f"  load average (1/5/15 min): before {before[0]:.2f}/{before[1]:.2f}/"
              f"{before[2]:.2f}, after {after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f}")
    if to_file:
        print(f"  PDF request -> file: n {len(to_file)}, p50 {statistics.median(to_file):.0f} ms, "
              f"p95 {percentile(to_file, 95):.0f} ms, max {max(to_file):.0f} ms")
    total_errors = sum(result["errors"].values())
    print(f"  errors: {total_errors}" + "".join(f"\n    {k}: {v}"
                                                 for k, v in result["errors"].items()))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=None,
                        help="a named load: deadline-day (60 users over 60 s, 5 min steady, "
                             "think 5-10 s, 5 reviewers), login-storm (the same arriving "
                             "within 10 s, 2 min steady) or stress (100 users, 1 s think); "
                             "served as docs/DEPLOY.md deploys (4 x 4 threads, Redis cache, "
                             "job workers at nice 10)")
    parser.add_argument("--users", type=int, default=None, help="bawaan 100")
    parser.add_argument("--seconds", type=int, default=None, help="steady seconds (45)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--ramp", type=float, default=None, help="seconds to start all users")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=None,
                        help="gunicorn threads per worker (1)")
    parser.add_argument("--pdf-weight", type=int, default=MIX["pdf"],
                        help="share of PDF downloads in the mix (of about 100)")
    parser.add_argument("--jobs-url", default=os.environ.get("BENCH_JOBS_URL",
                                                             "redis://127.0.0.1:6379/0"),
                        help="Redis queue for report builds ('': the embedded SQLite queue; "
                             "'immediate': built inside the request, as before)")
    parser.add_argument("--job-workers", type=int, default=2,
                        help="`flask jobs worker` processes (with --jobs-url)")
    parser.add_argument("--job-nice", type=int, default=None,
                        help="CPU niceness of the job workers (0; 10: web requests first)")
    parser.add_argument("--cache-url", default=None,
                        help="the app's TAGAR_CACHE_URL ('': each worker's memory)")
    parser.add_argument("--nodes", type=int, default=1,
                        help="app nodes (gunicorn processes of --workers each)")
    args = parser.parse_args(argv)
    MIX["pdf"] = args.pdf_weight
    profile = PROFILES.get(args.profile, {})
    users = args.users or profile.get("users", 100)
    seconds = args.seconds or profile.get("seconds", 45)
    ramp = args.ramp if args.ramp is not None else profile.get("ramp", 10.0)
    if args.profile:
        print(f"profile {args.profile}")
    def pick(name, default):  # an explicit option, else the profile's, else the default
        value = getattr(args, name)
        return value if value is not None else profile.get(name, default)

    report(run(args.database_url, users, seconds, args.think, ramp,
               pick("workers", 2), pick("threads", 1), args.jobs_url, args.job_workers,
               args.nodes, pick("job_nice", 0), profile.get("think_range"), profile.get("mix"),
               profile.get("reviewers", 0), pick("cache_url", "")))


if __name__ == "__main__":
    main()

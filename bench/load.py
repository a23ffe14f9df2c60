"""HTTP load test on loopback: gunicorn (2 workers) on PostgreSQL with size-S data, many users.

    .venv/bin/python -m bench.load --database-url postgresql://postgres@127.0.0.1:5432/bench_load

The database is EMPTIED and rebuilt with S data; Triwulan III is reopened (draft) for every OPD
so realization can be saved, and one OPD account is made per simulated user (scrypt hashes, as
in production). Each user is a thread with its own keep-alive connection and cookie: it logs in
(CSRF token from the login form), then, until time is up, picks an action, waits a think time
and goes again. Each user edits its own tag, so a refused save is an error, not a race.
Latencies are per request; p50/p95/p99 per action and overall. gunicorn is stopped at the end.
"""
import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BENCH_NOW, BENCH_PASSWORD, guard_url

ROOT = Path(__file__).resolve().parents[1]
# Action -> weight in the mix an OPD officer produces in a reporting week.
MIX = {"list": 30, "dashboard": 20, "save": 25, "home": 15, "pdf": 10}
ACTION_RE = re.compile(r'action="/realisasi/(\d+)/(\d+)"')


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
    from app.services.accounts import create_user
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


# --- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, log, root: Path = ROOT,
                   env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TAGAR_NOW": BENCH_NOW,
           "SECRET_KEY": "bench-load-secret", "PYTHONPATH": str(root), **(env or {})}
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket",
           "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
           "--chdir", str(root), "wsgi:app"]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=root)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not start; see its log")


# --- one simulated user ------------------------------------------------------------------------

class User:
    def __init__(self, port: int, spec: dict, record, think: float):
        self.port, self.spec, self.record, self.think = port, spec, record, think
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.saves = 0

    def request(self, action, method, path, form=None, expect=(200,)):
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
        return data.decode("utf-8", "replace") if resp.status in expect else None

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
        self.request("pdf", "POST", "/laporan/", form)

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
        threads: int) -> dict:
    url = guard_url(url)
    plan = prepare(url, users)
    port = free_port()
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def record(action, ms, error):
        with lock:
            samples.setdefault(action, []).append(ms)
            if error:
                errors[f"{action}: {error}"] = errors.get(f"{action}: {error}", 0) + 1

    with tempfile.NamedTemporaryFile("w+", prefix="tagar-gunicorn-", suffix=".log",
                                     delete=False) as log:
        proc = start_gunicorn(url, port, workers, threads, log)
        try:
            begin = time.time()
            stop_at = begin + ramp + seconds
            rng = random.Random(8)
            pool = [threading.Thread(target=User(port, spec, record, think).run,
                                     args=(begin + ramp * i / users, stop_at,
                                           random.Random(rng.random())), daemon=True)
                    for i, spec in enumerate(plan)]
            for t in pool:
                t.start()
            for t in pool:
                t.join(timeout=stop_at - time.time() + 120)
            elapsed = time.time() - begin
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    return {"samples": samples, "errors": errors, "elapsed": elapsed, "log": log.name,
            "users": users, "workers": workers, "threads": threads, "think": think}


def report(result: dict) -> None:
    samples = result["samples"]
    everything = [ms for values in samples.values() for ms in values]
    print(f"  {result['users']} users, gunicorn {result['workers']} workers x "
          f"{result['threads']} threads, think {result['think']:.1f} s, "
          f"{len(everything)} requests in {result['elapsed']:.0f} s "
          f"({len(everything) / result['elapsed']:.0f} req/s)")
    print(f"  {'action':<12} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  ms")
    for action in sorted(samples) + ["ALL"]:
        values = everything if action == "ALL" else samples[action]
        print(f"  {action:<12} {len(values):>6} {statistics.median(values):8.0f} "
              f"{percentile(values, 95):8.0f} {percentile(values, 99):8.0f} "
              f"{max(values):8.0f}")
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
    args = parser.parse_args(argv)
    MIX["pdf"] = args.pdf_weight
    report(run(args.database_url, args.users, args.seconds, args.think, args.ramp,
               args.workers, args.threads))


if __name__ == "__main__":
    main()

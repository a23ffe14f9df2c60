"""Fault drill (issue 24): PostgreSQL drops every connection of the app for a while, under load.

    .venv/bin/python -m bench.fault --database-url postgresql://postgres@127.0.0.1:5432/bench_fault

The database is EMPTIED and rebuilt with S data (bench.load.prepare). gunicorn (1 worker x 4
threads, the embedded job worker on an SQLite queue file) serves it; client threads save
realization figures through the API (each its own tag, carrying the version it read) and
request report builds (a new letter number each time, so each is a new build). Meanwhile a
second connection terminates every backend of the database (`pg_terminate_backend`) every 50 ms
for `--outage` seconds: what a PostgreSQL restart or a fail-over does to the app, without
stopping a server other people share. `--redis-port` instead runs the queue on a redis-server of
its own on that port and kills and restarts it (never the shared 6379).

Afterwards it counts the answers by status, checks that every figure answered 200 is stored
with its audit row and every stored change has one, waits up to two minutes for every build to
end, and requests the first report again. `--root` runs another checkout's code (the "before").
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import BENCH_NOW, prepare_url
from bench.load import prepare
from bench.servers import ROOT, free_port, start_gunicorn, start_job_workers, stop

YEAR = 2026


class ApiClient:
    def __init__(self, port: int, secret: str):
        self.port, self.secret = port, secret
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body=None):
        headers = {"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json"}
        try:
            self.conn.request(method, path, body=json.dumps(body) if body else None,
                              headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return type(exc).__name__, None
        try:
            return resp.status, json.loads(data)
        except ValueError:
            return resp.status, None


def _tokens(url: str, plan: list[dict]) -> list[str]:
    from app import create_app
    from app.accounts.api_tokens import create_token
    from config import Config
    from models import User, db

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, TAGAR_NOW=BENCH_NOW)
    with app.app_context():
        secrets = []
        for spec in plan:
            user = db.session.query(User).filter_by(username=spec["username"]).one()
            secrets.append(create_token(user, "drill")[1])
        db.session.commit()
        db.engine.dispose()
    return secrets


def _audits_and_versions(url: str, tag_ids: list[int]) -> dict[int, tuple[int, int]]:
    """tag id -> (audit rows of its TW III realization, its version)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.tag_id, r.version, (SELECT count(*) FROM audit_log a WHERE "
            "a.entity = 'realization' AND a.entity_id = r.id) FROM realization r "
            "JOIN quarter q ON q.id = r.quarter_id WHERE q.number = 3 AND r.tag_id = ANY(:ids)"),
            {"ids": tag_ids}).all()
    engine.dispose()
    return {tag_id: (audits, version) for tag_id, version, audits in rows}


def _builds(url: str) -> Counter:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        counts = Counter(dict(conn.execute(text(
            "SELECT status, count(*) FROM report_build GROUP BY status")).all()))
    engine.dispose()
    return counts


def _terminate(url: str, seconds: float) -> int:
    """Terminate every other backend of the database, every 50 ms for `seconds`."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    killed, end = 0, time.monotonic() + seconds
    with admin.connect() as conn:
        while time.monotonic() < end:
            killed += len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())
            time.sleep(0.05)
    admin.dispose()
    return killed


def _redis_server(port: int, workdir: str):
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server not found")
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


def run(url: str, *, root: Path = ROOT, clients: int = 6, outage: float = 1.5,
        lead: float = 3.0, tail: float = 4.0, redis_port: int | None = None) -> dict:
    url = prepare_url(url)
    plan = prepare(url, clients)
    secrets = _tokens(url, plan)
    port, workdir = free_port(), tempfile.mkdtemp(prefix="tagar-fault-")
    redis = None
    if redis_port:
        redis = _redis_server(redis_port, workdir)
        # The production queue: Redis, worked by a `flask jobs worker` process.
        env = {"TAGAR_JOBS_URL": f"redis://127.0.0.1:{redis_port}/0",
               "TAGAR_JOBS_QUEUE": f"tagar-fault-{os.getpid()}"}
    else:
        env = {"TAGAR_JOBS_URL": f"sqlite:///{workdir}/jobs.db"}
    statuses: Counter = Counter()
    per_tag = {spec["tag_id"]: Counter() for spec in plan}
    first_ok_after: list[float] = []
    build_ids: list[tuple[int, str]] = []  # (build id, the secret of the user who asked)
    lock = threading.Lock()
    outage_end = [float("inf")]
    baseline = _audits_and_versions(url, list(per_tag))
    log = open(os.path.join(workdir, "gunicorn.log"), "w+")
    server = start_gunicorn(url, port, 1, 4, log, root=root, env=env)
    helpers = start_job_workers(url, env, 1, log, root=root) if redis_port else []
    stop_at = time.monotonic() + lead + outage + tail

    def saver(spec, secret):
        client, path = ApiClient(port, secret), f"/api/v1/tags/{spec['tag_id']}/realizations/3"
        current, n = None, 0
        while time.monotonic() < stop_at:
            if current is None:
                status, body = client.call("GET", path)
                if status != 200:
                    with lock:
                        statuses[f"read {status}"] += 1
                    time.sleep(0.05)
                    continue
                current = body
            n += 1
            amount = int(float(current["amount"])) + (1 if n % 2 else -1)
            status, body = client.call("PUT", path, {
                "amount": str(amount), "physical_progress": current["physical_progress"],
                "reached_count": current["reached_count"], "version": current["version"]})
            with lock:
                statuses[f"save {status}"] += 1
                per_tag[spec["tag_id"]][status] += 1
                if status == 200 and time.monotonic() > outage_end[0]:
                    first_ok_after.append(time.monotonic() - outage_end[0])
            current = body if status == 200 else None
            time.sleep(0.02)
        client.conn.close()

    def reporter(spec, secret):
        client, n = ApiClient(port, secret), 0
        while time.monotonic() < stop_at:
            n += 1
            status, body = client.call("POST", "/api/v1/reports", {
                "format": "pdf", "variant": "opd", "year": YEAR, "quarter": 3,
                "opd_id": spec["opd_id"], "include_unverified": True,
                "number": f"{os.getpid()}/{spec['username']}/{n}"})
            with lock:
                statuses[f"report {status}"] += 1
                if isinstance(body, dict) and body.get("id"):
                    build_ids.append((body["id"], secret))
            time.sleep(0.5)
        client.conn.close()

    try:
        threads = [threading.Thread(target=saver, args=(spec, secret), daemon=True)
                   for spec, secret in zip(plan[:-2], secrets[:-2], strict=True)]
        threads += [threading.Thread(target=reporter, args=(spec, secret), daemon=True)
                    for spec, secret in zip(plan[-2:], secrets[-2:], strict=True)]
        for t in threads:
            t.start()
        time.sleep(lead)
        began = time.monotonic()
        if redis is not None:
            redis.kill()
            redis.wait()
            time.sleep(outage)
            redis = _redis_server(redis_port, workdir)
            killed = 0
        else:
            killed = _terminate(url, outage)
        outage_end[0] = time.monotonic()
        for t in threads:
            t.join(timeout=tail + 120)
        # Every build ends (done or failed with a reason) within two minutes, its status polled
        # as the report page does (a poll re-queues a build whose queue entry was lost).
        deadline, builds = time.monotonic() + 120, Counter()
        pollers = {secret: ApiClient(port, secret) for _, secret in build_ids}
        while time.monotonic() < deadline:
            builds = _builds(url)
            if not builds.get("queued") and not builds.get("running"):
                break
            for build_id, secret in build_ids:
                pollers[secret].call("GET", f"/api/v1/reports/{build_id}")
            time.sleep(1)
        for poller in pollers.values():
            poller.conn.close()
        waited = time.monotonic() - outage_end[0]
        # The first report asked again: answered (a file, or a new build that ends).
        again = ApiClient(port, secrets[-1])
        status, body = again.call("POST", "/api/v1/reports", {
            "format": "pdf", "variant": "opd", "year": YEAR, "quarter": 3,
            "opd_id": plan[-1]["opd_id"], "include_unverified": True,
            "number": f"{os.getpid()}/{plan[-1]['username']}/1"})
        again_state = body.get("status") if isinstance(body, dict) else status
        end = time.monotonic() + 60
        while again_state in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.5)
            _, body = again.call("GET", f"/api/v1/reports/{body['id']}")
            again_state = body.get("status") if isinstance(body, dict) else None
        again.conn.close()
    finally:
        stop([server, *helpers])
        if redis is not None:
            redis.kill()
            redis.wait()
    after = _audits_and_versions(url, list(per_tag))
    # tag -> (audit rows written during the drill, versions written during the drill)
    audits = {tag: (after[tag][0] - baseline[tag][0], after[tag][1] - baseline[tag][1])
              for tag in after}
    log.seek(0)
    server_log = log.read()
    if os.environ.get("BENCH_FAULT_LOG"):
        Path(os.environ["BENCH_FAULT_LOG"]).write_text(server_log)
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return {"statuses": dict(statuses), "per_tag": {k: dict(v) for k, v in per_tag.items()},
            "audits": audits, "builds": dict(builds), "waited": waited,
            "recovery_s": min(first_ok_after) if first_ok_after else None,
            "killed": killed, "outage": outage, "again": again_state,
            "began": began, "log_tail": server_log[-4000:],
            "plan": {spec["tag_id"]: spec for spec in plan}}


def check(result: dict) -> list[str]:
    """What the drill must show; each problem as a sentence (empty: all held)."""
    problems = []
    five = {k: v for k, v in result["statuses"].items()
            if k.split()[-1].isdigit() and int(k.split()[-1]) >= 500 and not k.endswith("503")}
    if five:
        problems.append(f"server errors: {five}")
    for tag_id, answers in result["per_tag"].items():
        audits, versions = result["audits"].get(tag_id, (0, 0))
        ok, unavailable = answers.get(200, 0), answers.get(503, 0)
        # Every 200 is stored with its audit row and every stored change has one; a 503 may or
        # may not have been committed (the connection can drop after the commit), never half.
        if not (audits == versions and ok <= audits <= ok + unavailable):
            problems.append(f"tag {tag_id}: {ok} saved, {unavailable} x 503, "
                            f"{audits} audit rows, {versions} versions")
    if result["builds"].get("queued") or result["builds"].get("running"):
        problems.append(f"builds left unfinished: {result['builds']}")
    if result["again"] != "done":
        problems.append(f"the report asked again ended {result['again']!r}")
    return problems


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", default=str(ROOT), help="checkout whose code serves")
    parser.add_argument("--outage", type=float, default=1.5)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--redis-port", type=int, default=None,
                        help="run the queue on a redis-server of its own here and restart it")
    args = parser.parse_args(argv)
    result = run(args.database_url, root=Path(args.root), clients=args.clients,
                 outage=args.outage, redis_port=args.redis_port)
    print(json.dumps({k: v for k, v in result.items()
                      if k not in ("log_tail", "plan", "per_tag", "audits")}, indent=1,
                     default=str))
    problems = check(result)
    print("problems:", *(problems or ["none"]), sep="\n  ")


if __name__ == "__main__":
    main()

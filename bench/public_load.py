"""Public portal under load (issue 29): do 200 anonymous readers of /terbuka/ slow the
signed-in pages? gunicorn (2 workers) on PostgreSQL with size-S data, two phases of the same
length on one server (after a 10 s warm-up):

  A  signed-in users only (OPD accounts reading home, dashboard, sub kegiatan list);
  B  the same signed-in users plus `--anon` anonymous users on the public pages.

Every user is a thread with a keep-alive connection and waits `--think` seconds (±50 %)
between requests. Reports p50/p95 per group and phase, requests served, errors, and the 1-minute
load average at the end of each phase (the client threads share the machine: say so).

    .venv/bin/python -m bench.public_load --database-url postgresql://postgres@127.0.0.1:5432/bench_public

The database is EMPTIED and rebuilt.
"""
import argparse
import http.client
import os
import random
import re
import tempfile
import threading
import time

from bench.common import BENCH_PASSWORD, prepare_url
from bench.servers import free_port, start_gunicorn, stop

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SIGNED = ("/", "/dasbor/", "/sub-kegiatan/")
CACHE_STATUS: dict[str, int] = {}  # nginx's X-Cache of the public answers (--nginx)


def prepare(url: str, users: int) -> int:
    from sqlalchemy import select

    from app import create_app
    from app.accounts.accounts import create_user
    from app.public import portal
    from bench.common import BENCH_NOW, analyze
    from bench.generate import generate
    from config import Config
    from models import FiscalYear, Opd, db

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, TAGAR_NOW=BENCH_NOW)
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate(1)
        db.session.commit()
        analyze()
        opds = db.session.scalars(select(Opd).order_by(Opd.id)).all()
        for i in range(users):
            create_user(f"pub{i:03d}", BENCH_PASSWORD, "opd", opd=opds[i % len(opds)])
        portal.switch(True)
        year = db.session.scalar(select(FiscalYear.year).order_by(FiscalYear.year.desc()))
        db.session.commit()
        db.engine.dispose()
    return year


def reuse(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        year = conn.scalar(text("SELECT max(year) FROM fiscal_year"))
    engine.dispose()
    return year


class Client(threading.Thread):
    def __init__(self, port, paths, record, think, stop_at, username=None):
        super().__init__(daemon=True)
        self.port, self.paths, self.record, self.think = port, paths, record, think
        self.stop_at, self.username, self.cookie = stop_at, username, ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method, path, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return None, b"", (time.perf_counter() - t) * 1000
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                self.cookie = v.split(";", 1)[0]
            elif k.lower() == "x-cache":
                CACHE_STATUS[v] = CACHE_STATUS.get(v, 0) + 1
        return resp.status, data, (time.perf_counter() - t) * 1000

    def log_in(self) -> bool:
        from urllib.parse import urlencode

        _, page, _ = self.call("GET", "/login")
        token = CSRF.search(page.decode())
        body = urlencode({"csrf_token": token[1] if token else "", "username": self.username,
                          "password": BENCH_PASSWORD})
        status, _, _ = self.call("POST", "/login", body)
        return status == 302

    def run(self):
        rng = random.Random(hash(self.name))
        if self.username and not self.log_in():
            self.record(None, 0, True)
            return
        time.sleep(rng.uniform(0, self.think))
        while time.time() < self.stop_at:
            status, _, ms = self.call("GET", rng.choice(self.paths))
            self.record(status, ms, status != 200)
            time.sleep(self.think * rng.uniform(0.5, 1.5))


def phase(port, signed, anon, seconds, think, year):
    public = [f"/terbuka/{year}/?triwulan={n}" for n in (1, 2, 3, 4)] + [
        "/terbuka/", "/terbuka/tentang", f"/terbuka/data/{year}/opd.csv",
        f"/terbuka/api/{year}/strategi"]
    groups = {"signed": [], "public": []}
    errors = {"signed": 0, "public": 0}
    lock = threading.Lock()

    def recorder(group):
        def record(status, ms, error):
            with lock:
                if error:
                    errors[group] += 1
                else:
                    groups[group].append(ms)
        return record

    stop_at = time.time() + seconds
    users = [Client(port, SIGNED, recorder("signed"), think, stop_at, f"pub{i:03d}")
             for i in range(signed)]
    users += [Client(port, public, recorder("public"), think, stop_at) for _ in range(anon)]
    for u in users:
        u.start()
    for u in users:
        u.join(seconds + 120)
    return groups, errors, os.getloadavg()[0]


NGINX = """daemon off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  proxy_cache_path {d}/cache keys_zone=pub:10m;
  upstream app {{ server 127.0.0.1:{app}; keepalive 16; }}
  server {{
    listen 127.0.0.1:{port};
    proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $remote_addr;
    location /terbuka/ {{ proxy_pass http://app; proxy_cache pub; proxy_cache_lock on;
                          add_header X-Cache $upstream_cache_status; }}
    location / {{ proxy_pass http://app; }}
  }}
}}
"""


def start_nginx(app_port: int):
    """nginx on a free port in front of gunicorn; /terbuka/ cached as its headers allow."""
    import subprocess

    folder = tempfile.mkdtemp(prefix="tagar-nginx-")
    os.chmod(folder, 0o755)  # nginx's workers (not root) write its cache and temp files here
    port = free_port()
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX.format(d=folder, app=app_port, port=port))
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", folder])
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("nginx did not start")


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--signed", type=int, default=10)
    ap.add_argument("--anon", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    ap.add_argument("--nginx", action="store_true",
                    help="put nginx in front (proxy_cache for /terbuka/, honouring the "
                         "portal's Cache-Control), as a deployment would")
    args = ap.parse_args(argv)
    url = prepare_url(args.database_url)
    year = reuse(url) if args.reuse else prepare(url, args.signed)
    print(f"{args.signed} signed-in users, {args.anon} anonymous, think {args.think} s, "
          f"{args.seconds} s per phase, one gunicorn (2 workers) for both phases, "
          f"cores {os.cpu_count()}, load1 before {os.getloadavg()[0]:.2f}")
    results = {}
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="tagar-public-", suffix=".log") as log:
        env = {"TAGAR_PUBLIC_API_REQUESTS": "100000"}  # one client address for every thread
        proc = start_gunicorn(url, port, 2, 1, log, env=env, timeout=300)  # a busy machine
        proxy = None
        if args.nginx:
            proxy, port = start_nginx(port)
        try:
            phase(port, args.signed, 0, 10, args.think, year)  # warm-up: caches, connections
            for name, anon in (("A signed-in only", 0), (f"B + {args.anon} anonymous",
                                                         args.anon)):
                groups, errors, load = phase(port, args.signed, anon, args.seconds,
                                             args.think, year)
                results[name] = groups
                for group, values in groups.items():
                    if values or errors[group]:
                        print(f"{name:28} {group:7} n={len(values):6} "
                              f"p50={pct(values, 50):7.1f} ms p95={pct(values, 95):7.1f} ms "
                              f"errors={errors[group]}  load1={load:.2f}", flush=True)
        finally:
            stop([proc, *([proxy] if proxy else [])])
    if CACHE_STATUS:
        print(f"nginx cache status of public answers: {CACHE_STATUS}")
    a, b = (results[k]["signed"] for k in results)
    if a and b:
        print(f"signed-in p50 B/A = {pct(b, 50) / pct(a, 50):.2f}, "
              f"p95 B/A = {pct(b, 95) / pct(a, 95):.2f}")


if __name__ == "__main__":
    main()

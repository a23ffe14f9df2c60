"""The processes a load or multi-node run starts: gunicorn app nodes and `flask jobs worker`
processes, on loopback ports, with the environment that points them at one database and queue.
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_NOW

ROOT = Path(__file__).resolve().parents[1]


# --- gunicorn --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, log, root: Path = ROOT,
                   env: dict | None = None, timeout: float = 90) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TAGAR_NOW": BENCH_NOW,
           "SECRET_KEY": "bench-load-secret", "PYTHONPATH": str(root), **(env or {})}
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket",
           "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
           "--chdir", str(root), "wsgi:app"]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, cwd=root)
    deadline = time.time() + timeout
    while time.time() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    proc.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not start; see its log")


# --- job workers -------------------------------------------------------------------------------

def start_job_workers(url: str, env: dict, count: int, log, root: Path = ROOT,
                      nice: int = 0) -> list:
    """`flask jobs worker` processes on the queue `env` names (TAGAR_JOBS_URL/_QUEUE), at
    `nice` CPU priority (10: the web workers come first on a machine they share)."""
    env = {**os.environ, "DATABASE_URL": url, "TAGAR_NOW": BENCH_NOW,
           "SECRET_KEY": "bench-load-secret", "PYTHONPATH": str(root), "FLASK_APP": "wsgi",
           **env}
    flask = str(Path(sys.executable).with_name("flask"))
    prefix = ["nice", "-n", str(nice)] if nice else []
    return [subprocess.Popen([*prefix, flask, "jobs", "worker"], env=env, stdout=log,
                             stderr=log, cwd=root) for _ in range(count)]


def stop(procs: list) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

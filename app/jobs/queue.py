"""The Huey instance of one app, the single task that runs any job, and the embedded worker.

One Huey task, `tagar.run(name, args)`, dispatches to the functions listed in `JOBS`: a new job
needs no Huey decorator, and the worker and the web nodes agree on one task name.
"""
import importlib
import logging
import threading
import time
from pathlib import Path

from flask import Flask
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from app.core.outages import is_connection_error
from models import db

log = logging.getLogger(__name__)

MODES = ("thread", "external", "immediate")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


# Waits before each retry of a job that met a connection error (config JOB_RETRY_DELAYS).
DEFAULT_RETRY_DELAYS = (1, 2, 4, 8, 15, 30)
ENQUEUE_RETRY_DELAYS = (0.2, 0.5)


def _function(path: str):
    module, _, func = path.partition(":")
    return getattr(importlib.import_module(module), func)


class EmbeddedConsumer(Consumer):
    """A consumer running inside the web process: threads only, and no signal handlers (they
    belong to the server, and Python allows them only in the main thread)."""

    def _set_signal_handlers(self):
        pass


class JobQueue:
    def __init__(self, app: Flask):
        self.app = app
        url = app.config.get("JOBS_URL") or ""
        mode = app.config.get("JOBS_WORKER") or (
            "external" if url.startswith(REDIS_SCHEMES) else "thread")
        if mode not in MODES:
            raise ValueError(f"TAGAR_JOBS_WORKER must be one of {', '.join(MODES)}")
        self.url, self.mode = url, mode
        self.consumer: Consumer | None = None
        self._huey = None
        self._task = None
        self._lock = threading.RLock()
        if mode == "thread":
            # A server starts its worker on its first request; CLI commands never do.
            app.before_request(self._start_on_first_request)

    @property
    def huey(self):
        """Created on first use, so a CLI command that enqueues nothing opens nothing."""
        if self._huey is None:
            with self._lock:
                if self._huey is None:
                    self._huey = self._make_huey()
        return self._huey

    def _make_huey(self):
        name = self.app.config.get("JOBS_QUEUE") or "tagar"
        options = {"results": False, "immediate": self.mode == "immediate"}
        if self.url.startswith(REDIS_SCHEMES):
            huey = RedisHuey(name, url=self.url, **options)
        else:
            path = self.url.removeprefix("sqlite:///") or str(self._default_path())
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            huey = SqliteHuey(name, filename=path, **options)
        self._task = huey.task(name="tagar.run")(self._run)
        return huey

    @staticmethod
    def _default_path() -> Path:
        from config import INSTANCE_DIR

        return INSTANCE_DIR / "jobs.db"

    def enqueue(self, name: str, *args) -> None:
        if self.mode == "thread":
            self.start_worker()
        elif self.mode == "immediate":
            # The job runs now, in this thread, on a connection of its own: end this session's
            # transaction first (the caller has committed), or on SQLite the job's commit would
            # wait for this thread's read lock, which is never released.
            db.session.commit()
        huey = self.huey  # created on first use, with its task
        self._put(huey, self._task.s(name, list(args)))

    def enqueue_in(self, seconds: int, name: str, *args) -> None:
        """Run the job after `seconds` (the worker's scheduler holds it until then; an
        immediate-mode queue keeps it in its schedule and never runs it by itself)."""
        if self.mode == "thread":
            self.start_worker()
        huey = self.huey
        self._put(huey, self._task.s(name, list(args), delay=seconds))

    @staticmethod
    def _put(huey, task) -> None:
        """Enqueue, trying again twice over ~0.7 s on a queue connection error (Redis
        restarting); then the error reaches the caller, which records the reason."""
        for delay in ENQUEUE_RETRY_DELAYS:
            try:
                huey.enqueue(task)
                return
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                log.warning("enqueue failed (%s); trying again in %ss", type(exc).__name__,
                            delay)
                time.sleep(delay)
        huey.enqueue(task)

    def _run(self, name: str, args: list) -> None:
        """One job: its own app context and session, committed at the end, rolled back on an
        error (the job records its own failures before raising, if it wants them kept).

        A database or queue connection error (a restart, a fail-over, a dropped connection) is
        not the job's fault: the job is run again after a back-off (JOB_RETRY_DELAYS, ~1 min
        in all), its RESUME hook first putting back what the failed attempt had claimed. Any
        other error, or the last connection error, goes to Huey, which logs it."""
        from . import JOBS, RESUME

        target = _function(JOBS[name])
        delays = list(self.app.config.get("JOB_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))
        while True:
            try:
                self._attempt(target, args)
                return
            except Exception as exc:
                self._retriable(name, args, exc, delays)
            while True:  # wait, then put back what the attempt claimed (once reachable)
                time.sleep(delays.pop(0))
                if name not in RESUME:
                    break
                try:
                    self._attempt(_function(RESUME[name]), args)
                    break
                except Exception as exc:
                    self._retriable(name, args, exc, delays)

    @staticmethod
    def _retriable(name: str, args: list, exc: Exception, delays: list) -> None:
        """Re-raise `exc` unless it is a connection error with a retry left."""
        if not (is_connection_error(exc) and delays):
            raise exc  # Huey logs it with its traceback
        log.warning("job %s%s: connection error (%s); retry in %ss", name, args,
                    type(exc).__name__, delays[0])

    def _attempt(self, target, args: list) -> None:
        with self.app.app_context():
            try:
                target(*args)
                db.session.commit()
            except Exception:
                try:
                    db.session.rollback()
                except Exception:  # the connection is gone; nothing of it was committed
                    pass
                raise
            finally:
                db.session.remove()

    def _start_on_first_request(self) -> None:
        if self.consumer is None:
            self.start_worker()

    def start_worker(self) -> None:
        """Start the embedded worker threads once (idempotent, thread-safe)."""
        if self.consumer is not None:
            return
        with self._lock:
            if self.consumer is None:
                consumer = EmbeddedConsumer(
                    self.huey, workers=self.app.config.get("JOBS_THREADS", 1), periodic=False,
                    worker_type="thread", max_delay=1.0, check_worker_health=False)
                consumer.start()
                self.consumer = consumer
                log.info("embedded job worker started (%s)", self.huey.storage.__class__.__name__)

    def stop_worker(self) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None

    def close(self) -> None:
        """Stop the embedded worker and release the queue's connections (tests, shutdown)."""
        self.stop_worker()
        if self._huey is not None:
            storage = self._huey.storage
            storage.close()
            pool = getattr(storage, "pool", None)
            if pool is not None:
                pool.disconnect()

    def worker(self, threads: int) -> Consumer:
        """The consumer `flask jobs worker` runs in the foreground."""
        # SIGTERM (systemd's stop) lets a running job finish; SIGINT or a second SIGTERM stops
        # at once (the build is then taken as stalled and requested anew after a while).
        return self.huey.create_consumer(workers=threads, worker_type="thread",
                                         periodic=False, max_delay=1.0, graceful_signal="TERM")

"""Background jobs: slow work (report builds, large imports) off the request path.

Huey runs them, on Redis in production (`TAGAR_JOBS_URL=redis://...`, worked by `flask jobs
worker`) and on a SQLite file in instance/ by default, worked by a thread of the app itself, so
`make run` needs no other server. The job code is the same on both. A job runs in an app context
of its own and commits its own work, like a request.

Everything enqueues through `enqueue(name, *args)`; the jobs that exist are listed in `JOBS`.
"""
from flask import Flask, current_app

# Job name -> "module:function". Arguments must be JSON-like (ids, not objects): the worker may
# be another process on another machine.
JOBS = {
    "report.build": "app.reports.build_service:run_build",
    "import.commit": "app.jobs.imports:run_import",
    "mail.send": "app.mail.jobs:run_send",
    "suggest.train": "app.screening.store:run_train",  # issue 26
}
# Job name -> "module:function" called with the job's arguments before a retry after a
# database or queue connection error (app/jobs/queue.py): it puts back what the failed attempt
# had claimed (a build or import "running" again "queued"), so the retry starts it cleanly.
# A job without one is simply run again (mail.send: a claimed mail is retried by its own
# schedule).
RESUME = {
    "report.build": "app.reports.build_service:requeue",
    "import.commit": "app.jobs.imports:requeue",
}


def init_app(app: Flask) -> None:
    from .cli import jobs_cli
    from .queue import JobQueue

    app.extensions["jobs"] = JobQueue(app)
    app.cli.add_command(jobs_cli)


def enqueue(name: str, *args) -> None:
    """Queue job `name` with `args`. Call it after the commit that stored what the job reads:
    the worker reads the database, not this session."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    current_app.extensions["jobs"].enqueue(name, *args)


def enqueue_in(seconds: int, name: str, *args) -> None:
    """Queue job `name` to run in `seconds` (a retry with backoff)."""
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}")
    current_app.extensions["jobs"].enqueue_in(seconds, name, *args)


def queue_of(app: Flask):
    return app.extensions["jobs"]

"""gunicorn settings that every way of serving Tagar shares (gunicorn reads this file from the
directory it starts in: `make serve`, docs/DEPLOY.md's unit, bench.load). The number of workers
and threads stays on the command line, where the deployment sizes it.

Each worker compiles every template (app/core/warmup.py) after loading the app and before it
accepts its first connection: a new worker (after a restart, or when `--max-requests` recycles
one) answers its first requests as fast as its hundredth, instead of compiling templates while
a morning of logins waits (issue 25). The app is not preloaded in the master: with it, the fault
drill (tests/test_fault_outage.py) left a report build queued in one run of two, which it never
does without; the warm-up per worker costs ~2 s of CPU at its start, before it serves anyone.
"""


def post_worker_init(worker):
    """In each worker, after the app is loaded and before it accepts connections."""
    from app.core.warmup import warm

    warm(worker.wsgi)

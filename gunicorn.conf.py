"""gunicorn settings that every way of serving Tagar shares (gunicorn reads this file from the
directory it starts in: `make serve`, docs/DEPLOY.md's unit, bench.load). The number of workers
and threads stays on the command line, where the deployment sizes it.

Each worker compiles every template (app/core/warmup.py) after loading the app and before it
accepts its first connection: a new worker (after a restart, or when `--max-requests` recycles
one) answers its first requests as fast as its hundredth, instead of compiling templates while
a morning of logins waits (issue 25). The warm-up costs each worker ~2 s of CPU at its start,
before it serves anyone. (Preloading the app in the master would also share the imports; it was
measured in the load runs of docs/PERFORMANCE.md but is not verified here, so it is not set.)
"""


def post_worker_init(worker):
    """In each worker, after the app is loaded and before it accepts connections."""
    from app.core.warmup import warm

    warm(worker.wsgi)

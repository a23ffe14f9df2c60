"""gunicorn settings that every way of serving Tagar shares (gunicorn reads this file from the
directory it starts in: `make serve`, docs/DEPLOY.md's unit, bench.load). The number of workers
and threads stays on the command line, where the deployment sizes it.

The app is loaded once in the master, its templates compiled there (app/core/warmup.py), and
the workers forked from it: a new worker (after a restart, or when `--max-requests` recycles
one) answers its first requests as fast as its hundredth, instead of compiling templates while
a morning of logins waits (issue 25). With the app preloaded, `kill -HUP` (reload) does not load
new code: an upgrade restarts the service (docs/DEPLOY.md).
"""

preload_app = True


def when_ready(server):
    """In the master, after the app is loaded and before any worker is forked."""
    from app.core.warmup import warm

    warm(server.app.wsgi())


def post_fork(server, worker):
    """A forked worker must not reuse a database connection of the master's pool; the master
    opens none, and this keeps it so should that change (SQLAlchemy's advice for fork)."""
    from models import db

    flask_app = server.app.wsgi()
    with flask_app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)

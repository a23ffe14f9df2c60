"""What a server process does once, before its first request, so that no user pays for it.

A fresh gunicorn worker compiled each Jinja template on the first request that rendered it
(~0.1-0.4 s of CPU per page, every worker, every restart and every `--max-requests` recycling).
On deadline day 60 officers log in within seconds of 08:00: the first requests of every worker
came at once, and each one queued behind the others' compiling (issue 25). `warm(app)` compiles
every template up front; gunicorn.conf.py calls it in each worker before the worker accepts its
first connection. It opens no database connection.
"""
from flask import Flask

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".svg")


def warm(app: Flask) -> int:
    """Compile every template of the app into its Jinja cache; the number compiled."""
    env = app.jinja_env
    names = [n for n in env.list_templates() if n.endswith(TEMPLATE_SUFFIXES)]
    # The cache must hold them all, or the first ones would be evicted by the last.
    if env.cache is not None and getattr(env.cache, "capacity", 0) < len(names) + 50:
        from jinja2.utils import LRUCache

        old, env.cache = env.cache, LRUCache(len(names) + 200)
        for key, value in old.items():
            env.cache[key] = value
    with app.app_context():
        for name in names:
            env.get_template(name)
    return len(names)

"""Issue 25: what a server process does before its first request (app/core/warmup.py, called by
gunicorn.conf.py in each worker before it accepts connections)."""
from app.core.warmup import TEMPLATE_SUFFIXES, warm


def test_warm_compiles_every_template_into_the_cache(app):
    names = [n for n in app.jinja_env.list_templates() if n.endswith(TEMPLATE_SUFFIXES)]
    assert warm(app) == len(names) > 50
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    missing = set(names) - cached
    assert not missing, sorted(missing)[:10]
    # Nothing compiled is evicted by the warm-up itself: the cache holds them all.
    assert app.jinja_env.cache.capacity >= len(names)


def test_gunicorn_config_warms_each_worker_before_it_serves(app):
    """gunicorn.conf.py's hook, run as gunicorn runs it: on a worker whose app is loaded."""
    from pathlib import Path
    from types import SimpleNamespace

    namespace: dict = {}
    config = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    exec(compile(config.read_text(), str(config), "exec"), namespace)
    app.jinja_env.cache.clear()
    namespace["post_worker_init"](SimpleNamespace(wsgi=app))
    assert len(app.jinja_env.cache) >= len(app.jinja_env.list_templates(
        filter_func=lambda n: n.endswith(".html")))

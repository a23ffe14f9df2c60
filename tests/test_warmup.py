"""Issue 25: what a server process does before its first request (app/core/warmup.py, called by
gunicorn.conf.py in the master before the workers are forked)."""
from app.core.warmup import TEMPLATE_SUFFIXES, warm


def test_warm_compiles_every_template_into_the_cache(app):
    names = [n for n in app.jinja_env.list_templates() if n.endswith(TEMPLATE_SUFFIXES)]
    assert warm(app) == len(names) > 50
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    missing = set(names) - cached
    assert not missing, sorted(missing)[:10]
    # Nothing compiled is evicted by the warm-up itself: the cache holds them all.
    assert app.jinja_env.cache.capacity >= len(names)


def test_gunicorn_config_preloads_and_warms():
    from pathlib import Path

    namespace: dict = {}
    config = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    exec(compile(config.read_text(), str(config), "exec"), namespace)
    assert namespace["preload_app"] is True
    assert callable(namespace["when_ready"]) and callable(namespace["post_fork"])

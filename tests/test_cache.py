"""The dashboard's figures come from the cache (app/core/cache.py) keyed by the filters, the user's
scope and the data version: a repeated view reads the cache instead of the rollup, a write
shows at once, and an OPD user never gets another OPD's detail. Run on both backends: the
memory of the process, and Redis (real, at 127.0.0.1:6379; skipped only outside CI when
Redis is unreachable)."""
import os
import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.core.cache import MemoryCache, RedisCache
from models import Realization, db
from models.data_version import current_version

from . import test_dashboard

world = test_dashboard.world  # the same small kabupaten

URL = "/dasbor/?tahun=2032&triwulan=1"
REDIS_URL = "redis://127.0.0.1:6379/0"
ROLLUP_TABLES = re.compile(r"\b(from|join)\s+(tag|realization)\b")


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis must be reachable in CI")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    finally:
        client.close()
        client.connection_pool.disconnect()


@pytest.fixture(params=["memory", "redis"])
def backend(request, app, monkeypatch):
    prefix = f"tagar-test-{uuid.uuid4().hex[:12]}:"
    monkeypatch.setitem(app.config, "CACHE_PREFIX", prefix)
    if request.param == "redis":
        _redis_or_skip()
        cache = RedisCache(REDIS_URL, 60)
    else:
        cache = MemoryCache(60)
    monkeypatch.setitem(app.extensions, "cache", cache)
    yield cache
    if request.param == "redis":
        cache.clear()
        assert not list(cache.client.scan_iter(match=f"{prefix}*"))
    cache.close()


@contextmanager
def statements():
    seen = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def rollup_statements(seen):
    """Statements reading the figures (every rollup reads the tags or their realization)."""
    return [s for s in seen if ROLLUP_TABLES.search(s)]


def view(client, url=URL):
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_repeated_view_reads_the_cache_not_the_rollup(client, make, login, world, backend):
    login(make.user("secretariat"))
    with statements() as first:
        html1 = view(client)
    assert len(rollup_statements(first)) >= 5  # computed: total, groupings, trend, ...
    with statements() as second:
        html2 = view(client)
    assert rollup_statements(second) == [], rollup_statements(second)
    assert len(second) < len(first) - 5
    assert "Rp 1.750.000" in html1 and "Rp 1.750.000" in html2  # the same figures
    if isinstance(backend, RedisCache):  # stored in Redis, under this app's prefix
        from flask import current_app

        prefix = current_app.config["CACHE_PREFIX"]
        assert list(backend.client.scan_iter(match=f"{prefix}dashboard:*"))


def test_a_write_changes_the_version_and_the_figures(client, make, login, world, backend):
    login(make.user("secretariat"))
    assert "Rp 1.750.000" in view(client)
    before = current_version()
    realization = db.session.scalar(select(Realization).where(Realization.tag_id
                                                              == world["t2"].id))
    realization.amount = realization.amount + 1_000_000
    db.session.commit()
    assert current_version() == before + 1
    with statements() as seen:
        html = view(client)
    assert rollup_statements(seen)  # computed anew
    assert "Rp 2.750.000" in html and "Rp 1.750.000" not in html


def test_an_opd_user_never_gets_another_opds_cached_detail(client, make, login, world,
                                                           backend):
    login(make.user("opd", world["mine"]))
    html = view(client)
    assert "Bantuan Sembako Milik Sendiri" in html
    assert "Jaminan Kesehatan Rahasia" not in html
    client.post("/logout")
    login(make.user("opd", world["other"]))
    html = view(client)  # the same URL and version: only the scope differs
    assert "Jaminan Kesehatan Rahasia" in html
    assert "Bantuan Sembako Milik Sendiri" not in html
    # The secretariat's view of the same URL is a third entry (no OPD detail by default).
    client.post("/logout")
    login(make.user("secretariat"))
    html = view(client)
    assert "Bantuan Sembako Milik Sendiri" not in html
    assert "Jaminan Kesehatan Rahasia" not in html


def test_every_opd_user_reads_the_shared_figures_once_computed(client, make, login, world,
                                                               backend):
    """Issue 25: the figures every user of the same filters sees are one entry; a second OPD's
    officer computes only its own part (its detail and anomalies), and still opens only its
    own OPD's row."""
    login(make.user("opd", world["mine"]))
    with statements() as first:
        view(client)
    client.post("/logout")
    login(make.user("opd", world["other"]))
    with statements() as second:
        html = view(client)
    assert len(rollup_statements(first)) >= 10  # the first computed the shared figures
    own = rollup_statements(second)
    assert len(own) == 2, own  # only its anomaly count and the rollup of its sub-activities
    assert "anomalies" in own[0] and "tagbase" in own[1]
    assert f"opd={world['other'].id}" in html  # its own row opens its detail
    assert f"opd={world['mine'].id}&" not in html and f"opd={world['mine'].id}\"" not in html


def test_an_unreachable_redis_is_a_miss_not_an_error(client, make, login, world, app,
                                                     monkeypatch):
    monkeypatch.setitem(app.extensions, "cache", RedisCache("redis://127.0.0.1:1/0", 60))
    login(make.user("secretariat"))
    assert "Rp 1.750.000" in view(client)
    assert "Rp 1.750.000" in view(client)

"""The one cache: computed figures (never rendered pages) kept by a key that names everything
they depend on.

Callers put the data version (`models.data_version`) in the key, so an entry is never stale:
a write bumps the version and the next view asks for a new key. Old entries simply age out
(CACHE_TTL_SECONDS, and a bounded number in memory). Two backends, chosen by CACHE_URL
(TAGAR_CACHE_URL): empty, the memory of each process (nothing to run; each gunicorn worker warms
its own); `redis://...`, shared by every worker and node. The cache is an optimisation only:
when Redis cannot be reached the figures are computed as if nothing were cached.

Values are pickled: keep them to plain data (dataclasses, Decimals, strings), not ORM objects.
"""
import hashlib
import json
import logging
import pickle
import threading
import time
from collections import OrderedDict

from flask import Flask, current_app

log = logging.getLogger(__name__)

MISSING = object()
MEMORY_ENTRIES = 512


class MemoryCache:
    """A bounded, least-recently-used dict with expiry, safe across threads."""

    def __init__(self, ttl: int, max_entries: int = MEMORY_ENTRIES):
        self.ttl, self.max_entries = ttl, max_entries
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._data.pop(key, None)
                return MISSING
            self._data.move_to_end(key)
        # Stored pickled, as in Redis: a caller mutating its copy cannot change the cache.
        return pickle.loads(entry[1])

    def set(self, key: str, value) -> None:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, blob)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def close(self) -> None:
        self.clear()


class RedisCache:
    def __init__(self, url: str, ttl: int):
        import redis

        self.ttl = ttl
        # Short timeouts: a slow or absent Redis must cost a page little, not hang it.
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def clear(self) -> None:
        """Delete this app's entries (its key prefix) only: the Redis may be shared."""
        prefix = current_app.config.get("CACHE_PREFIX", "tagar:")
        for key in self.client.scan_iter(match=f"{prefix}*", count=500):
            self.client.delete(key)

    def get(self, key: str):
        try:
            blob = self.client.get(key)
        except Exception as exc:  # noqa: BLE001 - any Redis failure is a miss
            log.warning("cache read failed: %s", exc)
            return MISSING
        return MISSING if blob is None else pickle.loads(blob)

    def set(self, key: str, value) -> None:
        try:
            self.client.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
                            ex=self.ttl)
        except Exception as exc:  # noqa: BLE001
            log.warning("cache write failed: %s", exc)

    def close(self) -> None:
        self.client.close()
        self.client.connection_pool.disconnect()


def init_app(app: Flask) -> None:
    url = app.config.get("CACHE_URL") or ""
    ttl = int(app.config.get("CACHE_TTL_SECONDS") or 3600)
    if url.startswith(("redis://", "rediss://", "unix://")):
        app.extensions["cache"] = RedisCache(url, ttl)
    elif url in ("", "memory://"):
        app.extensions["cache"] = MemoryCache(ttl)
    else:
        raise ValueError("TAGAR_CACHE_URL must be empty, memory:// or redis://...")


def backend():
    return current_app.extensions["cache"]


def make_key(namespace: str, parts: dict) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"{current_app.config.get('CACHE_PREFIX', 'tagar:')}{namespace}:{digest}"


def cached(namespace: str, parts: dict, compute):
    """The value stored under (`namespace`, `parts`), or `compute()`'s, stored for next time.
    `parts` must name everything the value depends on, the data version included."""
    cache, key = backend(), make_key(namespace, parts)
    value = cache.get(key)
    if value is MISSING:
        value = compute()
        cache.set(key, value)
    return value

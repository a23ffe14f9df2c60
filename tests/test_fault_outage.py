"""Faults survived (issue 24): PostgreSQL drops every connection of a real gunicorn for 1.5 s
while client threads save figures and request reports (bench/fault.py, the drill).

0 x 500 (503 allowed during the outage); every figure answered 200 is stored with its audit
row and every stored change has one; no build is left queued or running; the report asked
again is built. PostgreSQL pass only: the drill terminates backends of a database of its own
(never stops the server others share)."""
import os

import pytest

from bench.fault import check, run
from tests.databases import fresh_database


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: the server commits for real."""
    yield


def test_connections_dropped_under_load_give_503s_not_500s_and_lose_nothing():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("terminates PostgreSQL backends: PostgreSQL pass only")
    url, drop = fresh_database(None, "fault")
    try:
        result = run(url, clients=5, outage=1.5, lead=2.0, tail=3.0)
    finally:
        drop()
    assert result["killed"] > 0  # the outage happened
    assert sum(result["statuses"].get(k, 0) for k in result["statuses"]
               if k.startswith("save 200")) > 0
    assert check(result) == [], (result["statuses"], result["builds"], result["log_tail"])

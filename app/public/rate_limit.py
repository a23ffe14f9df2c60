"""The public API's rate limit: at most PUBLIC_API_REQUESTS requests per client address in a
fixed window of PUBLIC_API_WINDOW_SECONDS; past it, 429 with Retry-After until the window ends.

It is the app's one throttle (app/accounts/throttle.py): the same `login_throttle` table (so
every worker and node counts together and the administrator's "Pembatasan masuk" page shows and
lifts a blocked address), the same key and atomic upsert; only the rule differs, since here
every request counts, not failures: a window instead of a streak.
"""
import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import case

from app.accounts import throttle
from app.core.clock import now
from models import LoginThrottle, db

KIND = "public_api"


def hit(address: str) -> int:
    """Count one request from `address`; seconds to wait (Retry-After), 0 when allowed."""
    cfg = current_app.config
    limit, window = cfg["PUBLIC_API_REQUESTS"], timedelta(seconds=cfg["PUBLIC_API_WINDOW_SECONDS"])
    address = throttle.clean_address(address)
    t = now()
    c = LoginThrottle.__table__.c
    new_window = c.first_failure_at <= t - window
    stmt = throttle._insert()(LoginThrottle.__table__).values(
        key=throttle.key(KIND, address), kind=KIND, address=address, username="", failures=1,
        first_failure_at=t, last_failure_at=t)
    stmt = stmt.on_conflict_do_update(index_elements=[c.key], set_={
        "failures": case((new_window, 1), else_=c.failures + 1),
        "first_failure_at": case((new_window, t), else_=c.first_failure_at),
        "blocked_until": case((new_window, None), else_=c.blocked_until),
        "last_failure_at": t})
    row_id, count, start = db.session.execute(
        stmt.returning(c.id, c.failures, c.first_failure_at)).one()
    if count <= limit:
        return 0
    until = start + window
    if count == limit + 1:  # the first refusal marks the block for the administrator's page
        db.session.execute(LoginThrottle.__table__.update().where(c.id == row_id)
                           .values(blocked_until=until))
    return max(1, math.ceil((until - t).total_seconds()))

"""Throttling of failed attempts: the one limiter behind login and API-token checks.

A counter is kept per key (a client address, or an account name at an address) in the
`login_throttle` table, so every worker and app node sees the same state. Failures form a
streak; from the rule's `limit`-th failure on, each failure blocks the key for `base` seconds,
doubling with every further failure up to `cap`. A streak is forgotten after `window` without
failures (and a pair's streak on a successful login). Nothing ever blocks an account as such:
a stranger at another address can slow down only their own address, never the owner's.
"""
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, func, or_, select, update

from app.core.clock import now
from models import LoginThrottle, db

KEEP = timedelta(days=1)  # quiet rows older than this are deleted on the next failure


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int          # failures in a streak before blocks begin
    window: timedelta   # quiet time that ends a streak
    base: int           # seconds of the first block
    cap: int            # longest block, seconds

    def block_seconds(self, failures: int) -> int:
        if failures < self.limit:
            return 0
        return min(self.cap, self.base * 2 ** min(failures - self.limit, 30))


def _rule(kind: str, prefix: str, limit_name: str) -> Rule:
    cfg = current_app.config
    return Rule(kind, cfg[limit_name], timedelta(minutes=cfg[f"{prefix}_WINDOW_MINUTES"]),
                cfg[f"{prefix}_BLOCK_SECONDS"], cfg[f"{prefix}_BLOCK_MAX_MINUTES"] * 60)


def login_account_rule() -> Rule:
    return _rule("login_account", "LOGIN", "LOGIN_ACCOUNT_FAILURES")


def login_address_rule() -> Rule:
    return _rule("login_address", "LOGIN", "LOGIN_ADDRESS_FAILURES")


def login_device_rule() -> Rule:
    """Failures from a browser with a device cookie for the account (app/auth/device.py):
    counted on that device, as the account's are counted per address."""
    return _rule("login_device", "LOGIN", "LOGIN_ACCOUNT_FAILURES")


def api_address_rule() -> Rule:
    return _rule("api_address", "API_TOKEN", "API_TOKEN_FAILURES")


def key(kind: str, address: str, username: str = "") -> str:
    """`address` is the device's id for login_device."""
    return f"{kind}:{address}" + (f":{username}" if kind in ("login_account", "login_device")
                                  else "")


def clean_address(address: str | None) -> str:
    return (address or "-").replace("\x00", "")[:45]


def retry_after(keys: list[str]) -> int:
    """Seconds until the longest active block among `keys` ends; 0 when none is blocked."""
    t = now()
    until = db.session.scalar(select(func.max(LoginThrottle.blocked_until)).where(
        LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > t))
    return 0 if until is None else max(1, math.ceil((until - t).total_seconds()))


def fail(rule: Rule, address: str, username: str = "", weight: int = 1,
         device: str = "") -> tuple[int, int]:
    """Count one failure (`weight` of them); (row id, seconds the key is now blocked for, 0 if
    not blocked). A login_device counter is keyed by `device`, and keeps the address it
    failed from for the administrator.

    One atomic upsert, so concurrent failures on several workers all count.
    """
    t = now()
    quiet = t - rule.window
    table = LoginThrottle.__table__
    c = table.c
    _purge(t)
    stale = and_(c.last_failure_at < quiet, or_(c.blocked_until.is_(None),
                                                 c.blocked_until < quiet))
    values = dict(key=key(rule.kind, device or address, username), kind=rule.kind,
                  address=address,
                  username=username, failures=weight, first_failure_at=t, last_failure_at=t)
    changes = {"failures": case((stale, weight), else_=c.failures + weight),
               "first_failure_at": case((stale, t), else_=c.first_failure_at),
               "last_failure_at": t}
    stmt = _insert()(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[c.key], set_=changes)
    row_id, failures = db.session.execute(stmt.returning(c.id, c.failures)).one()
    seconds = rule.block_seconds(failures)
    if seconds:
        db.session.execute(update(table).where(c.id == row_id)
                           .values(blocked_until=t + timedelta(seconds=seconds)))
    db.session.expire_all()  # ORM copies of the row are stale after core statements
    return row_id, seconds


def _insert():
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - Tagar runs on these two
        raise RuntimeError(f"throttling needs an upsert; {dialect} is not supported")
    return insert


def _purge(t) -> None:
    cutoff = t - KEEP
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < cutoff,
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < cutoff)))


def failures_of(key_: str) -> int:
    """The failures of `key_`'s current streak (0 when none or ended)."""
    row = db.session.execute(select(LoginThrottle.failures, LoginThrottle.last_failure_at)
                             .where(LoginThrottle.key == key_)).first()
    if row is None:
        return 0
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return row.failures if row.last_failure_at >= now() - window else 0


def forget(keys: list[str]) -> None:
    """End the streaks of `keys` (a successful login forgets its pair's failures)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))


def current() -> list[LoginThrottle]:
    """Counters the administrator should see: blocked now, or failing within their window."""
    t = now()
    cfg = current_app.config
    recent = t - timedelta(minutes=max(cfg["LOGIN_WINDOW_MINUTES"],
                                       cfg["API_TOKEN_WINDOW_MINUTES"]))
    return list(db.session.scalars(
        select(LoginThrottle)
        .where(or_(LoginThrottle.blocked_until > t,
                   # issue 29: the public API counts every request; show its blocks only
                   and_(LoginThrottle.last_failure_at > recent,
                        LoginThrottle.kind != "public_api")))
        .order_by(LoginThrottle.blocked_until.desc(), LoginThrottle.last_failure_at.desc())))


def blocked_accounts() -> dict[str, int]:
    """Account name -> number of addresses it is blocked at right now."""
    rows = db.session.execute(
        select(LoginThrottle.username, func.count())
        .where(LoginThrottle.kind == "login_account", LoginThrottle.blocked_until > now())
        .group_by(LoginThrottle.username))
    return dict(rows.all())


def account_rows(username: str) -> list[LoginThrottle]:
    return list(db.session.scalars(select(LoginThrottle).where(
        LoginThrottle.kind == "login_account", LoginThrottle.username == username)))


def wait_text(seconds: int) -> str:
    """`45 detik`, `3 menit`: how long a user must wait, in words."""
    if seconds < 120:
        return f"{seconds} detik"
    return f"{math.ceil(seconds / 60)} menit"

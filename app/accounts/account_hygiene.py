"""Accounts that look after themselves (issue 15): who has not signed in for N days, and the
rule that an inactive OPD takes no new work while keeping its history in every report.

A user "without activity" is an active account whose last login (or, never having logged in,
whose creation) lies more than N days back. Deactivating one ends its sessions
(services/accounts.deactivate) and is audited. An OPD is deactivated in its admin form
(`Opd.is_active`); services/opd_status.py is what new work asks before it starts.
"""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.accounts import deactivate
from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from models import User, db

DEFAULT_DAYS = 90
MIN_DAYS, MAX_DAYS = 1, 3650


def parse_days(raw: str | None) -> tuple[int, str | None]:
    """The number of days asked for in the query string, bounded; and a message when the
    value given could not be used as it was."""
    if raw is None or raw == "":
        return DEFAULT_DAYS, None
    try:
        days = int(raw)
    except ValueError:
        return DEFAULT_DAYS, f"Jumlah hari harus berupa angka; ditampilkan {DEFAULT_DAYS} hari."
    if not MIN_DAYS <= days <= MAX_DAYS:
        days = min(max(days, MIN_DAYS), MAX_DAYS)
        return days, f"Jumlah hari dibatasi {MIN_DAYS}–{MAX_DAYS}; ditampilkan {days} hari."
    return days, None


def idle_users(days: int) -> list[User]:
    cutoff = now() - timedelta(days=days)
    last_seen = func.coalesce(User.last_login_at, User.created_at)
    return list(db.session.scalars(
        select(User).where(User.active, last_seen < cutoff)
        .options(selectinload(User.opd))
        .order_by(last_seen, User.username)))


def deactivate_idle(user: User, *, actor) -> None:
    if actor is not None and user.id == actor.id:
        raise ServiceError("Anda tidak dapat menonaktifkan akun sendiri.")
    if not user.active:
        raise ServiceError(f"Akun {user.username} sudah nonaktif.")
    deactivate(user)
    audit.record("update", "user", user.id, old={"active": True}, new={"active": False},
                 opd_id=user.opd_id, user=actor,
                 note="Dinonaktifkan: tidak ada aktivitas masuk")

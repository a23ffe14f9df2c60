"""Login history: one row per attempt on the login form (success or failure, the address and
the time), linked to the account when the typed name exists. The administrator reads it on the
user's page; old rows are kept like the audit log."""
from sqlalchemy import select

from app.accounts import throttle
from app.accounts.accounts import WRONG, LoginError, LoginThrottled
from app.core.clock import now
from models import LoginEvent, User, db

REASON_LABELS = {"ok": "Berhasil", "wrong": "Kata sandi salah", "throttled": "Ditahan",
                 "inactive": "Akun nonaktif", "unknown": "Nama tidak dikenal"}


def record(username: str | None, address: str | None, *, user: User | None = None,
           error: LoginError | None = None) -> LoginEvent:
    """Add the attempt (the caller commits, with the failure counts or the login)."""
    name = (username or "").strip().lower().replace("\x00", "")[:60]
    if user is None and name:
        user = db.session.scalar(select(User).where(User.username == name))
    if error is None:
        reason = "ok"
    elif isinstance(error, LoginThrottled):
        reason = "throttled"
    elif error.message == WRONG:
        reason = "wrong" if user is not None else "unknown"
    else:
        reason = "inactive"
    event = LoginEvent(at=now(), user_id=user.id if user else None, username=name,
                       success=error is None, reason=reason,
                       address=throttle.clean_address(address))
    db.session.add(event)
    return event


def for_user(user_id: int, limit: int = 50) -> list[LoginEvent]:
    return list(db.session.scalars(
        select(LoginEvent).where(LoginEvent.user_id == user_id)
        .order_by(LoginEvent.at.desc(), LoginEvent.id.desc()).limit(limit)))

""""Lupa kata sandi": a signed, expiring, single-use link sent by e-mail.

The link carries a random secret (32 bytes); only its SHA-256 is stored, with the user, the
expiry (PASSWORD_RESET_MINUTES, 60 by default) and the moment it was used. The request page
answers the same whether or not a user with that name or address exists, and does the same
database work (one lookup, one throttle count); the mail itself is sent by the job after the
commit. Requests and uses of a link count against the client address in the login limiter
(`password_reset` kind), so the form cannot be used to spam a mailbox or probe at speed. A new
password follows the password rules, ends every session (session epoch) and voids the user's
other open links.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from app.accounts import passwords, throttle
from app.accounts.accounts import set_password
from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from models import PasswordReset, User, db

INVALID = ("Tautan ini tidak berlaku: sudah dipakai, kedaluwarsa, atau tidak dikenal. "
           "Minta tautan baru.")


def _rule() -> throttle.Rule:
    cfg = current_app.config
    return throttle.Rule("password_reset", cfg.get("PASSWORD_RESET_REQUESTS", 5),
                         timedelta(minutes=cfg.get("LOGIN_WINDOW_MINUTES", 15)),
                         cfg.get("LOGIN_BLOCK_SECONDS", 30),
                         cfg.get("LOGIN_BLOCK_MAX_MINUTES", 15) * 60)


class ResetThrottled(ServiceError):
    def __init__(self, seconds: int):
        super().__init__("Terlalu banyak permintaan dari alamat ini. "
                         f"Coba lagi dalam {throttle.wait_text(seconds)}.")
        self.retry_after = seconds


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def check_throttle(address: str | None) -> str:
    """The cleaned address; ResetThrottled when it is blocked now."""
    address = throttle.clean_address(address)
    wait = throttle.retry_after([throttle.key("password_reset", address)])
    if wait:
        raise ResetThrottled(wait)
    return address


def count_request(address: str) -> None:
    throttle.fail(_rule(), address)


def find_user(identifier: str) -> User | None:
    """The active user with this username or e-mail address (and an e-mail to send to)."""
    ident = (identifier or "").strip().lower().replace("\x00", "")[:120]
    if not ident:
        return None
    users = db.session.scalars(select(User).where(
        User.active, User.email != "",
        or_(User.username == ident, func.lower(User.email) == ident)).order_by(User.id)).all()
    # An address shared by several accounts names none of them: a username must be given.
    return users[0] if len(users) == 1 else None


def create_link(user: User, address: str) -> str:
    """A new reset link's secret for `user` (stored as a hash, flushed)."""
    secret = secrets.token_urlsafe(32)
    minutes = current_app.config.get("PASSWORD_RESET_MINUTES", 60)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash(secret), created_at=now(),
                                 expires_at=now() + timedelta(minutes=minutes),
                                 address=address))
    audit.record("reset_request", "user", user.id, note=f"Tautan atur ulang kata sandi dari "
                 f"{address}", user=user)
    db.session.flush()
    return secret


def valid_link(secret: str) -> PasswordReset | None:
    if not secret or len(secret) > 100:
        return None
    link = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == _hash(secret)))
    if link is None or link.used_at is not None or link.expires_at <= now():
        return None
    user = db.session.get(User, link.user_id)
    return link if user is not None and user.active else None


def complete(secret: str, password: str) -> User:
    """Set the new password through the link: once only. ServiceError on a bad link or a
    password the rules refuse (the link then stays usable)."""
    link = valid_link(secret)
    if link is None:
        raise ServiceError(INVALID)
    user = db.session.get(User, link.user_id)
    passwords.check(password, user.username)  # refused: the link stays usable
    # Claim the link in one conditional UPDATE: of two concurrent uses, one wins.
    used = db.session.execute(update(PasswordReset).where(
        PasswordReset.id == link.id, PasswordReset.used_at.is_(None))
        .values(used_at=now())).rowcount
    if not used:
        raise ServiceError(INVALID)
    set_password(user, password, actor=user)  # rules, hash, session epoch, audit
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now()))  # other open links of the user die with this one
    db.session.expire_all()
    return user

"""Personal API tokens: shown once, stored as a SHA-256 hash, acting as their user.

Tokens are 256-bit random strings, so a fast hash is enough (unlike passwords, they cannot be
guessed from a dictionary); the hash makes a leaked database useless for calling the API.
Bad tokens are throttled per address (services.throttle), but only the failing attempts: a
valid token always works, so one misconfigured client cannot block the others behind a proxy.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.accounts import throttle
from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from models import ApiToken, User, db

PREFIX = "tgr_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ServiceError("Nama token wajib diisi.", field="name")
    if len(name) > 80:
        raise ServiceError("Nama token paling panjang 80 karakter.", field="name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:12], token_hash=_hash(secret))
    db.session.add(token)
    db.session.flush()
    audit.record("create", "api_token", token.id, new={"name": name, "prefix": token.prefix},
                 opd_id=user.opd_id, user=user)
    return token, secret


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = now()
        audit.record("revoke", "api_token", token.id, new={"revoked_at": token.revoked_at
                     .isoformat()}, opd_id=token.user.opd_id, user=actor)


def revoke_all_tokens(user: User, *, actor: User) -> int:
    """Revoke every live token of `user` (asked for when a password is changed)."""
    live = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                     ApiToken.revoked_at.is_(None))).all()
    for token in live:
        revoke_token(token, actor=actor)
    return len(live)


# "Last used" is shown to the minute; writing it on every API read would turn each read into a
# write (a row lock, a commit) for nothing.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def note_use(token: ApiToken) -> None:
    """Record that `token` was used, at most once per LAST_USED_RESOLUTION."""
    moment = now()
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = moment


class TokenError(Exception):
    def __init__(self, status: int, message: str, retry_after: int = 0):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def authenticate(header: str | None, ip: str) -> User:
    """The active user behind an `Authorization: Bearer tgr_...` header, or TokenError.

    A valid token is never refused. A bad one is counted against its address (and audited);
    once the address is over the limit its bad tokens get 429 with the seconds to wait.
    """
    scheme, _, secret = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenError(401, "Token API diperlukan (Authorization: Bearer <token>).")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret.strip())))
    if token is not None and token.revoked_at is None and token.user.active:
        note_use(token)
        return token.user
    address = throttle.clean_address(ip)
    wait = throttle.retry_after([throttle.key("api_address", address)])
    if wait:
        raise TokenError(429, "Terlalu banyak percobaan token yang gagal dari alamat ini. "
                              f"Coba lagi dalam {throttle.wait_text(wait)}.", wait)
    throttle.fail(throttle.api_address_rule(), address)
    entry = audit.record("api_auth_fail", "api_token", token.id if token else None,
                         note="Token API tidak valid atau dicabut")
    entry.ip = address
    db.session.commit()  # the failure must count even though the request is refused
    raise TokenError(401, "Token API tidak valid atau sudah dicabut.")

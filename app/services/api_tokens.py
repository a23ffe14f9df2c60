"""Personal API tokens: shown once, stored as a SHA-256 hash, acting as their user.

Tokens are 256-bit random strings, so a fast hash is enough (unlike passwords, they cannot be
guessed from a dictionary); the hash makes a leaked database useless for calling the API.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from models import ApiToken, AuditLog, User, db

from . import ServiceError, audit
from .clock import now

PREFIX = "tgr_"
MAX_FAILURES = 20  # failed attempts from one address ...
FAILURE_WINDOW = timedelta(minutes=10)  # ... within this window answer 429


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


class TokenError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def recent_failures(ip: str) -> int:
    return db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "api_auth_fail", AuditLog.ip == ip,
        AuditLog.at > now() - FAILURE_WINDOW))


def authenticate(header: str | None, ip: str) -> User:
    """The active user behind an `Authorization: Bearer tgr_...` header, or TokenError.

    Failures are recorded in the audit log (which also makes the rate limit hold across
    gunicorn workers); past MAX_FAILURES in the window the address gets 429.
    """
    if recent_failures(ip) >= MAX_FAILURES:
        raise TokenError(429, "Terlalu banyak percobaan token yang gagal. Coba lagi nanti.")
    scheme, _, secret = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenError(401, "Token API diperlukan (Authorization: Bearer <token>).")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret.strip())))
    if token is None or token.revoked_at is not None or not token.user.active:
        entry = audit.record("api_auth_fail", "api_token", token.id if token else None,
                             note="Token API tidak valid atau dicabut")
        entry.ip = ip[:45]
        db.session.commit()  # the failure must count even though the request is refused
        raise TokenError(401, "Token API tidak valid atau sudah dicabut.")
    token.last_used_at = now()
    return token.user

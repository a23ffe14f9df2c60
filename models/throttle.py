"""Failed-attempt counters for login and API tokens, kept in the database so that every gunicorn
worker and every app node sees the same counts and blocks."""
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

THROTTLE_KINDS = ("login_address", "login_account", "api_address", "password_reset",
                  "login_device", "public_api")
THROTTLE_KIND_LABELS = {
    "login_address": "Masuk: alamat",
    "login_account": "Masuk: akun dari alamat",
    "api_address": "Token API: alamat",
    "password_reset": "Lupa kata sandi: alamat",
    "login_device": "Masuk: akun dari perangkat dikenal",
    "public_api": "API publik: alamat",  # issue 29: a request count, not failures
}
# Which counters block everyone behind an address (an office behind one NAT) when they block.
ADDRESS_WIDE_KINDS = ("login_address", "api_address", "password_reset")
_KIND_SQL = ", ".join(f"'{k}'" for k in THROTTLE_KINDS)


class LoginThrottle(db.Model):
    """One counter: a client address, or an (account, address) pair, and its current block.

    `failures` counts the failures of the current streak; a streak ends after a quiet period
    (or, for a pair, a successful login). Each failure past the limit blocks the key for a
    doubling time, so guessing slows down without any account being locked for everyone.
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(45))
    username: Mapped[str] = mapped_column(String(60), default="")  # as typed; may not exist
    failures: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)  # old rows are purged by it
    blocked_until: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(f"kind IN ({_KIND_SQL})", name="kind_valid"),
        CheckConstraint("failures >= 0", name="failures_nonneg"),
    )

    @property
    def kind_label(self) -> str:
        return THROTTLE_KIND_LABELS[self.kind]

    @property
    def address_wide(self) -> bool:
        return self.kind in ADDRESS_WIDE_KINDS

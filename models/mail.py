"""Mail kept before it is sent (the outbox), password-reset links, login history, and which
notifications a user also wants by e-mail."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow

MAIL_STATUSES = ("queued", "sent", "failed", "held")
MAIL_STATUS_LABELS = {
    "queued": "Dalam antrean",
    "sent": "Terkirim",
    "failed": "Gagal",
    "held": "Tertahan (SMTP belum diatur)",
}
_STATUS_SQL = ", ".join(f"'{s}'" for s in MAIL_STATUSES)


class MailOutbox(db.Model):
    """One message: written in the transaction that decided to send it, sent by a job after
    the commit; a failed attempt is kept with its reason and tried again later."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="")  # password_reset, returned, ...
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_valid"),
        CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    @property
    def status_label(self) -> str:
        return MAIL_STATUS_LABELS[self.status]


class PasswordReset(db.Model):
    """A "Lupa kata sandi" link: only the SHA-256 of its secret is kept; it expires and works
    once."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(String(45), default="")


class LoginEvent(db.Model):
    """One login attempt on the form: who (as typed, and the account when it exists), from
    where, and whether it succeeded."""

    __tablename__ = "login_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(60), default="")
    success: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(12), default="")  # ok, wrong, throttled, inactive
    address: Mapped[str] = mapped_column(String(45), default="")

    __table_args__ = (Index("ix_login_event_user_id_at", "user_id", "at"),)


class MailPreference(db.Model):
    """Which notification kinds a user also receives by e-mail (comma-separated codes).
    No row: the defaults of app/mail/notify.py."""

    __tablename__ = "mail_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    kinds: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

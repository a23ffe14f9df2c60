"""Accounts, their roles, and personal API tokens."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .reference import Opd

ROLES = ("opd", "secretariat", "viewer", "admin", "provinsi", "desa")
ROLE_LABELS = {
    "opd": "Operator OPD",
    "secretariat": "Sekretariat TKPKD",
    "viewer": "Pimpinan (lihat saja)",
    "admin": "Administrator",
    "provinsi": "Sekretariat provinsi",  # province mode (issue 18)
    "desa": "Operator desa",  # issue 28: verval of its own desa's households, nothing else
}
_ROLE_SQL = ", ".join(f"'{r}'" for r in ROLES)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(120), default="")
    nip: Mapped[str] = mapped_column(String(30), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    # Issue 28: the one desa a `desa` operator records verval for (only that role has one).
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped by logout, a password change and deactivation: a session (or remember-me cookie)
    # carries the value it was opened with and stops working once they differ.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[datetime | None]
    # A temporary password (set-up import, issue 15): every page leads to the own-password
    # page until the user has chosen one (app/setup/guard.py).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opd: Mapped[Opd | None] = relationship()
    village = relationship("Village")

    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_SQL})", name="role_valid"),
        # An OPD officer without an OPD could see nothing, or worse, everything.
        CheckConstraint("role <> 'opd' OR opd_id IS NOT NULL", name="opd_role_has_opd"),
        CheckConstraint("role <> 'desa' OR village_id IS NOT NULL", name="desa_role_has_village"),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the id and the
        session epoch, so that both die when the epoch is bumped."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A personal API token: only its hash is kept; it acts with its user's role and OPD."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists so a user can tell them apart
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

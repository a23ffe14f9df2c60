"""The audit trail: who changed what, when, with the values before and after."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The OPD whose data it is, so that an OPD's history and "on behalf" are one query away.
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))  # create, update, delete, submit, login...
    entity: Mapped[str] = mapped_column(String(40))  # table name
    entity_id: Mapped[int | None]
    # For children (a tag of a sub-activity): the parent, so one history shows both.
    parent_entity: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None]
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_parent", "parent_entity", "parent_id"),
        Index("ix_audit_log_opd_id", "opd_id"),
        # The admin's viewer (issue 15): newest first, optionally one user's.
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_user_id_at", "user_id", "at"),
    )

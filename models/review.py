"""An OPD's quarterly submission, its status history and the reviewers' comments."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .reference import Opd, Quarter

STATUSES = ("draft", "submitted", "returned", "verified")
STATUS_LABELS = {
    "draft": "Draf",
    "submitted": "Diajukan",
    "returned": "Dikembalikan",
    "verified": "Terverifikasi",
}
_STATUS_SQL = ", ".join(f"'{s}'" for s in STATUSES)


class Submission(db.Model):
    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarter.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    submitted_at: Mapped[datetime | None]  # the latest (re)submission
    first_submitted_at: Mapped[datetime | None]  # lateness is judged on this one
    verified_at: Mapped[datetime | None]
    is_late: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    opd: Mapped[Opd] = relationship()
    quarter: Mapped[Quarter] = relationship()
    events: Mapped[list["SubmissionEvent"]] = relationship(
        back_populates="submission", order_by="SubmissionEvent.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list["ReviewComment"]] = relationship(
        back_populates="submission", order_by="ReviewComment.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("opd_id", "quarter_id"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_valid"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class SubmissionEvent(db.Model):
    """One status transition: who moved it, when, and why (a reason or general comment)."""

    __tablename__ = "submission_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (CheckConstraint(f"to_status IN ({_STATUS_SQL})", name="to_status_valid"),)


class ReviewComment(db.Model):
    """A reviewer's comment on a submission, general (no tag) or on one tag."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission_event.id", ondelete="SET NULL")
    )
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="comments")
    event: Mapped[SubmissionEvent | None] = relationship()
    tag: Mapped["Tag | None"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821

"""In-app notifications: what a user must know about their reports (returned, verified,
reopened, commented, a deadline in a week, overdue; for the secretariat: a report submitted or
resubmitted), kept per user and marked read when seen."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

NOTIFICATION_KINDS = ("returned", "verified", "reopened", "comment", "deadline_7d", "overdue",
                      "verval", "submitted")
NOTIFICATION_KIND_LABELS = {
    "returned": "Dikembalikan",
    "verified": "Terverifikasi",
    "reopened": "Dibuka kembali",
    "comment": "Catatan",
    "deadline_7d": "Batas 7 hari lagi",
    "overdue": "Terlambat",
    "verval": "Verval desa",  # issue 28
    "submitted": "Laporan masuk",  # to the secretariat: an OPD submitted or resubmitted
}
_KIND_SQL = ", ".join(f"'{k}'" for k in NOTIFICATION_KINDS)


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"))
    quarter_id: Mapped[int | None] = mapped_column(ForeignKey("quarter.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    # Set for notices that must exist once per user (the deadline ones): a second run of the
    # reminder finds the key taken and adds nothing.
    dedup_key: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    quarter = relationship("Quarter")

    __table_args__ = (
        UniqueConstraint("user_id", "dedup_key"),
        CheckConstraint(f"kind IN ({_KIND_SQL})", name="kind_valid"),
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
    )

    @property
    def kind_label(self) -> str:
        return NOTIFICATION_KIND_LABELS[self.kind]

"""Bukti dukung: a file (PDF, JPG or PNG) supporting a tag's realization for one quarter, e.g.
the SP2D a verifier asks for. The bytes live on disk outside the web root, under a random key;
the row keeps what is needed to find, check and serve them."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg")
_TYPE_SQL = ", ".join(f"'{t}'" for t in EVIDENCE_TYPES)


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    realization_id: Mapped[int] = mapped_column(
        ForeignKey("realization.id", ondelete="CASCADE"), index=True)
    # The owning OPD, kept on the row so the guard (`load_for`) needs no join.
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, cleaned, for display
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    realization = relationship("Realization")

    __table_args__ = (
        CheckConstraint(f"content_type IN ({_TYPE_SQL})", name="type_valid"),
        CheckConstraint("size > 0", name="size_positive"),
    )


EVIDENCE_REQUEST_STATUSES = ("open", "fulfilled", "cancelled")
_REQUEST_STATUS_SQL = ", ".join(f"'{s}'" for s in EVIDENCE_REQUEST_STATUSES)


class EvidenceRequest(db.Model):
    """The reviewer asks for evidence on a tag's figure for a quarter ("minta bukti dukung"),
    typically for an anomaly. Open until the OPD attaches a file to that figure (fulfilled) or
    the reviewer withdraws it (cancelled); an open one stops the OPD's next submission."""

    __tablename__ = "evidence_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarter.id", ondelete="CASCADE"))
    # The owning OPD, kept on the row so the guard (`load_for`) needs no join.
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    tag = relationship("Tag")
    quarter = relationship("Quarter")
    requested_by = relationship("User")

    __table_args__ = (
        CheckConstraint(f"status IN ({_REQUEST_STATUS_SQL})", name="status_valid"),
    )

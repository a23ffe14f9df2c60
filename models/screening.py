"""Screening (issue 26): people's decisions on suggested sub kegiatan, and the province's
consensus as a kabupaten imported it.

`SuggestionDecision` is one per sub kegiatan: accepted (the tag the person saved through the tag
form) or rejected (with the reason; the line is not suggested again). The code is copied so a
later year's line with the same code learns from it even when this line is gone.

`ProvinceReference` is a signed file a province published (how its kabupaten tag each code);
only the newest imported one is current. Its rows hold counts of kabupaten, never which ones.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow

DECISIONS = ("accepted", "rejected")
DECISION_LABELS = {"accepted": "Diterima", "rejected": "Ditolak"}
REFERENCE_DIMENSIONS = ("any", "strategy", "kind")


class SuggestionDecision(db.Model):
    __tablename__ = "suggestion_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_activity_id: Mapped[int] = mapped_column(
        ForeignKey("sub_activity.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    strategy_code: Mapped[int | None]
    tag_kind_code: Mapped[str | None] = mapped_column(String(20))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    reason: Mapped[str] = mapped_column(Text, default="")
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("decision IN ('accepted', 'rejected')", name="decision_valid"),
        CheckConstraint("strategy_code IS NULL OR strategy_code BETWEEN 1 AND 3",
                        name="strategy_range"),
    )


class ProvinceReference(db.Model):
    __tablename__ = "province_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_name: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int]
    members: Mapped[int]  # kabupaten/kota whose bundles the province counted
    public_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]  # as the province signed it (UTC)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_current: Mapped[bool] = mapped_column(default=True)


class ProvinceReferenceRow(db.Model):
    """Kabupaten counted per code: `any` (tagged it at all), per `strategy` (value 1-3) and per
    `kind` (value langsung / tidak_langsung / penunjang)."""

    __tablename__ = "province_reference_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("province_reference.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(400), default="")
    dimension: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(20), default="")
    kabupaten: Mapped[int]

    __table_args__ = (
        CheckConstraint("dimension IN ('any', 'strategy', 'kind')", name="dimension_valid"),
        CheckConstraint("kabupaten >= 0", name="kabupaten_nonnegative"),
    )


__all__ = ["DECISIONS", "DECISION_LABELS", "REFERENCE_DIMENSIONS", "ProvinceReference",
           "ProvinceReferenceRow", "SuggestionDecision"]

"""Verification and validation (verval) of extreme-poor households by the desa (issue 28).

A campaign is opened on one BNBA snapshot for some or all desa. Opening it writes one record per
desil-1 household of each chosen desa, numbered within the desa by the order of its keyed hash
(the same order the printed list uses), with no status yet. The desa operator gives each record
a status and perhaps a short note; nothing else about a household is kept: no NIK, no name (a
household is still only its keyed hash, models/household.py). The desa submits; the secretariat
approves (the statuses then count for coverage) or returns it with a note.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

VERVAL_STATUSES = ("masih", "tidak_miskin", "pindah", "meninggal", "tidak_ditemukan", "ganda")
VERVAL_STATUS_LABELS = {
    "masih": "Masih miskin ekstrem",
    "tidak_miskin": "Sudah tidak miskin ekstrem",
    "pindah": "Pindah",
    "meninggal": "Meninggal",
    "tidak_ditemukan": "Tidak ditemukan",
    "ganda": "Ganda",
}
# Statuses that take a household out of coverage's denominators and the unreached list once
# approved. "tidak ditemukan" stays counted: not found is not proof of having left.
EXIT_STATUSES = ("tidak_miskin", "pindah", "meninggal", "ganda")
DESA_STATES = ("open", "submitted", "approved", "returned")
DESA_STATE_LABELS = {"open": "Sedang dicatat", "submitted": "Diajukan", "approved": "Disetujui",
                     "returned": "Dikembalikan"}
NOTE_MAX = 200
_STATUS_SQL = ", ".join(f"'{s}'" for s in VERVAL_STATUSES)
_STATE_SQL = ", ".join(f"'{s}'" for s in DESA_STATES)


class VervalCampaign(db.Model):
    __tablename__ = "verval_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("household_snapshot.id"), index=True)
    deadline: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    snapshot = relationship("HouseholdSnapshot")


class VervalVillage(db.Model):
    """One desa in one campaign: its state, and the reviewer's decision."""

    __tablename__ = "verval_village"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verval_campaign.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    households: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    review_note: Mapped[str] = mapped_column(String(500), default="")

    campaign: Mapped[VervalCampaign] = relationship()
    village = relationship("Village")

    __table_args__ = (
        UniqueConstraint("campaign_id", "village_id"),
        CheckConstraint(f"state IN ({_STATE_SQL})", name="state_valid"),
        CheckConstraint("households >= 0", name="households_nonneg"),
    )

    @property
    def state_label(self) -> str:
        return DESA_STATE_LABELS[self.state]

    @property
    def editable(self) -> bool:
        return self.state in ("open", "returned")


class VervalRecord(db.Model):
    """One household of one desa in one campaign: its row on the printed list and its status."""

    __tablename__ = "verval_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_village_id: Mapped[int] = mapped_column(
        ForeignKey("verval_village.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    row_no: Mapped[int]
    status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("campaign_village_id", "row_no"),
        UniqueConstraint("campaign_village_id", "household_id"),
        CheckConstraint(f"status IS NULL OR status IN ({_STATUS_SQL})", name="status_valid"),
        CheckConstraint("row_no >= 1", name="row_positive"),
        Index("ix_verval_record_village_status", "campaign_village_id", "status"),
    )

    @property
    def status_label(self) -> str:
        return VERVAL_STATUS_LABELS.get(self.status or "", "Belum dicatat")

"""Pseudonymous households from BNBA extracts (P3KE/DTSEN) and the OPDs' beneficiary lists.

Personal data (UU 27/2022): no NIK, family card number or name is ever stored. A household is
known only by a keyed hash (HMAC-SHA256 with the pemda's secret, which lives outside the
database: app/coverage/keys.py), its desil and its desa; a member only by the keyed hash of its
NIK, which points to its household (needed to match a beneficiary list). A beneficiary list
keeps the matched household ids and the count of NIKs that matched nobody, nothing else.
"""
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

HASH_BYTES = 32
BNBA_SOURCES = ("P3KE", "DTSEN")
_SOURCE_SQL = ", ".join(f"'{s}'" for s in BNBA_SOURCES)


class HouseholdSnapshot(db.Model):
    """One imported BNBA extract: its date, source and counts (the trend is read from these)."""

    __tablename__ = "household_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date]  # the date of the extract, as the pemda received it
    source: Mapped[str] = mapped_column(String(10))
    rows: Mapped[int] = mapped_column(default=0)  # rows read from the file
    invalid_rows: Mapped[int] = mapped_column(default=0)  # refused: bad NIK, desa, desil
    members: Mapped[int] = mapped_column(default=0)
    households: Mapped[int] = mapped_column(default=0)
    desil1_households: Mapped[int] = mapped_column(default=0)
    # A fingerprint of the key the hashes were made with (never the key): a beneficiary list
    # hashed with another key would match nothing, so the mismatch is shown instead.
    key_check: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(f"source IN ({_SOURCE_SQL})", name="source_valid"),
        CheckConstraint("rows >= 0 AND invalid_rows >= 0 AND members >= 0 AND households >= 0 "
                        "AND desil1_households >= 0", name="counts_nonneg"),
    )


class SnapshotVillageCount(db.Model):
    """Households per desa and desil in one snapshot, kept when the next extract arrives."""

    __tablename__ = "snapshot_village_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("household_snapshot.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    desil: Mapped[int]
    households: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("snapshot_id", "village_id", "desil"),
        CheckConstraint("desil BETWEEN 1 AND 10", name="desil_range"),
        CheckConstraint("households >= 0", name="households_nonneg"),
    )


class Household(db.Model):
    """A household by keyed hash. `snapshot_id` is the latest extract it appeared in: one
    missing from the newest extract stays (its past interventions with it) but is no longer
    counted."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_BYTES), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    desil: Mapped[int]
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("household_snapshot.id"))
    # Issue 28: an approved verval found it no longer extreme-poor (or moved, dead, a duplicate)
    # in this snapshot: coverage stops counting it there. A newer extract is a new truth, so the
    # mark holds only while the household's snapshot is the one verified.
    verval_exit_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_snapshot.id", ondelete="SET NULL"))

    village = relationship("Village")

    __table_args__ = (
        CheckConstraint("desil BETWEEN 1 AND 10", name="desil_range"),
        Index("ix_household_snapshot_desil", "snapshot_id", "desil"),
    )


class HouseholdMember(db.Model):
    """A member by keyed hash of the NIK: what a beneficiary list is matched against."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_BYTES), unique=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)


class BeneficiaryList(db.Model):
    """Who one tag's program reached in one quarter, as matched households: one list per tag
    and quarter (a new upload replaces it). Owned by the tag's OPD."""

    __tablename__ = "beneficiary_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"))
    quarter: Mapped[int]
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"), index=True)
    rows: Mapped[int] = mapped_column(default=0)  # NIK cells read
    invalid: Mapped[int] = mapped_column(default=0)  # not a 16-digit NIK
    duplicates: Mapped[int] = mapped_column(default=0)  # the same NIK again
    matched_members: Mapped[int] = mapped_column(default=0)
    matched_households: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)  # valid NIKs outside the BNBA: a count
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_snapshot.id", ondelete="SET NULL"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tag = relationship("Tag")
    households: Mapped[list["BeneficiaryHousehold"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        UniqueConstraint("tag_id", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("rows >= 0 AND invalid >= 0 AND duplicates >= 0 "
                        "AND matched_members >= 0 AND matched_households >= 0 "
                        "AND unmatched >= 0", name="counts_nonneg"),
    )


class BeneficiaryHousehold(db.Model):
    __tablename__ = "beneficiary_household"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("beneficiary_list.id", ondelete="CASCADE"), primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True, index=True)

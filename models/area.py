"""Kecamatan and desa with Kemendagri codes, and each desa's priority status per fiscal year."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow


class District(db.Model):
    """Kecamatan."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 99.07.01
    name: Mapped[str] = mapped_column(String(120))

    villages: Mapped[list["Village"]] = relationship(
        back_populates="district", order_by="Village.code"
    )


class Village(db.Model):
    """Desa or kelurahan."""

    __tablename__ = "village"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 99.07.01.2001
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default="desa")

    district: Mapped[District] = relationship(back_populates="villages")

    __table_args__ = (CheckConstraint("kind IN ('desa', 'kelurahan')", name="kind_valid"),)


class VillageYear(db.Model):
    """A desa in one fiscal year: lokus (priority) or not, and its desil-1 households."""

    __tablename__ = "village_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"))
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_year.id"), index=True)
    is_priority: Mapped[bool] = mapped_column(default=False)
    desil1_households: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual, P3KE, DTSEN
    decree: Mapped[str] = mapped_column(String(200), default="")  # SK Bupati number
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village: Mapped[Village] = relationship()
    fiscal_year: Mapped["FiscalYear"] = relationship()  # noqa: F821
    desil_counts: Mapped[list["VillageDesilCount"]] = relationship(
        cascade="all, delete-orphan", order_by="VillageDesilCount.desil")

    __table_args__ = (
        UniqueConstraint("village_id", "fiscal_year_id"),
        CheckConstraint("desil1_households >= 0", name="households_nonneg"),
    )


class VillageDesilCount(db.Model):
    """Households per welfare decile in a desa, counted from a P3KE/DTSEN file; no names kept."""

    __tablename__ = "village_desil_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    village_year_id: Mapped[int] = mapped_column(
        ForeignKey("village_year.id", ondelete="CASCADE")
    )
    desil: Mapped[int]
    households: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("village_year_id", "desil"),
        CheckConstraint("desil BETWEEN 1 AND 10", name="desil_range"),
        CheckConstraint("households >= 0", name="households_nonneg"),
    )

"""Quarterly realization of a tag, entered as the figure to date (cumulative)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Village
from .base import Money, Percent, db, utcnow
from .budget import Tag
from .reference import Quarter


class Realization(db.Model):
    __tablename__ = "realization"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"))
    quarter_id: Mapped[int] = mapped_column(ForeignKey("quarter.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)  # spent to date
    physical_progress: Mapped[Decimal] = mapped_column(Percent)  # 0-100 to date
    reached_count: Mapped[int] = mapped_column(default=0)  # beneficiaries to date
    problems: Mapped[str] = mapped_column(Text, default="")  # permasalahan
    follow_up: Mapped[str] = mapped_column(Text, default="")  # tindak lanjut
    # Anomaly codes found when it was saved (comma-separated), kept so the dashboard and the
    # review queue can count them in SQL; the explanation is the OPD's written answer to them.
    anomalies: Mapped[str] = mapped_column(String(200), default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tag: Mapped[Tag] = relationship()
    quarter: Mapped[Quarter] = relationship()
    villages: Mapped[list["RealizationVillage"]] = relationship(
        back_populates="realization", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("tag_id", "quarter_id"),
        CheckConstraint("amount >= 0", name="amount_nonneg"),
        CheckConstraint("physical_progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("reached_count >= 0", name="reached_nonneg"),
    )

    @property
    def opd_id(self) -> int:
        return self.tag.sub_activity.opd_id

    @property
    def anomaly_codes(self) -> list[str]:
        return [c for c in self.anomalies.split(",") if c]


class RealizationVillage(db.Model):
    """Beneficiaries reached to date in one lokus desa of the tag."""

    __tablename__ = "realization_village"

    id: Mapped[int] = mapped_column(primary_key=True)
    realization_id: Mapped[int] = mapped_column(
        ForeignKey("realization.id", ondelete="CASCADE")
    )
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    reached_count: Mapped[int] = mapped_column(default=0)

    realization: Mapped[Realization] = relationship(back_populates="villages")
    village: Mapped[Village] = relationship()

    __table_args__ = (
        UniqueConstraint("realization_id", "village_id"),
        CheckConstraint("reached_count >= 0", name="reached_nonneg"),
    )

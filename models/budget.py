"""Sub-activities of the DPA, their poverty tags and the lokus desa each tag reaches."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Village
from .base import Money, db, utcnow
from .reference import FiscalYear, FundingSource, Opd, Strategy, TagKind


class SubActivity(db.Model):
    """Sub kegiatan of one OPD in one fiscal year."""

    __tablename__ = "sub_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opd.id"))
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_year.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(400))
    program_code: Mapped[str] = mapped_column(String(40))
    program_name: Mapped[str] = mapped_column(String(400))
    activity_code: Mapped[str] = mapped_column(String(40))
    activity_name: Mapped[str] = mapped_column(String(400))
    allocation_original: Mapped[Decimal] = mapped_column(Money)  # APBD murni
    allocation_revised: Mapped[Decimal | None] = mapped_column(Money)  # APBD perubahan
    funding_source_id: Mapped[int | None] = mapped_column(ForeignKey("funding_source.id"))
    output_indicator: Mapped[str] = mapped_column(Text, default="")
    output_target: Mapped[Decimal | None] = mapped_column(Money)
    output_unit: Mapped[str] = mapped_column(String(60), default="")
    location: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    opd: Mapped[Opd] = relationship()
    fiscal_year: Mapped[FiscalYear] = relationship()
    funding_source: Mapped[FundingSource | None] = relationship()
    tags: Mapped[list["Tag"]] = relationship(
        back_populates="sub_activity", cascade="all, delete-orphan", order_by="Tag.id"
    )

    # The ORM refuses an UPDATE whose row changed since it was read (two tabs, two people).
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("opd_id", "fiscal_year_id", "code"),
        CheckConstraint("allocation_original >= 0", name="allocation_original_nonneg"),
        CheckConstraint(
            "allocation_revised IS NULL OR allocation_revised >= 0",
            name="allocation_revised_nonneg",
        ),
        CheckConstraint("output_target IS NULL OR output_target >= 0", name="target_nonneg"),
    )

    @property
    def allocation(self) -> Decimal:
        """The allocation in force: the revised one once there is an APBD perubahan."""
        if self.allocation_revised is not None:
            return self.allocation_revised
        return self.allocation_original


class Tag(db.Model):
    """The part of a sub-activity tagged to one strategy and one tag kind."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_activity_id: Mapped[int] = mapped_column(
        ForeignKey("sub_activity.id", ondelete="CASCADE"), index=True
    )
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id"))
    tag_kind_id: Mapped[int] = mapped_column(ForeignKey("tag_kind.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(Text, default="")  # aktivitas
    aid_nature: Mapped[str] = mapped_column(String(120), default="")  # sifat bantuan
    aid_type: Mapped[str] = mapped_column(String(120), default="")  # jenis bantuan
    benefit_per_recipient: Mapped[Decimal | None] = mapped_column(Money)  # besaran manfaat
    duration: Mapped[str] = mapped_column(String(60), default="")  # durasi pemberian
    target_count: Mapped[int | None]
    target_unit: Mapped[str] = mapped_column(String(30), default="")
    # The quarters of its year this tag has a realization row for, one bit per quarter (bit 0:
    # TW I). Kept by the database itself (models/quarter_mask.py triggers, on every insert and
    # delete of a row, whatever writes it) and never written by the app: the rollup reads a
    # tag's carried-forward quarter from it instead of grouping every row of the year.
    realized_quarters: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sub_activity: Mapped[SubActivity] = relationship(back_populates="tags")
    strategy: Mapped[Strategy] = relationship()
    tag_kind: Mapped[TagKind] = relationship()
    villages: Mapped[list["TagVillage"]] = relationship(
        back_populates="tag", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_nonneg"),
        CheckConstraint(
            "benefit_per_recipient IS NULL OR benefit_per_recipient >= 0", name="benefit_nonneg"
        ),
        CheckConstraint("target_count IS NULL OR target_count >= 0", name="target_nonneg"),
    )

    @property
    def opd_id(self) -> int:
        return self.sub_activity.opd_id


class TagVillage(db.Model):
    """A lokus desa reached by a tag, optionally with its own share of amount and target."""

    __tablename__ = "tag_village"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    target_count: Mapped[int | None]

    tag: Mapped[Tag] = relationship(back_populates="villages")
    village: Mapped[Village] = relationship()

    __table_args__ = (
        UniqueConstraint("tag_id", "village_id"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_nonneg"),
        CheckConstraint("target_count IS NULL OR target_count >= 0", name="target_nonneg"),
    )

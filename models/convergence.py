"""Beyond APBD kabupaten and beyond one theme (issue 17): other funding at the lokus desa,
themes a tag serves, and strategy frameworks a report can be produced in.

- `OtherIntervention`: money that reaches a desa outside the APBD kabupaten (Dana Desa, APBD
  provinsi, APBN programs, BAZNAS/LAZ, CSR, ...), entered by the secretariat. It counts for the
  convergence and gaps of the lokus desa, never for the Kemenko matrix (which is APBD only).
- `Theme` / `TagTheme`: Kemiskinan Ekstrem is the default theme and cannot be deleted; a tag
  belongs to a theme at most once (unique pair), so a theme's rollup never counts a tag twice.
- `Framework` / `FrameworkStrategy` / `StrategyMapping`: tags keep their Inpres 4/2022 strategy
  (`Strategy`, untouched); another framework (Permendagri 53/2020) is a set of strategies plus a
  mapping that sends each Inpres strategy to exactly one of them, so totals are preserved.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Village
from .base import ZERO, Money, db, utcnow
from .reference import FiscalYear, Strategy

# Other sources at the lokus desa (code -> label); APBD kabupaten is the tags themselves.
SOURCE_KINDS = {
    "dana_desa": "Dana Desa",
    "apbd_provinsi": "APBD Provinsi",
    "apbn": "Program APBN",
    "baznas": "BAZNAS / LAZ",
    "csr": "CSR",
    "lainnya": "Lainnya",
}
APBD_KABUPATEN = "APBD Kabupaten"
_KIND_LIST = ", ".join(f"'{k}'" for k in SOURCE_KINDS)


class OtherIntervention(db.Model):
    """One provider's intervention at one desa in one fiscal year, by strategy."""

    __tablename__ = "other_intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_year.id"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id"), index=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id"))
    source_kind: Mapped[str] = mapped_column(String(20))
    provider_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    amount_planned: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    # Realized in each quarter (its own flow, not to date): what a provider reports per quarter.
    realized_q1: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    realized_q2: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    realized_q3: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    realized_q4: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    households_reached: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fiscal_year: Mapped[FiscalYear] = relationship()
    village: Mapped[Village] = relationship()
    strategy: Mapped[Strategy] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"source_kind IN ({_KIND_LIST})", name="source_kind_valid"),
        CheckConstraint("amount_planned >= 0", name="planned_nonneg"),
        CheckConstraint("realized_q1 >= 0 AND realized_q2 >= 0 AND realized_q3 >= 0 "
                        "AND realized_q4 >= 0", name="realized_nonneg"),
        CheckConstraint("households_reached >= 0", name="households_nonneg"),
    )

    @property
    def source_label(self) -> str:
        return SOURCE_KINDS.get(self.source_kind, self.source_kind)

    def realized_to(self, quarter: int) -> Decimal:
        """Realized to date at the end of `quarter` (the sum of its flows)."""
        return sum((getattr(self, f"realized_q{n}") for n in range(1, quarter + 1)), ZERO)


class Theme(db.Model):
    """A theme a tag can serve (Kemiskinan Ekstrem, Stunting, Inflasi, ...)."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TagTheme(db.Model):
    """A tag's membership of a theme: at most once per theme."""

    __tablename__ = "tag_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"),
                                          index=True)

    theme: Mapped[Theme] = relationship()

    __table_args__ = (UniqueConstraint("tag_id", "theme_id"),)


class Framework(db.Model):
    """A strategy framework: Inpres 4/2022 jo. 8/2025 (default) or Permendagri 53/2020."""

    __tablename__ = "framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(default=False)

    strategies: Mapped[list["FrameworkStrategy"]] = relationship(
        back_populates="framework", order_by="FrameworkStrategy.code")


class FrameworkStrategy(db.Model):
    __tablename__ = "framework_strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    code: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))

    framework: Mapped[Framework] = relationship(back_populates="strategies")

    __table_args__ = (UniqueConstraint("framework_id", "code"),)


class StrategyMapping(db.Model):
    """Inpres strategy -> one strategy of a framework (a function: totals are preserved)."""

    __tablename__ = "strategy_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id"))
    framework_strategy_id: Mapped[int] = mapped_column(
        ForeignKey("framework_strategy.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("framework_id", "strategy_id"),)

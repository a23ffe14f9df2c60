"""Federation (issue 18): signed bundles a kabupaten exports, and what a province keeps of them.

Kabupaten side: `FederationExport` numbers each bundle it signs (the `sequence` the province
uses to refuse replays) and remembers where it was pushed.

Province side: `FederationMember` is a registered kabupaten/kota (its Ed25519 public key and the
hash of its push token); `FederationBundle` is every accepted bundle (history kept; exactly one
`is_current` per member, year and period); the bundle's figures are copied into rows the
province rollup aggregates in SQL (`FederationRow` per dimension, `FederationLokus` per priority
desa, `FederationMatrixRow` per tag of the action-plan matrix).
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Money, db, utcnow

PERIOD_KINDS = ("quarter", "semester")
BUNDLE_SOURCES = ("api", "upload")
DIMENSIONS = ("total", "strategy", "tag_kind", "opd", "funding_source", "district", "theme")
_PERIOD_SQL = ", ".join(f"'{k}'" for k in PERIOD_KINDS)
_SOURCE_SQL = ", ".join(f"'{k}'" for k in BUNDLE_SOURCES)
_DIM_SQL = ", ".join(f"'{k}'" for k in DIMENSIONS)
# Physical progress is an average of 0-100 %, but a kabupaten's own anomalies may exceed it.
Progress = Numeric(7, 2, asdecimal=True)

_PERIOD_CHECKS = (
    f"period_kind IN ({_PERIOD_SQL})",
    "(period_kind = 'quarter' AND period_number BETWEEN 1 AND 4) OR "
    "(period_kind = 'semester' AND period_number BETWEEN 1 AND 2)",
)


class FederationExport(db.Model):
    """Kabupaten side: one signed bundle, numbered for replay protection."""

    __tablename__ = "federation_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int]
    period_kind: Mapped[str] = mapped_column(String(8))
    period_number: Mapped[int]
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    pushed_to: Mapped[str] = mapped_column(String(300), default="")
    push_status: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        CheckConstraint(_PERIOD_CHECKS[0], name="period_kind_valid"),
        CheckConstraint(_PERIOD_CHECKS[1], name="period_number_range"),
    )


class FederationMember(db.Model):
    """Province side: a registered kabupaten/kota."""

    __tablename__ = "federation_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # The raw 32-byte Ed25519 public key, base64 (a PEM given at registration is reduced to it).
    public_key: Mapped[str] = mapped_column(String(64))
    token_prefix: Mapped[str] = mapped_column(String(12), default="")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<FederationMember {self.code}>"


class FederationBundle(db.Model):
    """Province side: one accepted bundle (every one is kept; the newest counts)."""

    __tablename__ = "federation_bundle"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("federation_member.id"))
    fiscal_year: Mapped[int]
    period_kind: Mapped[str] = mapped_column(String(8))
    period_number: Mapped[int]
    quarter: Mapped[int]  # the figures are to date at the end of this quarter
    sequence: Mapped[int] = mapped_column(BigInteger)
    schema_version: Mapped[int]
    created_at: Mapped[datetime]  # as the kabupaten signed it (UTC)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(8))
    received_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=True)
    tagged: Mapped[Decimal] = mapped_column(Money)
    realized: Mapped[Decimal] = mapped_column(Money)
    has_pdf: Mapped[bool] = mapped_column(default=False)
    # The kabupaten's report PDF: its hash is signed in the bundle, the file comes after it.
    report_sha256: Mapped[str] = mapped_column(String(64), default="")
    report_name: Mapped[str] = mapped_column(String(200), default="")
    report_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    document: Mapped[str] = mapped_column(Text, deferred=True)  # the signed bundle, as received
    # Issue 30: the region on the kabupaten's letterhead when the bundle was signed; differing
    # from the registered name, the bundle is accepted but flagged on both sides.
    letterhead_name: Mapped[str] = mapped_column(String(120), default="", server_default="")

    member: Mapped[FederationMember] = relationship()

    __table_args__ = (
        UniqueConstraint("member_id", "fiscal_year", "period_kind", "period_number", "sequence",
                         name="uq_federation_bundle_sequence"),
        CheckConstraint(_PERIOD_CHECKS[0], name="period_kind_valid"),
        CheckConstraint(_PERIOD_CHECKS[1], name="period_number_range"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint(f"source IN ({_SOURCE_SQL})", name="source_valid"),
        Index("ix_federation_bundle_current", "fiscal_year", "quarter", "is_current"),
        Index("ix_federation_bundle_member", "member_id", "fiscal_year", "period_kind",
              "period_number"),
    )

    @property
    def period_label(self) -> str:
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
        if self.period_kind == "semester":
            return f"Semester {self.period_number}"
        return f"Triwulan {roman[self.period_number]}"


class FederationRefusal(db.Model):
    """Province side (issue 30): a push or upload that was refused, kept for the record:
    which kabupaten it claimed or whose token came, why, how big, from where, when. Never the
    body, the token or its hash."""

    __tablename__ = "federation_refusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("federation_member.id", ondelete="SET NULL"), index=True)
    claimed_code: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(8))
    status: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    refused_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    member: Mapped[FederationMember | None] = relationship()

    __table_args__ = (CheckConstraint(f"source IN ({_SOURCE_SQL})", name="source_valid"),)


class FederationRow(db.Model):
    """Province side: one grouped row of a bundle (by strategy, tag kind, OPD, ...)."""

    __tablename__ = "federation_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(
        ForeignKey("federation_bundle.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(400))
    tags: Mapped[int]
    tagged: Mapped[Decimal] = mapped_column(Money)
    realized: Mapped[Decimal] = mapped_column(Money)
    physical: Mapped[Decimal | None] = mapped_column(Progress)
    target: Mapped[int] = mapped_column(BigInteger)
    reached: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(f"dimension IN ({_DIM_SQL})", name="dimension_valid"),)


class FederationLokus(db.Model):
    """Province side: one priority desa of a bundle, with its interventions."""

    __tablename__ = "federation_lokus"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(
        ForeignKey("federation_bundle.id", ondelete="CASCADE"), index=True)
    district: Mapped[str] = mapped_column(String(120))
    village_code: Mapped[str] = mapped_column(String(30))
    village_name: Mapped[str] = mapped_column(String(120))
    households: Mapped[int]
    interventions: Mapped[int]
    strategies: Mapped[str] = mapped_column(String(20))
    convergence: Mapped[int]
    opds: Mapped[str] = mapped_column(Text)
    tagged: Mapped[Decimal] = mapped_column(Money)
    realized: Mapped[Decimal] = mapped_column(Money)


class FederationMatrixRow(db.Model):
    """Province side: one tag of a bundle's action-plan matrix."""

    __tablename__ = "federation_matrix_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(
        ForeignKey("federation_bundle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    strategy_code: Mapped[int]
    opd_code: Mapped[str] = mapped_column(String(40))
    opd_name: Mapped[str] = mapped_column(String(200))
    sub_activity_code: Mapped[str] = mapped_column(String(40))
    sub_activity_name: Mapped[str] = mapped_column(String(400))
    program_name: Mapped[str] = mapped_column(String(400))
    activity_name: Mapped[str] = mapped_column(String(400))
    tag_kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    funding: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(Text)
    tagged: Mapped[Decimal] = mapped_column(Money)
    realized: Mapped[Decimal] = mapped_column(Money)
    target: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(30))
    reached: Mapped[int] = mapped_column(BigInteger)


__all__ = ["BUNDLE_SOURCES", "DIMENSIONS", "PERIOD_KINDS", "FederationBundle",
           "FederationExport", "FederationLokus", "FederationMatrixRow", "FederationMember",
           "FederationRefusal", "FederationRow"]

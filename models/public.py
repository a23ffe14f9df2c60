"""The public portal (issue 29): whether it is open, the licence of its open data, the year's
total APBD belanja the tagged share is measured against, and the versions of open data
published so far (each kept, so an old file's address keeps answering)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Money, db, utcnow

LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution 1.0",
                   "https://opendatacommons.org/licenses/by/1-0/"),
}
_LICENSE_SQL = ", ".join(f"'{k}'" for k in LICENSES)


class PublicPortal(db.Model):
    """A single row: the portal is off until an administrator switches it on."""

    __tablename__ = "public_portal"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    license_id: Mapped[str] = mapped_column(String(20), default="CC-BY-4.0")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint(f"license_id IN ({_LICENSE_SQL})", name="license_valid"),)

    @property
    def license_title(self) -> str:
        return LICENSES[self.license_id][0]

    @property
    def license_url(self) -> str:
        return LICENSES[self.license_id][1]


class PublicApbdTotal(db.Model):
    """The whole APBD's belanja of a year, murni and (once adopted) perubahan, as the
    administrator enters it: the denominator of the tagged budget's share."""

    __tablename__ = "public_apbd_total"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(
        ForeignKey("fiscal_year.id", ondelete="CASCADE"), unique=True)
    belanja_murni: Mapped[Decimal] = mapped_column(Money)
    belanja_perubahan: Mapped[Decimal | None] = mapped_column(Money)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("belanja_murni >= 0", name="murni_nonneg"),
        CheckConstraint("belanja_perubahan IS NULL OR belanja_perubahan >= 0",
                        name="perubahan_nonneg"),
    )


class PublicPublication(db.Model):
    """One published version of a year's open data: its figures as published (JSON), so the
    files of an old version are served unchanged after the data moved on."""

    __tablename__ = "public_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(
        ForeignKey("fiscal_year.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None]  # the last verification the figures include
    content: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "version"),
        UniqueConstraint("fiscal_year_id", "digest"),
    )

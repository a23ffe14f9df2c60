"""Reference data: the pemda, its OPDs, fiscal years and quarters, strategies, tag kinds, funds."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Percent, db, utcnow


class PemdaSettings(db.Model):
    """One row: the letterhead and signatories printed on reports, editable by the admin."""

    __tablename__ = "pemda_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # "Pemerintah Kabupaten ..."
    region_name: Mapped[str] = mapped_column(String(120))  # "Kabupaten ..."
    province_name: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(120), default="")
    logo: Mapped[bytes | None] = mapped_column(db.LargeBinary)
    head_title: Mapped[str] = mapped_column(String(120), default="Bupati")
    head_name: Mapped[str] = mapped_column(String(120), default="")
    head_nip: Mapped[str] = mapped_column(String(30), default="")
    tkpkd_chair_name: Mapped[str] = mapped_column(String(120), default="")
    tkpkd_chair_nip: Mapped[str] = mapped_column(String(30), default="")
    # Issue 30: the Sekretaris Daerah, a province report's third signatory.
    secretary_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    secretary_nip: Mapped[str] = mapped_column(String(30), default="", server_default="")
    report_addressee: Mapped[str] = mapped_column(
        String(300), default="Menteri Koordinator Bidang Pemberdayaan Masyarakat"
    )
    report_deadline_days: Mapped[int] = mapped_column(default=15)
    # The report (issue 13): paper, who signs, who receives by default.
    paper_size: Mapped[str] = mapped_column(String(2), default="A4", server_default="A4")
    tkpkd_chair_title: Mapped[str] = mapped_column(
        String(120), default="Ketua TKPKD", server_default="Ketua TKPKD")  # or "Sekretaris Daerah"
    signatories: Mapped[str] = mapped_column(
        String(5), default="head", server_default="head")  # head | chair | both
    report_addressees: Mapped[str] = mapped_column(
        String(60), default="menko_pm,menko_pmk,mendagri",
        server_default="menko_pm,menko_pmk,mendagri")  # Menko PMK ticked too (issue 23)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("report_deadline_days BETWEEN 0 AND 90", name="deadline_days_range"),
        CheckConstraint("paper_size IN ('A4', 'F4')", name="paper_size_valid"),
        CheckConstraint("signatories IN ('head', 'chair', 'both')", name="signatories_valid"),
    )


OPD_KIND_LABELS = {
    "dinas": "Dinas",
    "badan": "Badan",
    "kecamatan": "Kecamatan",
    "sekretariat": "Sekretariat",
    "inspektorat": "Inspektorat",
    "lainnya": "Lainnya",
}
OPD_KINDS = tuple(OPD_KIND_LABELS)
_OPD_KIND_SQL = ", ".join(f"'{k}'" for k in OPD_KINDS)


class Opd(db.Model):
    """A regional government unit (perangkat daerah)."""

    __tablename__ = "opd"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    head_name: Mapped[str] = mapped_column(String(120), default="")
    head_nip: Mapped[str] = mapped_column(String(30), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Jenis perangkat daerah (issue 15): set by the admin form or the set-up import.
    kind: Mapped[str] = mapped_column(String(12), default="lainnya", server_default="lainnya")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (CheckConstraint(f"kind IN ({_OPD_KIND_SQL})", name="kind_valid"),)

    @property
    def opd_id(self) -> int:
        return self.id

    @property
    def kind_label(self) -> str:
        return OPD_KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Opd {self.code} {self.short_name or self.name}>"


class FiscalYear(db.Model):
    __tablename__ = "fiscal_year"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    is_current: Mapped[bool] = mapped_column(default=False)
    # APBD perubahan: revised allocations count from this date; null while there is none.
    revision_date: Mapped[date | None]

    quarters: Mapped[list["Quarter"]] = relationship(
        back_populates="fiscal_year", order_by="Quarter.number", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),)

    def __repr__(self) -> str:
        return f"<FiscalYear {self.year}>"


class Quarter(db.Model):
    """Triwulan I-IV of a fiscal year: the reporting period and its deadline."""

    __tablename__ = "quarter"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_year.id", ondelete="CASCADE"))
    number: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date]
    deadline: Mapped[date]
    is_open: Mapped[bool] = mapped_column(default=True)

    fiscal_year: Mapped[FiscalYear] = relationship(back_populates="quarters")

    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "number"),
        CheckConstraint("number BETWEEN 1 AND 4", name="number_range"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        CheckConstraint("deadline >= end_date", name="deadline_after_end"),
    )

    ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

    @property
    def label(self) -> str:
        return f"Triwulan {self.ROMAN[self.number]}"

    @property
    def semester(self) -> int:
        return 1 if self.number <= 2 else 2

    def __repr__(self) -> str:
        return f"<Quarter {self.number}>"


class Strategy(db.Model):
    """The three strategies of Inpres 4/2022, kept by Inpres 8/2025."""

    __tablename__ = "strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("code BETWEEN 1 AND 3", name="code_range"),)


class TagKind(db.Model):
    """Kelompok penandaan, weighted by PMK 97/2023 in the fiscal-incentive score."""

    __tablename__ = "tag_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    weight: Mapped[Decimal] = mapped_column(Percent)
    sort_order: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("weight BETWEEN 0 AND 100", name="weight_range"),)


class FundingSource(db.Model):
    __tablename__ = "funding_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

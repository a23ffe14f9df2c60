"""Reference data every kabupaten shares, fiscal years and their quarters, the pemda settings."""
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from app.core.clock import today
from app.core.errors import ServiceError
from models import FiscalYear, FundingSource, PemdaSettings, Quarter, Strategy, TagKind, db

# Inpres 4/2022, kept by Inpres 8/2025. Also inserted by the first migration.
STRATEGIES = [
    (1, "Pengurangan beban pengeluaran masyarakat", "Mengurangi beban pengeluaran"),
    (2, "Peningkatan pendapatan masyarakat", "Meningkatkan pendapatan"),
    (3, "Penurunan jumlah kantong-kantong kemiskinan", "Menurunkan kantong kemiskinan"),
]
# PMK 97/2023 weighs the realization of each tag kind in the fiscal-incentive score.
TAG_KINDS = [
    ("langsung", "Langsung", Decimal("50"), 1),
    ("tidak_langsung", "Tidak Langsung", Decimal("30"), 2),
    ("penunjang", "Penunjang", Decimal("20"), 3),
]
FUNDING_SOURCES = [
    ("PAD", "Pendapatan Asli Daerah"),
    ("DAU", "Dana Alokasi Umum"),
    ("DAU-SG", "DAU Specific Grant"),
    ("DAK-F", "DAK Fisik"),
    ("DAK-NF", "DAK Non Fisik"),
    ("DBH", "Dana Bagi Hasil"),
    ("DBHCHT", "DBH Cukai Hasil Tembakau"),
    ("BANKEU", "Bantuan Keuangan Provinsi"),
    ("INSENTIF", "Insentif Fiskal"),
    ("BLUD", "Pendapatan BLUD"),
]


def ensure_reference_data() -> None:
    """Insert the strategies, tag kinds and common funding sources that are missing."""
    have = set(db.session.scalars(select(Strategy.code)))
    for code, name, short in STRATEGIES:
        if code not in have:
            db.session.add(Strategy(code=code, name=name, short_name=short))
    have = set(db.session.scalars(select(TagKind.code)))
    for code, name, weight, order in TAG_KINDS:
        if code not in have:
            db.session.add(TagKind(code=code, name=name, weight=weight, sort_order=order))
    have = set(db.session.scalars(select(FundingSource.code)))
    for code, name in FUNDING_SOURCES:
        if code not in have:
            db.session.add(FundingSource(code=code, name=name))
    db.session.flush()
    from app.reference.convergence import ensure as ensure_convergence

    ensure_convergence()  # issue 17: default theme, strategy frameworks


def settings() -> PemdaSettings:
    """The pemda settings row, created from the configuration the first time it is asked for."""
    row = db.session.scalar(select(PemdaSettings).limit(1))
    if row is None:
        cfg = current_app.config
        row = PemdaSettings(
            name=cfg["PEMDA_NAME"],
            region_name=cfg["PEMDA_REGION"],
            address=cfg["PEMDA_ADDRESS"],
            city=cfg["PEMDA_CITY"],
            phone=cfg["PEMDA_PHONE"],
            email=cfg["PEMDA_EMAIL"],
            website=cfg["PEMDA_WEBSITE"],
            report_deadline_days=cfg["REPORT_DEADLINE_DAYS"],
        )
        db.session.add(row)
        db.session.flush()
    return row


def quarter_bounds(year: int, number: int) -> tuple[date, date]:
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, end - timedelta(days=1)


def create_fiscal_year(year: int, *, deadline_days: int | None = None) -> FiscalYear:
    """A fiscal year with its four quarters, each due `deadline_days` after it ends."""
    if db.session.scalar(select(FiscalYear).where(FiscalYear.year == year)):
        raise ServiceError(f"Tahun anggaran {year} sudah ada.", field="year")
    if deadline_days is None:
        deadline_days = settings().report_deadline_days
    fy = FiscalYear(year=year)
    for number in range(1, 5):
        start, end = quarter_bounds(year, number)
        fy.quarters.append(Quarter(number=number, start_date=start, end_date=end,
                                   deadline=end + timedelta(days=deadline_days)))
    db.session.add(fy)
    db.session.flush()
    return fy


def fiscal_year(year: int | None = None) -> FiscalYear | None:
    """The fiscal year numbered `year` (None when there is none), or the current one."""
    if year is None:
        return current_fiscal_year()
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))


def current_fiscal_year() -> FiscalYear | None:
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.is_current))
    if fy is None:
        fy = db.session.scalar(select(FiscalYear).order_by(FiscalYear.year.desc()).limit(1))
    return fy


def reporting_quarter(fy: FiscalYear) -> Quarter | None:
    """The quarter being reported now: the latest one that has ended, else the first."""
    t = today()
    ended = [q for q in fy.quarters if q.end_date < t]
    if ended:
        return ended[-1]
    return fy.quarters[0] if fy.quarters else None

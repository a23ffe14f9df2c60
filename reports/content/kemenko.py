"""What goes into the Kemenko PMK report, for the PDF and the XLSX alike: the options chosen,
the summaries, the matrix and the lokus annex, all numbers taken from the rollup module."""
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.core.clock import today
from app.core.errors import ServiceError
from app.reference.service import settings
from models import FiscalYear, Opd, PemdaSettings, db
from reports.queries import verified
from reports.queries.matrix import (
    PLAN_COLUMNS,
    Column,
    LokusRow,
    MatrixRow,
    lokus_rows,
    matrix_rows,
)

VARIANTS = {
    "quarterly": "Laporan triwulanan",
    "semester": "Laporan semester (Inpres 8/2025)",
    "gubernur": "Laporan semester kepada Gubernur (Inpres 8/2025)",
    "opd": "Laporan satu perangkat daerah",
    "plan": "Rencana aksi tahunan",
}
SEMESTER_VARIANTS = ("semester", "gubernur")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Who a kabupaten-wide report may be addressed to. Since Inpres 8/2025 the coordinating
# ministry is Kemenko PM together with Mendagri; the governor compiles the bupati/wali kota
# reports every semester for them.
ADDRESSEES = {
    "menko_pm": "Menteri Koordinator Bidang Pemberdayaan Masyarakat",
    "menko_pmk": "Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
    "mendagri": "Menteri Dalam Negeri",
    "gubernur": "Gubernur",
}
# Menko PMK stays ticked by default (issue 23): the centre still receives the report there.
DEFAULT_ADDRESSEES = ("menko_pm", "menko_pmk", "mendagri")


def parse_addressees(codes) -> tuple[str, ...]:
    """Known addressee codes, in ADDRESSEES order, from "a,b" or a list; unknown ones dropped."""
    if isinstance(codes, str):
        codes = codes.split(",")
    chosen = {c.strip() for c in codes or ()}
    return tuple(c for c in ADDRESSEES if c in chosen)


@dataclass(frozen=True)
class ReportOptions:
    year: int
    variant: str = "quarterly"
    quarter: int | None = None
    semester: int | None = None
    opd_id: int | None = None
    include_unverified: bool = False
    fixed_date: date | None = None  # letter date, and byte-identical output (invariant PDF)
    number: str = ""  # nomor surat; blank space to be filled in by hand when empty
    addressees: tuple[str, ...] = ()  # ADDRESSEES codes; () = the Pengaturan default
    # Issue 17: only the tags of this theme (None: every tag); the strategy framework the
    # summary and the matrix are grouped by ("": the default, Inpres 4/2022 jo. 8/2025).
    theme_id: int | None = None
    framework: str = ""


@dataclass
class ReportContent:
    options: ReportOptions
    pemda: PemdaSettings
    fiscal_year: FiscalYear
    opd: Opd | None
    quarter: int  # figures to date at the end of this quarter
    period: str  # "Triwulan III Tahun 2026"
    letter_date: date
    by_strategy: list = field(default_factory=list)
    by_tag_kind: list = field(default_factory=list)
    by_opd: list = field(default_factory=list)
    total: object = None
    index: dict | None = None
    trend: list = field(default_factory=list)
    columns: tuple[Column, ...] = PLAN_COLUMNS
    matrix: list[MatrixRow] = field(default_factory=list)
    matrix_total: tuple = ()
    lokus: list[LokusRow] = field(default_factory=list)
    # Targets and reached per unit (rollup.targets_by_unit): never added across units.
    targets: list = field(default_factory=list)
    # Verified only: {opd id: its last verified quarter (None: none)} for the OPDs whose figures
    # are carried forward because `quarter` is not verified (reports/queries/verified.py).
    carried: dict = field(default_factory=dict)
    # Late reports of quarters 1..quarter (reports/queries/lateness.py), for the compliance annex.
    late: list = field(default_factory=list)
    # Issue 17: other sources at the desa (reports/queries/convergence.py), kabupaten-wide
    # reports only.
    other_sources: list = field(default_factory=list)
    # Issue 17: the names of the chosen theme and framework when they are not the defaults
    # ("" otherwise), for the title block of the PDF and of every XLSX sheet.
    theme_name: str = ""
    framework_name: str = ""

    @property
    def scope_line(self) -> str:
        """`Tema: Stunting · Kerangka: Permendagri 53/2020`, only the non-default parts; ''
        for the default theme and framework."""
        parts = [f"Tema: {self.theme_name}" if self.theme_name else "",
                 f"Kerangka: {self.framework_name}" if self.framework_name else ""]
        return " · ".join(p for p in parts if p)

    @property
    def marks(self) -> dict[int, str]:
        """{opd id: footnote sign} of the carried-forward OPDs."""
        return verified.marks(self.carried)

    @property
    def legends(self) -> list[str]:
        """`† angka s.d. TW II — TW III belum diverifikasi`, one line per sign."""
        return verified.legends(self.carried, self.quarter,
                                not self.options.include_unverified)

    @property
    def matrix_notes(self) -> list[str]:
        """The matrix's own footnotes: the dash of a quarter with no new figure."""
        from reports.content.kemenko import CARRIED_CELL, CARRIED_LEGEND

        carried = any(v == CARRIED_CELL for r in self.matrix for v in r.values)
        return [CARRIED_LEGEND] if carried else []

    @property
    def lokus_total(self) -> tuple[int, Decimal, Decimal]:
        """The lokus annex's total row: KK desil 1, tagged and realized placed in the desa."""
        return (sum(r.households or 0 for r in self.lokus),
                sum((r.tagged for r in self.lokus), Decimal("0.00")),
                sum((r.realized for r in self.lokus), Decimal("0.00")))

    @property
    def carried_note(self) -> str:
        """The cover's and summary's sentence on carried-forward OPDs ('' when none)."""
        if not self.carried:
            return ""
        n = len(self.carried)
        if self.options.include_unverified:
            return (f"Sebanyak {n} perangkat daerah belum mengisi angka Triwulan "
                    f"{ROMAN[self.quarter]} untuk sebagian atau semua tagging; angkanya adalah "
                    "angka s.d. triwulan terakhir yang diisi (dibawa, ditandai pada lampiran).")
        return (f"Sebanyak {n} perangkat daerah belum diverifikasi untuk Triwulan "
                f"{ROMAN[self.quarter]}; angkanya adalah angka s.d. triwulan terakhir yang "
                "telah diverifikasi (ditandai pada lampiran).")

    @property
    def variant(self) -> str:
        return self.options.variant

    @property
    def semester(self) -> bool:
        return self.options.variant in SEMESTER_VARIANTS

    @property
    def addressees(self) -> tuple[str, ...]:
        """The addressee codes: the governor for the governor's variant, else those chosen for
        the report, else the Pengaturan default, else Menko PM and Mendagri."""
        if self.variant == "gubernur":
            return ("gubernur",)
        return (self.options.addressees or parse_addressees(self.pemda.report_addressees)
                or DEFAULT_ADDRESSEES)

    @property
    def with_realization(self) -> bool:
        return self.options.variant != "plan"

    @property
    def draft(self) -> bool:
        return self.options.include_unverified and self.with_realization

    @property
    def title(self) -> str:
        if self.variant == "plan":
            return f"Rencana Aksi Penghapusan Kemiskinan Ekstrem Tahun {self.fiscal_year.year}"
        return f"Laporan Pelaksanaan Penghapusan Kemiskinan Ekstrem {self.period}"

    @property
    def subject(self) -> str:
        return self.title


def resolve_options(year: int, variant: str = "quarterly", quarter: int | None = None,
                    semester: int | None = None, opd_code: str | None = None,
                    opd_id: int | None = None, **kw) -> ReportOptions:
    """Check what the user asked for; a ServiceError names the field that is wrong."""
    if variant not in VARIANTS:
        raise ServiceError("Jenis laporan tidak dikenal.", field="variant")
    if db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == year)) is None:
        raise ServiceError(f"Tahun anggaran {year} tidak ada.", field="year")
    if variant in SEMESTER_VARIANTS:
        if semester not in (1, 2):
            raise ServiceError("Pilih semester 1 atau 2.", field="semester")
    elif variant != "plan" and quarter not in (1, 2, 3, 4):
        raise ServiceError("Pilih triwulan I sampai IV.", field="quarter")
    if opd_code:
        opd_id = db.session.scalar(select(Opd.id).where(Opd.code == opd_code))
        if opd_id is None:
            raise ServiceError(f"OPD dengan kode {opd_code} tidak ditemukan.", field="opd")
    elif opd_id is not None and db.session.get(Opd, opd_id) is None:
        raise ServiceError("Perangkat daerah tidak ditemukan.", field="opd")
    if variant == "opd" and opd_id is None:
        raise ServiceError("Laporan perangkat daerah memerlukan satu OPD.", field="opd")
    kw["addressees"] = parse_addressees(kw.get("addressees"))
    _check_theme_and_framework(kw)
    return ReportOptions(year=year, variant=variant, quarter=quarter, semester=semester,
                         opd_id=opd_id, **kw)


def _check_theme_and_framework(kw: dict) -> None:
    """Issue 17: a theme and a framework chosen for the report must exist."""
    from models import Theme
    from reports.queries.frameworks import framework_of

    if kw.get("theme_id") is not None and db.session.get(Theme, kw["theme_id"]) is None:
        raise ServiceError("Tema tidak ditemukan.", field="theme")
    if kw.get("framework") and framework_of(kw["framework"]) is None:
        raise ServiceError(f"Kerangka {kw['framework']} tidak dikenal.", field="framework")
    kw["framework"] = kw.get("framework") or ""


def _period(options: ReportOptions) -> tuple[int, str]:
    if options.variant == "plan":
        return 4, f"Tahun {options.year}"
    if options.variant in SEMESTER_VARIANTS:
        return 2 * options.semester, f"Semester {ROMAN[options.semester]} Tahun {options.year}"
    return options.quarter, f"Triwulan {ROMAN[options.quarter]} Tahun {options.year}"


def _realization_columns(content: ReportContent, f, by_tag: dict):
    """The realization columns after column 18, as (Column, tag id -> value, total value)."""
    from reports.queries import rollup

    def realized(filt):
        return ({r.key: r.realized for r in rollup.rollup(filt, "tag")},
                rollup.total(filt).realized)

    cols = []
    q = content.quarter
    carried = _carried_tags(content, f)
    if content.semester:
        sem1, sem1_total = realized(replace(f, quarter=2))
        cols.append((Column("Realisasi Semester I (Rp)", "money", 14), sem1, sem1_total))
        if q == 4:
            to_date = {k: r.realized for k, r in by_tag.items()}
            sem2 = {k: v - sem1.get(k, Decimal("0.00")) for k, v in to_date.items()}
            cols.append((Column("Realisasi Semester II (Rp)", "money", 14), sem2,
                         content.total.realized - sem1_total))
        label = "Total Realisasi (Rp)"
    else:
        for n in range(1, q + 1):
            flow, flow_total = realized(replace(f, quarter=n, flow=True))
            # A tag whose figure at n is carried forward shows a dash with the legend's sign,
            # not 0 ("spent nothing"); the column total still adds the flows.
            flow.update({tag_id: CARRIED_CELL for tag_id in carried.get(n, ())})
            cols.append((Column(f"Realisasi TW {ROMAN[n]} (Rp)", "money", 14), flow,
                         flow_total))
        label = f"Total Realisasi s.d. TW {ROMAN[q]} (Rp)"
    cols.append((Column(label, "money", 14), {k: r.realized for k, r in by_tag.items()},
                 content.total.realized))
    cols.append((Column("Serapan (%)", "pct", 8), {k: r.absorption for k, r in by_tag.items()},
                 content.total.absorption))
    cols.append((Column("Fisik (%)", "pct", 8), {k: r.physical for k, r in by_tag.items()},
                 content.total.physical))
    return cols


CARRIED_CELL = "– *"
CARRIED_LEGEND = ("– * tidak ada angka baru pada triwulan ini: angka kumulatif s.d. triwulan "
                  "sebelumnya dibawa (lihat kolom Total Realisasi)")


def _carried_tags(content: ReportContent, f) -> dict[int, set[int]]:
    """{quarter n: tag ids whose figure at n is carried from an earlier quarter}."""
    return {n: verified.carried_tags(f.fiscal_year_id, n, f.verified_only, f.opd_id)
            for n in range(2, content.quarter + 1)}


def build_content(options: ReportOptions) -> ReportContent:
    from reports.queries import rollup

    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == options.year))
    quarter, period = _period(options)
    content = ReportContent(
        options=options, pemda=settings(), fiscal_year=fy,
        opd=db.session.get(Opd, options.opd_id) if options.opd_id else None,
        quarter=quarter, period=period, letter_date=options.fixed_date or today(),
    )
    f = rollup.RollupFilter(fiscal_year_id=fy.id, quarter=quarter, opd_id=options.opd_id,
                            verified_only=not options.include_unverified,
                            theme_id=options.theme_id)
    content.by_strategy = rollup.rollup(f, "strategy")
    content.by_tag_kind = rollup.rollup(f, "tag_kind")
    content.by_opd = rollup.rollup(f, "opd")
    content.total = rollup.total(f)
    by_tag = {r.key: r for r in rollup.rollup(f, "tag")}
    extra = []
    if content.with_realization:
        content.index = rollup.incentive_index(f)
        content.trend = rollup.trend(f)[:quarter]
        extra = _realization_columns(content, f, by_tag)
    if content.with_realization:
        from reports.queries.lateness import late_reports

        content.late = late_reports(fy.id, quarter, content.letter_date, options.opd_id)
    if content.with_realization:
        content.carried = verified.carried_forward(
            fy.id, quarter, options.opd_id, verified_only=not options.include_unverified)
    content.columns = PLAN_COLUMNS + tuple(c for c, _, _ in extra)
    content.matrix = matrix_rows(fy.id, options.opd_id, by_tag, [v for _, v, _ in extra],
                                 marks=content.marks)
    # Totals row: only the number columns, from rollup.total so it equals the summaries.
    total = [None] * len(PLAN_COLUMNS)
    total[10] = content.total.tagged
    content.targets = rollup.targets_by_unit(f)
    # "Jumlah Sasaran" has a total only when every tag counts in the same unit.
    total[14] = (content.targets[0][1], content.targets[0][0]) \
        if len(content.targets) == 1 else None
    content.matrix_total = tuple(total + [t for _, _, t in extra])
    by_village = {r.key: r for r in rollup.rollup(f, "village") if r.key is not None}
    content.lokus = lokus_rows(fy.id, options.opd_id, by_village)
    _in_framework(content, f, options.framework)
    _name_theme(content, options.theme_id)
    if options.opd_id is None and options.theme_id is None:
        from reports.queries.convergence import other_sources

        content.other_sources = other_sources(fy.id, quarter)
    return content


def _in_framework(content: ReportContent, f, code: str) -> None:
    """Issue 17: the summary by strategy and the matrix grouped by another framework's
    strategies (the mapping sends each Inpres strategy to one of them: totals unchanged)."""
    from reports.queries.frameworks import framework_of, relabel_matrix, rollup_by_framework

    fw = framework_of(code) if code else None
    if fw is None or fw.is_default:
        return
    content.by_strategy = rollup_by_framework(f, fw.id)
    content.matrix = relabel_matrix(content.matrix, fw.id)
    content.framework_name = fw.name


def _name_theme(content: ReportContent, theme_id: int | None) -> None:
    """The chosen theme's name, unless it is the default theme (or no theme: every tag)."""
    from models import Theme

    theme = db.session.get(Theme, theme_id) if theme_id is not None else None
    if theme is not None and not theme.is_default:
        content.theme_name = theme.name

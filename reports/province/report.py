"""The governor's semester report (Inpres 8/2025) built from the kabupaten bundles: a summary
per kabupaten/kota, per strategy and per tag kind, and the lokus desa per kabupaten; PDF (the
report's own styles and DejaVu fonts, A4 landscape) and XLSX (the table helper, so text is never
a formula). Every figure comes from reports/province/queries.py."""
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from babel.dates import format_date
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus import Table as Grid

from app.core.clock import today
from app.core.money import format_rupiah
from app.core.table_xlsx import Column, Table, workbook
from app.reference.service import settings
from reports.pdf import styles as st
from reports.pdf.fonts import REGULAR
from reports.province import queries as province


@dataclass
class GovernorReport:
    year: int
    semester: int
    quarter: int
    province_name: str
    total: province.ProvinceRow
    members: list
    strategies: list
    kinds: list
    lokus: list
    city: str = ""
    letter_date: date | None = None
    signer: tuple[str, str, str] = ("Gubernur", "", "")  # title, name, NIP (Pengaturan)

    @property
    def title(self) -> str:
        return (f"Laporan Semester {self.semester} Tahun {self.year}: Percepatan Penghapusan "
                "Kemiskinan Ekstrem")

    @property
    def sent(self) -> int:
        return sum(1 for m in self.members if m.figures is not None)


def content(year: int, semester: int) -> GovernorReport:
    q = 2 * semester
    pemda = settings()
    return GovernorReport(
        year=year, semester=semester, quarter=q,
        province_name=pemda.region_name, city=pemda.city, letter_date=today(),
        signer=(pemda.head_title, pemda.head_name, pemda.head_nip),
        total=province.province_total(year, q),
        members=province.by_kabupaten(year, q),
        strategies=province.by_dimension(year, q, "strategy"),
        kinds=province.by_dimension(year, q, "tag_kind"),
        lokus=province.lokus_by_kabupaten(year, q))


def _pct(value) -> str:
    return "-" if value is None else f"{value:.2f}".replace(".", ",") + " %"


MONEY_COLUMNS = [Column("Pagu ditandai", "money"), Column("Realisasi", "money"),
                 Column("Serapan (%)", "pct"), Column("Fisik (%)", "pct")]


def _figures(r) -> list:
    return [r.tagged, r.realized, r.absorption, r.physical]


def tables(report: GovernorReport) -> list[Table]:
    upto = "II" if report.semester == 1 else "IV"
    filters = [("Tahun", str(report.year)),
               ("Periode", f"Semester {report.semester} (s.d. TW {upto})"),
               ("Kabupaten/kota mengirim", f"{report.sent} dari {len(report.members)}")]
    return figure_tables(report, filters)


def dashboard_tables(year: int, quarter: int) -> list[Table]:
    """The province dashboard's tables for its "Unduh XLSX" (figures to date at `quarter`)."""
    data = GovernorReport(
        year=year, semester=1 if quarter <= 2 else 2, quarter=quarter, province_name="",
        total=province.province_total(year, quarter),
        members=province.by_kabupaten(year, quarter),
        strategies=province.by_dimension(year, quarter, "strategy"),
        kinds=province.by_dimension(year, quarter, "tag_kind"),
        lokus=province.lokus_by_kabupaten(year, quarter))
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    return figure_tables(data, [
        ("Tahun", str(year)), ("Angka s.d.", f"Triwulan {roman[quarter]}"),
        ("Kabupaten/kota mengirim", f"{data.sent} dari {len(data.members)}")])


def figure_tables(report: GovernorReport, filters: list) -> list[Table]:
    per_kab = Table(
        "Ringkasan per kabupaten/kota", [Column("Kode", width=10), Column("Kabupaten/Kota"),
                                         Column("Periode bundel", width=16),
                                         *MONEY_COLUMNS],
        [[m.code, m.name, m.period or "belum mengirim",
          *(_figures(m.figures) if m.figures else [None] * 4)] for m in report.members],
        filters=filters, total=["", "Jumlah provinsi", "", *_figures(report.total)],
        sheet="Kabupaten")
    by_strategy = Table(
        "Per strategi", [Column("Strategi", width=8), Column("Uraian"), *MONEY_COLUMNS],
        [[r.key, r.label, *_figures(r)] for r in report.strategies], filters=filters,
        total=["", "Jumlah", *_figures(report.total)], sheet="Strategi")
    by_kind = Table(
        "Per kelompok penandaan", [Column("Kode", width=14), Column("Kelompok"),
                                   *MONEY_COLUMNS],
        [[r.key, r.label, *_figures(r)] for r in report.kinds], filters=filters,
        total=["", "Jumlah", *_figures(report.total)], sheet="Kelompok")
    lokus = Table(
        "Lokus desa per kabupaten/kota", [
            Column("Kode", width=10), Column("Kabupaten/Kota"), Column("Desa lokus", "count"),
            Column("KK desil 1", "count"), Column("Terjangkau", "count"),
            Column("Tiga strategi", "count"), Column("Celah", "count")],
        [[s.code, s.name, s.villages, s.households, s.reached, s.converged, s.gaps]
         for s in report.lokus], filters=filters, sheet="Lokus")
    return [per_kab, by_strategy, by_kind, lokus]


def xlsx(report: GovernorReport) -> bytes:
    return workbook(tables(report))


def pdf(report: GovernorReport) -> bytes:
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                            title=report.title, author=report.province_name)
    story = [Paragraph(report.province_name.upper(), st.LETTERHEAD),
             Paragraph(report.title, st.TITLE), Spacer(1, 4 * mm)]
    for table in tables(report):
        story.append(Paragraph(table.title, st.HEADING))
        rows = [[Paragraph(c.label, st.CELL_H) for c in table.columns]]
        for values in [*table.rows, *([table.total] if table.total else [])]:
            rows.append([_cell(v, c.kind) for v, c in zip(values, table.columns,
                                                               strict=True)])
        widths = [({"money": 36 * mm, "text": None}.get(c.kind, 22 * mm)) for c in table.columns]
        fixed = sum(w for w in widths if w)
        free = [i for i, w in enumerate(widths) if w is None]
        rest = (doc.width - fixed) / max(len(free), 1)
        widths = [w or rest for w in widths]
        grid = LongTable(rows, colWidths=widths, repeatRows=1)
        grid.setStyle(st.grid_style(header_rows=1, total_rows=1 if table.total else 0))
        story += [grid, Spacer(1, 5 * mm)]
    story.append(_signature(report, doc.width))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def _signature(report: GovernorReport, width: float):
    """City and date, the signatory's title, room to sign, name and NIP (from Pengaturan),
    in the right-hand third of the page."""
    title, name, nip = report.signer
    when = format_date(report.letter_date, "long", locale="id_ID") if report.letter_date else ""
    lines = [Paragraph(_escape(f"{report.city}, {when}".strip(", ")), st.SIGN),
             Paragraph(_escape(title) + ",", st.SIGN), Spacer(1, 18 * mm),
             Paragraph(f"<u>{_escape(name) or '&nbsp;' * 40}</u>", st.SIGN_BOLD)]
    if nip:
        lines.append(Paragraph(_escape(f"NIP. {nip}"), st.SIGN))
    block = Grid([[None, lines]], colWidths=[width * 2 / 3, width / 3])
    return KeepTogether([Spacer(1, 6 * mm), block])


def _cell(value, kind):
    if kind == "money":
        return Paragraph("-" if value is None else format_rupiah(value), st.CELL_R)
    if kind == "pct":
        return Paragraph(_pct(value), st.CELL_R)
    if kind == "count":
        return Paragraph("-" if value is None else f"{value:,}".replace(",", "."), st.CELL_R)
    return Paragraph(_escape(value), st.CELL)


def _escape(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont(REGULAR, 7.5)
    canvas.drawRightString(doc.pagesize[0] - 15 * mm, 8 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


__all__ = ["GovernorReport", "content", "dashboard_tables", "figure_tables", "pdf", "tables",
           "xlsx"]

"""The murni-versus-perubahan comparison as a PDF: A4 landscape, DejaVu embedded, header rows
repeated on every page, a total row, "Halaman x dari y". The figures are those of the page
(reports/queries/budget_stages.py); this module only lays them out."""
from io import BytesIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.money import format_percent, format_rupiah
from reports.pdf import styles as st
from reports.pdf.fonts import CONDENSED, CONDENSED_BOLD, REGULAR, register_fonts
from reports.queries.budget_stages import share


class _NumberedCanvas(Canvas):
    """Writes "Halaman x dari y" once the page count is known (two passes over the pages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(REGULAR, 8)
            self.drawRightString(self._pagesize[0] - st.MARGIN, 6 * mm,
                                 f"Halaman {self._pageNumber} dari {total}")
            super().showPage()
        super().save()


# The condensed cut, as in the report's matrix: a bold twelve-digit total stays on one line.
CELL = ParagraphStyle("mp_cell", parent=st.CELL, fontName=CONDENSED)
CELL_R = ParagraphStyle("mp_cell_r", parent=st.CELL_R, fontName=CONDENSED)
CELL_H = ParagraphStyle("mp_cell_h", parent=st.CELL_H, fontName=CONDENSED_BOLD)
CELL_B = ParagraphStyle("mp_cell_b", parent=st.CELL_B, fontName=CONDENSED_BOLD)
CELL_BR = ParagraphStyle("mp_cell_br", parent=st.CELL_BR, fontName=CONDENSED_BOLD)


def _table(head, body, foot, widths):
    data = [[Paragraph(h, CELL_H) for h in head]]
    for row in body:
        data.append([Paragraph(str(v), CELL if i < 2 else CELL_R)
                     for i, v in enumerate(row)])
    if foot:
        data.append([Paragraph(str(v), CELL_B if i < 2 else CELL_BR)
                     for i, v in enumerate(foot)])
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, st.RULE),
             ("BACKGROUND", (0, 0), (-1, 0), st.HEADER_FILL),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if foot:
        style.append(("BACKGROUND", (0, -1), (-1, -1), st.TOTAL_FILL))
    table.setStyle(TableStyle(style))
    return table


def build_pdf(*, title: str, subtitle: str, rule: str, rows, total, changed) -> bytes:
    register_fonts()
    paper = st.paper("A4")
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=paper.landscape, leftMargin=st.MARGIN,
                            rightMargin=st.MARGIN, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=title, author="Tagar")
    width = paper.landscape[0] - 2 * st.MARGIN
    money, pct, count = 34 * mm, 18 * mm, 16 * mm
    story = [Paragraph(title, st.TITLE), Paragraph(subtitle, st.SUBTITLE), Spacer(0, 3 * mm),
             Paragraph(rule, st.NOTE), Spacer(0, 3 * mm)]
    head = ["Perangkat daerah", "Sub kegiatan (berubah)", "Pagu murni", "Pagu perubahan",
            "Selisih", "Pagu berlaku", "Ditandai", "Porsi murni", "Porsi perubahan"]
    body = [[r.name, f"{r.n_sub} ({r.n_changed})", format_rupiah(r.murni),
             format_rupiah(r.perubahan), format_rupiah(r.perubahan - r.murni),
             format_rupiah(r.in_force), format_rupiah(r.tagged),
             format_percent(share(r.tagged, r.murni)), format_percent(share(r.tagged,
                                                                          r.perubahan))]
            for r in rows]
    foot = ["Jumlah", f"{total.n_sub} ({total.n_changed})", format_rupiah(total.murni),
            format_rupiah(total.perubahan), format_rupiah(total.perubahan - total.murni),
            format_rupiah(total.in_force), format_rupiah(total.tagged),
            format_percent(share(total.tagged, total.murni)),
            format_percent(share(total.tagged, total.perubahan))]
    story.append(_table(head, body, foot, [width - 5 * money - 2 * pct - count, count,
                                           *[money] * 5, pct, pct]))
    if changed:
        story += [Spacer(0, 5 * mm), Paragraph("Sub kegiatan yang berubah", st.HEADING)]
        body = [[f"{c.code} {c.name}", c.opd, format_rupiah(c.murni),
                 format_rupiah(c.perubahan), format_rupiah(c.delta), format_rupiah(c.tagged),
                 format_percent(share(c.tagged, c.perubahan))] for c in changed]
        story.append(_table(["Sub kegiatan", "OPD", "Pagu murni", "Pagu perubahan", "Selisih",
                             "Ditandai", "Porsi perubahan"], body, None,
                            [width - 4 * money - 35 * mm - pct, 35 * mm, *[money] * 4,
                             pct]))
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


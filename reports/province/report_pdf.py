"""The governor's report as PDF: the cover letter on the province's letterhead (portrait),
then the tables (landscape, A4 or F4 as in Pengaturan), closed by the three signatures, which
are kept on one page with the sentence they sign (KeepTogether). "Halaman x dari y" on every
page after the letter (the canvas keeps the pages until the count is known, as the kabupaten
report does)."""
from dataclasses import replace
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as Grid

from app.core.money import format_rupiah
from reports.content.letter import date_long
from reports.pdf import styles as st
from reports.pdf.fonts import REGULAR
from reports.pdf.letter import letterhead
from reports.pdf.tables import key_value_table

from .report import GovernorReport, addressees, letter_body, letter_number, subject, tables


def _canvas(footer_left: str):
    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                if number > 1:  # the letter carries no running footer
                    width = self._pagesize[0]
                    self.saveState()
                    self.setFont(REGULAR, 7)
                    self.setStrokeColor(colors.black)
                    self.setLineWidth(0.4)
                    self.line(st.MARGIN, 9 * mm, width - st.MARGIN, 9 * mm)
                    self.drawString(st.MARGIN, 6 * mm, footer_left[:150])
                    self.drawRightString(width - st.MARGIN, 6 * mm,
                                         f"Halaman {number} dari {total}")
                    self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def _p(text, style=st.BODY_LEFT) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)), style)


def signatures(report: GovernorReport, width: float, dated: bool = True):
    """Side by side, the last (the Gubernur) on the right, place and date over it."""
    people = report.signers
    col = min(80 * mm, width / len(people))
    rows = []
    if dated:
        when = date_long(report.letter_date) if report.letter_date else ""
        rows.append([""] * (len(people) - 1) + [
            _p(f"{report.city}, {when}".strip(", "), st.SIGN)])
    rows.append([Paragraph(escape(t) + ",", st.SIGN) for t, _, _ in people])
    rows.append([Spacer(1, 17 * mm)] * len(people))
    rows.append([Paragraph("<u>" + escape(n or "(.................................)") + "</u>",
                           st.SIGN_BOLD) for _, n, _ in people])
    if any(nip for _, _, nip in people):
        rows.append([_p(f"NIP. {nip}", st.SIGN) if nip else "" for _, _, nip in people])
    grid = Grid([["", *r] for r in rows], colWidths=[None] + [col] * len(people))
    grid.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                   ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return grid


def cover_letter(report: GovernorReport, width: float) -> list:
    story = letterhead(report.pemda, width)
    meta = key_value_table([("Nomor", letter_number(report)), ("Sifat", "Penting"),
                            ("Lampiran", "1 (satu) berkas"), ("Hal", subject(report))],
                           width=100 * mm)
    when = date_long(report.letter_date) if report.letter_date else ""
    names = addressees()
    to = [_p(f"{report.city}, {when}".strip(", ")), Spacer(1, 4 * mm), _p("Yth.")]
    to += [_p(f"{i}. {n}" + (";" if i < len(names) else "")) for i, n in enumerate(names, 1)]
    to.append(_p("di Jakarta"))
    head = Grid([[meta, to]], colWidths=[102 * mm, width - 102 * mm])
    head.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story += [head, Spacer(1, 6 * mm)]
    body = letter_body(report)
    for text in body[:-1]:
        story += [_p(text, st.BODY), Spacer(1, 2 * mm)]
    governor = replace(report, signers=report.signers[-1:])
    story.append(KeepTogether([_p(body[-1], st.BODY), Spacer(1, 4 * mm),
                               signatures(governor, width, dated=False)]))
    return story


def _cell(value, kind):
    if kind == "money":
        return Paragraph("-" if value is None else format_rupiah(value), st.CELL_R)
    if kind == "pct":
        text = "-" if value is None else f"{value:.2f}".replace(".", ",") + " %"
        return Paragraph(text, st.CELL_R)
    if kind == "count":
        return Paragraph("-" if value is None else f"{value:,}".replace(",", "."), st.CELL_R)
    return _p(value, st.CELL)


WIDTHS = {"money": 33 * mm, "pct": 17 * mm, "count": 21 * mm}


def _code_width(chars: int | None):
    """Short code columns (kode, periode) get their own width; text columns share the rest."""
    if chars is None or chars > 16:
        return None
    return 16 * mm if chars <= 10 else 25 * mm


def _grid(table, width: float):
    rows = [[Paragraph(escape(c.label), st.CELL_H) for c in table.columns]]
    for values in [*table.rows, *([table.total] if table.total else [])]:
        rows.append([_cell(v, c.kind) for v, c in zip(values, table.columns, strict=True)])
    widths = [WIDTHS.get(c.kind) or _code_width(c.width) for c in table.columns]
    free = [i for i, w in enumerate(widths) if w is None]
    rest = (width - sum(w for w in widths if w)) / max(len(free), 1)
    grid = LongTable(rows, colWidths=[w or rest for w in widths], repeatRows=1)
    grid.setStyle(st.grid_style(header_rows=1, total_rows=1 if table.total else 0))
    return grid


def story(report: GovernorReport, paper: st.Paper) -> list:
    width = paper.body_width
    out = cover_letter(report, paper.letter_width) + [NextPageTemplate("body"), PageBreak()]
    out += [_p(f"LAMPIRAN SURAT {report.signers[-1][0].upper()}", st.NOTE),
            _p(f"NOMOR : {letter_number(report)}", st.NOTE), Spacer(1, 3 * mm),
            _p(report.title.upper(), st.TITLE), _p(report.province_name, st.SUBTITLE),
            _p(f"Kabupaten/kota yang mengirim bundel terverifikasi: {report.sent_line}",
               st.SUBTITLE), Spacer(1, 4 * mm)]
    sections = [[_p(f"{letter}. {table.title[0].upper()}{table.title[1:]}", st.HEADING),
                 _grid(table, width), Spacer(1, 5 * mm)]
                for letter, table in zip("ABCD", tables(report), strict=True)]
    for section in sections[:-1]:
        out += section
    # The last table, the sentence and the signatures on one page when they fit together
    # (KeepTogether splits only what cannot fit), never the signatures alone.
    out.append(KeepTogether([*sections[-1], KeepTogether([
        _p("Demikian laporan ini disusun dari bundel terverifikasi kabupaten/kota dan "
           "disahkan oleh:", st.BODY), Spacer(1, 3 * mm), signatures(report, width)])]))
    return out


def build(report: GovernorReport) -> bytes:
    buf = BytesIO()
    paper = st.paper(getattr(report.pemda, "paper_size", "A4"))
    top, bottom = 12 * mm, 13 * mm
    ph, lh = paper.portrait[1], paper.landscape[1]
    letter = Frame(st.LETTER_MARGIN, bottom, paper.letter_width, ph - top - bottom,
                   id="letter", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    body = Frame(st.MARGIN, bottom, paper.body_width, lh - top - bottom, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(buf, pagesize=paper.portrait, title=report.title,
                          author=report.pemda.name, creator="Tagar")
    doc.addPageTemplates([PageTemplate("letter", [letter], pagesize=paper.portrait),
                          PageTemplate("body", [body], pagesize=paper.landscape)])
    doc.build(story(report, paper),
              canvasmaker=_canvas(f"{report.pemda.name} · {report.title}"))
    return buf.getvalue()


__all__ = ["build", "signatures", "story"]

"""Builds the report to Kemenko PMK: cover letter, summaries, matrix, lokus annex, signature.

"Halaman x dari y" needs the page count, known only at the end: the total is a PDF form every
footer refers to, written at save (bounded.py), so no page waits in memory for it. The former
build (every page kept until save, the whole story made first) stays as `bounded=False`, the
reference the tests compare the bounded build with.
"""
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from reports.content.kemenko import ReportContent
from reports.content.letter import date_long, head_title

from . import annexes, map_page
from . import styles as st
from .bounded import LazyStory, footer_canvas
from .fonts import BOLD, REGULAR
from .letter import cover_letter, signature_block
from .matrix import iter_matrix_tables
from .tables import (
    TREND_NOTE,
    index_table,
    iter_lokus_tables,
    late_table,
    summary_table,
    targets_table,
    trend_table,
)


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int


def _canvas_class(content: ReportContent, pages: list):
    footer_left = f"{content.pemda.name} · {content.title}"
    fixed = content.options.fixed_date

    class ReportCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if fixed is not None:  # the creation date printed in the PDF's metadata
                ts = self._doc._timeStamp
                ts.YMDhms = (fixed.year, fixed.month, fixed.day, 0, 0, 0)
                ts.dhh = ts.dmm = 0
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            pages.append(total)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                if number > 1:  # the letter itself carries no running footer
                    self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number, total):
            width, _ = self._pagesize
            self.saveState()
            self.setFont(REGULAR, 7)
            self.setStrokeColor(colors.black)
            self.setLineWidth(0.4)
            self.line(st.MARGIN, 9 * mm, width - st.MARGIN, 9 * mm)
            self.drawString(st.MARGIN, 6 * mm, footer_left[:150])
            self.drawRightString(width - st.MARGIN, 6 * mm, f"Halaman {number} dari {total}")
            self.restoreState()

    return ReportCanvas


def _watermark(canvas, doc):
    """DRAFT across every page when unverified data is included (drawn under the content)."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.16))
    canvas.setFont(BOLD, 120)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    canvas.drawCentredString(0, -40, "DRAFT")
    canvas.restoreState()


def _doc(buffer, content: ReportContent, paper: st.Paper) -> BaseDocTemplate:
    """The letter on a portrait page, everything after it on landscape pages of the same
    paper (A4 or F4, Pengaturan): reportlab switches the page size with the template."""
    top, bottom = 12 * mm, 13 * mm
    on_page = _watermark if content.draft else (lambda canvas, doc: None)
    ph, lh = paper.portrait[1], paper.landscape[1]
    letter = Frame(st.LETTER_MARGIN, bottom, paper.letter_width, ph - top - bottom,
                   id="letter", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    body = Frame(st.MARGIN, bottom, paper.body_width, lh - top - bottom, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(
        buffer, pagesize=paper.portrait, title=content.title, author=content.pemda.name,
        subject=" · ".join(x for x in (content.period, content.scope_line) if x),
        creator="Tagar", producer="Tagar (reportlab)",
        invariant=1 if content.options.fixed_date else 0,
        leftMargin=st.MARGIN, rightMargin=st.MARGIN, topMargin=top, bottomMargin=bottom,
    )
    doc.addPageTemplates([
        PageTemplate("letter", [letter], onPage=on_page, pagesize=paper.portrait),
        PageTemplate("body", [body], onPage=on_page, pagesize=paper.landscape)])
    return doc


def _section(title):
    return Paragraph(escape(title), st.HEADING)


def _attachment_head(content: ReportContent) -> list:
    pemda = content.pemda
    number = content.options.number or "........................"
    who = content.opd.name if content.opd else head_title(pemda)
    lines = [f"LAMPIRAN SURAT {who.upper()}", f"NOMOR    : {number}",
             f"TANGGAL : {date_long(content.letter_date)}"]
    story = [Paragraph("<br/>".join(escape(x) for x in lines), st.NOTE), Spacer(1, 4 * mm),
             Paragraph(escape(content.title.upper()), st.TITLE),
             Paragraph(escape(content.opd.name if content.opd else pemda.name), st.SUBTITLE)]
    if content.scope_line:
        story.append(Paragraph(escape(content.scope_line), st.SUBTITLE))
    if content.with_realization:
        basis = ("Memuat data yang belum diverifikasi (DRAFT)" if content.draft
                 else "Hanya data yang telah diverifikasi Sekretariat TKPKD")
        story.append(Paragraph(escape(f"Posisi s.d. akhir {content.period}. {basis}."),
                               st.SUBTITLE))
        if content.carried_note:
            story.append(Paragraph(escape(content.carried_note), st.SUBTITLE))
    return story + [Spacer(1, 5 * mm)]


def _legends(content: ReportContent) -> list:
    """The footnotes of the carried-forward OPDs' signs (verified-only figures)."""
    if not content.legends:
        return []
    return [Spacer(1, 1.5 * mm)] + [Paragraph(escape(line), st.NOTE) for line in content.legends]


def story(content: ReportContent, paper: st.Paper) -> list:
    return list(iter_story(content, paper))


def iter_story(content: ReportContent, paper: st.Paper, chunk: int | None = None):
    """The report's flowables in order, each section made when it is reached (with `chunk`,
    the matrix in tables of at most that many rows: bounded.py)."""
    real = content.with_realization
    width = paper.body_width
    out = cover_letter(content, paper.letter_width) + [NextPageTemplate("body"), PageBreak()]
    out += _attachment_head(content)
    out += [_section("A. Ringkasan per Strategi"),
            summary_table(content.by_strategy, content.total, real, width), Spacer(1, 5 * mm)]
    out += [_section("B. Ringkasan per Kelompok Penandaan"),
            summary_table(content.by_tag_kind, content.total, real, width, code=False),
            Spacer(1, 3 * mm)]
    if content.targets:
        out += [Paragraph("Sasaran dan capaian per satuan (satuan berbeda tidak dijumlahkan)",
                          st.NOTE), Spacer(1, 1 * mm),
                targets_table(content.targets, real, width * 0.5), Spacer(1, 3 * mm)]
    if real and content.index:
        out += [Paragraph("Indeks serapan tertimbang (PMK 97/2023: langsung 50 %, tidak "
                          "langsung 30 %, penunjang 20 %)", st.NOTE), Spacer(1, 1 * mm),
                index_table(content.index, width * 0.8)]
    out += [Spacer(1, 5 * mm), _section("C. Ringkasan per Perangkat Daerah"),
            summary_table(content.by_opd, content.total, real, width, marks=content.marks),
            *_legends(content)]
    if real and content.trend:
        out += [Spacer(1, 5 * mm), _section("D. Realisasi per Triwulan"),
                trend_table(content.trend, width * 0.85)]
        if any(r.carried for r in content.trend):
            out += [Spacer(1, 1 * mm), Paragraph(TREND_NOTE, st.NOTE)]
    yield from out
    yield PageBreak()
    yield _section("E. Matriks Rencana Aksi" + (" dan Realisasi" if real else ""))
    yield from iter_matrix_tables(content, width, chunk)
    yield from _legends(content)
    yield from (Paragraph(escape(line), st.NOTE) for line in content.matrix_notes)
    yield PageBreak()
    yield _section("F. Lokus Desa Prioritas: Intervensi dan Konvergensi")
    yield from iter_lokus_tables(content.lokus, real, width, chunk, total=content.lokus_total)
    out = [Spacer(1, 2 * mm),
            Paragraph("* Bagian anggaran dan realisasi tag yang dibagi per desa; konvergensi = "
                      "jumlah strategi (dari 3) yang menjangkau desa. \"Belum ada\" = lokus tanpa "
                      "intervensi.", st.NOTE),
            *map_page.flowables(content, width),  # issue 27: the lokus map
            *_late(content, width),
            *annexes.other_sources_flowables(content, width),  # issue 17
            *annexes.coverage_flowables(content, width),  # issue 16: counts only
            signature_block(content)]
    yield from out


def _late(content: ReportContent, width: float) -> list:
    """G: the late reports of quarters up to the report's, with their days overdue."""
    if not content.with_realization:
        return []
    out = [Spacer(1, 5 * mm), _section("G. Kepatuhan Pelaporan Perangkat Daerah")]
    if not content.late:
        return out + [Paragraph(escape(f"Seluruh laporan s.d. {content.period} disampaikan "
                                       "tepat waktu."), st.NOTE)]
    opds = len({r.opd_id for r in content.late})
    return out + [Paragraph(escape(
        f"Sebanyak {len(content.late)} laporan triwulan dari {opds} perangkat daerah terlambat "
        f"disampaikan s.d. {content.period} (hari keterlambatan dihitung dari batas "
        "penyampaian sampai penyampaian pertama, atau sampai tanggal surat bila belum "
        "disampaikan)."), st.NOTE), Spacer(1, 1.5 * mm), late_table(content.late, width)]


# A strategy's matrix rows per table in the bounded build: a few pages of rows, so that no
# table holds more than that in memory, and reportlab's re-slicing at each page split stays
# short (bounded.py). The S report's strategies (about 100 rows) are one table each, as before.
MATRIX_CHUNK = 400


def build_pdf(content: ReportContent, *, bounded: bool = True) -> PdfResult:
    """The report PDF. `bounded` (always, but for the comparison test): footers printed as
    pages finish, the story made as the layout reaches it, the matrix in chunks (bounded.py);
    otherwise the former build, every page and flowable held to the end."""
    buffer = BytesIO()
    pages: list[int] = []
    paper = st.paper(content.pemda.paper_size)
    doc = _doc(buffer, content, paper)
    if bounded:
        doc.build(LazyStory(iter_story(content, paper, MATRIX_CHUNK)),
                  canvasmaker=footer_canvas(f"{content.pemda.name} · {content.title}", pages,
                                            content.options.fixed_date))
    else:
        doc.build(story(content, paper), canvasmaker=_canvas_class(content, pages))
    return PdfResult(buffer.getvalue(), pages[-1])

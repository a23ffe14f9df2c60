"""The quarterly Kemenko PMK PDF against a bare reportlab build of the same tables.

The app's figure is `reports.render.build_report("pdf", ...)` as the download runs it: the
rollup queries (`build_content`) and the layout (`build_pdf`: letter, summaries, the matrix
with grouped strategy rows and shrink-to-fit numbers, the lokus annex, page x of y).

The floor is a plain `SimpleDocTemplate` holding one `Table` per section with the same rows,
from the same content object: the same DejaVu fonts embedded (Helvetica cannot print the
names), text cells as Paragraphs (the matrix needs word wrap to fit A4 landscape), numbers as
plain strings, one grid style. The ratio compares layout with layout; the query time is
reported beside it.
"""
import io
from datetime import date

from bench.common import Result, measure

QUARTER_LABELS = ("No", "Uraian", "Tag", "Ditandai", "Realisasi", "Serapan", "Fisik")


def bare_pdf(content) -> tuple[bytes, int]:
    """The same tables through reportlab's plainest path: (bytes, pages)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from app.core.money import format_number, format_percent, format_rupiah
    from reports.pdf import styles as st

    def txt(v):
        return Paragraph(str(v), st.MX) if isinstance(v, str) and v else ""

    def num(v):
        if v is None:
            return "-"
        if isinstance(v, tuple):
            return f"{format_number(v[0])} {v[1]}"
        if isinstance(v, int):
            return format_number(v)
        return format_rupiah(v, with_symbol=False)

    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "black"),
                       ("FONT", (0, 0), (-1, -1), st.CONDENSED, 6),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 1.6),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 1.6),
                       ("TOPPADDING", (0, 0), (-1, -1), 1),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), 1.3)])

    def table(rows, widths=None):
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(grid)
        return t

    def summary(rows, total):
        data = [list(QUARTER_LABELS)]
        for i, r in enumerate([*rows, total], 1):
            data.append([str(i), txt(r.label), format_number(r.tags), num(r.tagged),
                         num(r.realized), format_percent(r.absorption, 2)
                         if r.absorption is not None else "-",
                         format_percent(r.physical, 2) if r.physical is not None else "-"])
        return table(data, [10 * mm, 110 * mm, 15 * mm, 35 * mm, 35 * mm, 20 * mm, 20 * mm])

    width = landscape(A4)[0] - 20 * mm
    cols = content.columns
    fixed = sum(c.width * mm for c in cols if c.fixed)
    share = (width - fixed) / sum(c.width for c in cols if not c.fixed)
    widths = [c.width * mm if c.fixed else c.width * share for c in cols]
    matrix = [[txt(c.label) for c in cols]]
    matrix += [[txt(v) if c.kind == "text" else num(v) for c, v in zip(cols, row.values,
                                                                       strict=True)]
               for row in content.matrix]
    lokus = [["Kecamatan", "Desa", "KK Desil 1", "Intervensi", "Strategi", "Konvergensi", "OPD",
              "Ditandai", "Realisasi"]]
    lokus += [[txt(r.district), txt(r.village), num(r.households), num(r.interventions),
               r.strategies, str(r.convergence), txt(r.opds), num(r.tagged), num(r.realized)]
              for r in content.lokus]
    weights = (28, 30, 18, 20, 17, 21, 58, 32, 32)
    lokus_widths = [w * width / sum(weights) for w in weights]
    story = [summary(content.by_strategy, content.total),
             summary(content.by_tag_kind, content.total),
             summary(content.by_opd, content.total), PageBreak(),
             table(matrix, widths), PageBreak(), table(lokus, lokus_widths)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm,
                            rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=13 * mm)
    doc.build(story)
    return buffer.getvalue(), doc.page


def run(app, runs: int = 3, opd_only: bool = False) -> list[Result]:
    """`opd_only`: the one-OPD report (what an OPD downloads) instead of the kabupaten's."""
    from app.reference.service import current_fiscal_year, reporting_quarter
    from reports.content.kemenko import build_content, resolve_options
    from reports.pdf.kemenko import build_pdf
    from reports.render import build_report

    with app.app_context():
        fy = current_fiscal_year()
        quarter = reporting_quarter(fy).number
        opts = {"year": fy.year, "variant": "quarterly", "quarter": quarter,
                "fixed_date": date(fy.year, 10, 20)}
        scope = "kabupaten"
        if opd_only:
            from sqlalchemy import select

            from models import Opd, db

            opts.update(variant="opd", opd_id=db.session.scalar(select(Opd.id).order_by(Opd.id)))
            scope = "one OPD"
        content = build_content(resolve_options(**opts))
        app_render = measure(lambda: build_pdf(content), runs)
        floor = measure(lambda: bare_pdf(content), runs)
        queries = measure(lambda: build_content(resolve_options(**opts)), runs)
        whole = measure(lambda: build_report("pdf", **opts)[1].getbuffer().nbytes, runs)
    pages = app_render.result.pages
    rows = len(content.matrix)
    return [
        Result("pdf", f"{scope}: layout", app_render.min_ms, floor.min_ms,
               note=f"{rows} tags, {pages} pages (bare {floor.result[1]})"),
        Result("pdf", f"{scope}: queries", queries.min_ms),
        Result("pdf", f"{scope}: whole download", whole.min_ms,
               note=f"{whole.result // 1024} KB"),
    ]

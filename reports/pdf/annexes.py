"""The PDF of the report's small annexes: other funding sources at the desa (issue 17) and
household coverage (issue 16). What they say is decided in reports/content/; each annex is
empty when its content module finds nothing to print."""
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from app.core.money import format_number, format_rupiah
from reports.content import coverage_annex, other_sources_annex
from reports.content.kemenko import ReportContent
from reports.pdf import styles as st
from reports.pdf.tables import fitted_table
from reports.queries.convergence import total_row


def other_sources_flowables(content: ReportContent, width: float) -> list:
    if not content.other_sources:
        return []
    rows = [[str(i), r.label, format_number(r.interventions), format_number(r.villages),
             format_rupiah(r.planned), format_rupiah(r.realized), format_number(r.households)]
            for i, r in enumerate(content.other_sources, 1)]
    t = total_row(content.other_sources)  # issue 23: every annex table has its total
    rows.append(["", t.label, format_number(t.interventions), "", format_rupiah(t.planned),
                 format_rupiah(t.realized), format_number(t.households)])
    right = {i: "RIGHT" for i in range(2, 7)}
    return [Spacer(1, 5 * mm), Paragraph(escape(other_sources_annex.TITLE), st.HEADING),
            Paragraph(escape(other_sources_annex.NOTE), st.NOTE), Spacer(1, 1.5 * mm),
            fitted_table(other_sources_annex.HEAD, rows, width, {1: 1}, pad=2, total=True,
                         align={0: "CENTER", **right}, h_align="LEFT")]


def coverage_flowables(content: ReportContent, width: float) -> list:
    found = coverage_annex.figures(content)
    if found is None:
        return []
    note, rows, total = found
    data = [[str(i), r[0], *(format_number(x) for x in r[1:])] for i, r in enumerate(rows, 1)]
    data.append(["", total[0], *(format_number(x) for x in total[1:])])
    right = {i: "RIGHT" for i in range(2, 7)}
    return [Spacer(1, 5 * mm), Paragraph(escape(coverage_annex.TITLE), st.HEADING),
            Paragraph(escape(note), st.NOTE), Spacer(1, 1.5 * mm),
            fitted_table(coverage_annex.HEAD, data, width * 0.8, {1: 1}, pad=2,
                         align={0: "CENTER", **right}, h_align="LEFT")]

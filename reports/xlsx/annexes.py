"""The XLSX sheets of the report's small annexes (issue 16, 17), the same figures as the PDF's
(reports/pdf/annexes.py), through the one table helper."""
from app.core.table_xlsx import Column, Table, add_sheet
from reports.content import coverage_annex, other_sources_annex
from reports.content.kemenko import ReportContent
from reports.queries.convergence import total_row


def other_sources_sheet(wb, content: ReportContent) -> None:
    if not content.other_sources:
        return
    t = total_row(content.other_sources)  # issue 23: every annex table has its total
    add_sheet(wb, Table(
        title=other_sources_annex.TITLE, sheet="Sumber Lain",
        filters=[("Periode", f"s.d. {content.period}")],
        columns=[Column("No", "count", 5), Column("Sumber", width=24),
                 Column("Intervensi", "count"), Column("Desa", "count"),
                 Column("Rencana", "money"), Column("Realisasi", "money"),
                 Column("Rumah Tangga", "count")],
        rows=[[i, r.label, r.interventions, r.villages, r.planned, r.realized, r.households]
              for i, r in enumerate(content.other_sources, 1)],
        total=["", t.label, t.interventions, None, t.planned, t.realized, t.households]))


def coverage_sheet(wb, content: ReportContent) -> None:
    found = coverage_annex.figures(content)
    if found is None:
        return
    note, rows, total = found
    add_sheet(wb, Table(
        title=coverage_annex.TITLE, sheet="Cakupan RT", filters=[("Keterangan", note)],
        columns=[Column("No", "count", 5), Column("Kecamatan", width=28),
                 *(Column(h, "count") for h in coverage_annex.HEAD[2:])],
        rows=[[i, *r] for i, r in enumerate(rows, 1)], total=["", *total]))

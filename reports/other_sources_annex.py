"""The report's annex of other funding sources at the desa (issue 17), PDF and XLSX.

The Kemenko matrix stays APBD kabupaten, as the template asks; what Dana Desa, APBD provinsi,
APBN programs, BAZNAS/LAZ and CSR bring to the desa is a small annex of its own, printed only
when the secretariat has recorded any (kabupaten-wide reports only)."""
from xml.sax.saxutils import escape

from .content import ReportContent

TITLE = "Lampiran: Sumber Dana Lain di Desa (di luar APBD Kabupaten)"
NOTE = ("Dicatat oleh Sekretariat TKPKD; tidak termasuk matriks rencana aksi APBD di atas. "
        "Realisasi s.d. akhir periode laporan.")
HEAD = ["No", "Sumber", "Intervensi", "Desa", "Rencana", "Realisasi", "Rumah Tangga"]


def pdf_flowables(content: ReportContent, width: float) -> list:
    if not content.other_sources:
        return []
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    from app.money import format_number, format_rupiah

    from .pdf import styles as st
    from .pdf.tables import fitted_table

    rows = [[str(i), r.label, format_number(r.interventions), format_number(r.villages),
             format_rupiah(r.planned), format_rupiah(r.realized), format_number(r.households)]
            for i, r in enumerate(content.other_sources, 1)]
    right = {i: "RIGHT" for i in range(2, 7)}
    return [Spacer(1, 5 * mm), Paragraph(escape(TITLE), st.HEADING),
            Paragraph(escape(NOTE), st.NOTE), Spacer(1, 1.5 * mm),
            fitted_table(HEAD, rows, width, {1: 1}, pad=2, align={0: "CENTER", **right},
                         h_align="LEFT")]


def xlsx_sheet(wb, content: ReportContent) -> None:
    if not content.other_sources:
        return
    from .table_xlsx import Column, Table, add_sheet

    add_sheet(wb, Table(
        title=TITLE, sheet="Sumber Lain", filters=[("Periode", f"s.d. {content.period}")],
        columns=[Column("No", "count", 5), Column("Sumber", width=24),
                 Column("Intervensi", "count"), Column("Desa", "count"),
                 Column("Rencana", "money"), Column("Realisasi", "money"),
                 Column("Rumah Tangga", "count")],
        rows=[[i, r.label, r.interventions, r.villages, r.planned, r.realized, r.households]
              for i, r in enumerate(content.other_sources, 1)]))

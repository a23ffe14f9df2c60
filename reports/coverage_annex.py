"""The report's household coverage annex (issue 16), PDF and XLSX: counts only, never an
identifier or a hash. Printed only in kabupaten-wide reports and only once a BNBA extract has
been imported, so a pemda without household data gets the report it always had."""
from xml.sax.saxutils import escape

from . import coverage
from .content import ReportContent

TITLE = "Lampiran: Cakupan Rumah Tangga Desil 1 (BNBA)"
HEAD = ["No", "Kecamatan", "Desil 1", "Tidak dijangkau", "1 strategi", "2 strategi",
        "3 strategi"]


def figures(content: ReportContent):
    """(note, rows, total) or None: per kecamatan, from the coverage rollup."""
    if content.opd is not None:
        return None
    snap = coverage.current_snapshot()
    if snap is None:
        return None
    villages = coverage.by_village(snap.id, content.fiscal_year.id, content.quarter)
    groups: dict[str, list] = {}
    for v in villages:
        groups.setdefault(v.district, []).append(v)
    rows = [[name, sum(v.households for v in vs),
             *(sum(v.by_count[k] for v in vs) for k in range(4))] for name, vs in groups.items()]
    total = ["Jumlah", *(sum(r[i] for r in rows) for i in range(1, 6))]
    trend = coverage.trend()
    note = (f"Data {snap.source} per {snap.taken_on.strftime('%d-%m-%Y')}; rumah tangga "
            f"dijangkau = tercantum dalam daftar penerima tagging s.d. {content.period}, "
            "dicocokkan dengan hash berkunci (tanpa NIK).")
    if len(trend) > 1:
        from app.money import format_number as n

        note += (f" Rumah tangga desil 1: {n(trend[0].desil1)} pada "
                 f"{trend[0].taken_on.strftime('%d-%m-%Y')}, {n(trend[-1].desil1)} pada "
                 f"{trend[-1].taken_on.strftime('%d-%m-%Y')}.")
    return note, rows, total


def pdf_flowables(content: ReportContent, width: float) -> list:
    found = figures(content)
    if found is None:
        return []
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    from app.money import format_number

    from .pdf import styles as st
    from .pdf.tables import fitted_table

    note, rows, total = found
    data = [[str(i), r[0], *(format_number(x) for x in r[1:])] for i, r in enumerate(rows, 1)]
    data.append(["", total[0], *(format_number(x) for x in total[1:])])
    right = {i: "RIGHT" for i in range(2, 7)}
    return [Spacer(1, 5 * mm), Paragraph(escape(TITLE), st.HEADING),
            Paragraph(escape(note), st.NOTE), Spacer(1, 1.5 * mm),
            fitted_table(HEAD, data, width * 0.8, {1: 1}, pad=2, align={0: "CENTER", **right},
                         h_align="LEFT")]


def xlsx_sheet(wb, content: ReportContent) -> None:
    found = figures(content)
    if found is None:
        return
    from .table_xlsx import Column, Table, add_sheet

    note, rows, total = found
    add_sheet(wb, Table(
        title=TITLE, sheet="Cakupan RT", filters=[("Keterangan", note)],
        columns=[Column("No", "count", 5), Column("Kecamatan", width=28),
                 *(Column(h, "count") for h in HEAD[2:])],
        rows=[[i, *r] for i, r in enumerate(rows, 1)], total=["", *total]))

"""The report as an XLSX workbook (openpyxl): a sheet for each part of the PDF (the letter, the
summaries, the matrix, the lokus annex), the same figures, numbers kept as numbers, frozen
headers, print setup (landscape on the report's paper, fit to width, header rows repeated),
and user text that could run as a formula stored as plain text (by `xlsx_writer`, which every
export uses).

Money: a column shows sen (`#,##0.00`) when any of its amounts has sen, else whole rupiah
(`#,##0`). Always two decimals would print ",00" after every apportioned or budgeted amount
(whole rupiah, as the PDF prints them); a per-cell choice would misalign a column's digits.
The cell holds the exact value either way."""
from datetime import datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from app.core import xlsx_writer
from app.core.xlsx_cells import (
    BOLD,
    FILL,
    PAPER_CODES,
    TITLE,
    header,
    money_formats,
    put,
    put_row,
)
from reports.content import letter
from reports.content.kemenko import ROMAN, ReportContent
from reports.xlsx import annexes


def _title(ws, content: ReportContent, heading: str) -> int:
    xlsx_writer.put(ws, 1, 1, content.title.upper()).font = TITLE
    who = content.opd.name if content.opd else content.pemda.name
    xlsx_writer.put(ws, 2, 1, " · ".join(x for x in (who, content.scope_line) if x))
    basis = ""
    if content.with_realization:
        basis = ("DRAFT: memuat data yang belum diverifikasi" if content.draft
                 else "Hanya data yang telah diverifikasi")
    xlsx_writer.put(ws, 3, 1, f"{heading} · {content.period}" + (f" · {basis}"
                                                                  if basis else ""))
    if content.carried_note:
        xlsx_writer.put(ws, 4, 1, content.carried_note)
    return 5


def _summary(ws, row: int, title: str, rows, total, real: bool, marks=None,
             code_words: bool = False) -> int:
    """A summary table; `code_words`: the Kode column says the kelompok in words ("Tidak
    langsung"), not its code ("tidak_langsung")."""
    xlsx_writer.put(ws, row, 1, title).font = BOLD
    row += 1
    labels = ["No", "Kode", "Uraian", "Jumlah Tag", "Anggaran Ditandai"]
    kinds = ["count", "text", "text", "count", "money"]
    if real:  # no "Sasaran": targets are summed per unit only (_targets)
        labels += ["Realisasi", "Serapan (%)", "Fisik (%)"]
        kinds += ["money", "pct", "pct"]
    header(ws, row, labels)
    for i, r in enumerate([*rows, total], 1):
        is_total = r is total
        label = f"{r.label} {marks[r.key]}" if marks and r.key in marks and not is_total \
            else r.label
        code = (r.label if code_words and not is_total else r.code)
        values = [None if is_total else i, code, label, r.tags, r.tagged]
        values += [r.realized, r.absorption, r.physical] if real else []
        put_row(ws, row + i, values, kinds, bold=is_total)
    return row + len(rows) + 3


def _targets(ws, row: int, content: ReportContent) -> int:
    """Targets and reached per unit (never added across units)."""
    xlsx_writer.put(ws, row, 1, "Sasaran dan capaian per satuan").font = BOLD
    real = content.with_realization
    header(ws, row + 1, ["Satuan", "Sasaran"] + (["Capaian"] if real else []))
    for i, (unit, t, c) in enumerate(content.targets, row + 2):
        put_row(ws, i, (unit or "tanpa satuan", t, *((c,) if real else ())),
                ("text", "count", "count")[:3 if real else 2])
    return row + len(content.targets) + 4


def _legends(ws, row: int, content: ReportContent) -> int:
    """The carried-forward signs' footnotes from `row`; the next free row after a gap."""
    for line in content.legends:
        xlsx_writer.put(ws, row, 1, line)
        row += 1
    return row + 2


def _print_setup(ws, content: ReportContent, title_rows: str | None = None,
                 landscape: bool = True) -> None:
    """Landscape on the report's paper, all columns on one page's width, header rows (e.g.
    "6:7") printed on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_CODES.get(content.pemda.paper_size, 9)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _letter_sheet(wb, content: ReportContent):
    """The cover letter's words: number, addressees, paragraphs, signatories, copies."""
    ws = wb.active
    ws.title = "Surat"
    pemda = content.pemda
    lines = [(pemda.name.upper(), TITLE), (pemda.address, None), ("", None),
             (f"Nomor: {letter.letter_number(content)}", None), ("Sifat: Penting", None),
             ("Lampiran: 1 (satu) berkas", None), (f"Hal: {content.subject}", None), ("", None),
             (f"{pemda.city or pemda.region_name}, {letter.date_long(content.letter_date)}",
              None), ("Yth.", None)]
    lines += [(line, None) for line in letter.addressee(content)] + [("", None)]
    lines += [(text, None) for text in letter.letter_body(content)] + [("", None)]
    for title, name, nip in letter.signatories(content):
        lines += [(f"{title},", None), (name or "(.................................)", BOLD)]
        lines += [(f"NIP. {nip}", None)] if nip else []
        lines.append(("", None))
    cc = letter.copies(content)
    if cc:
        lines += [("Tembusan:", None)] + [(f"{i}. {n}", None) for i, n in enumerate(cc, 1)]
    for row, (text, font) in enumerate(lines, 1):
        cell = xlsx_writer.put(ws, row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 110
    _print_setup(ws, content, landscape=False)


def _summary_sheet(wb, content: ReportContent):
    ws = wb.create_sheet("Ringkasan")
    real = content.with_realization
    row = _title(ws, content, "Ringkasan")
    row = _summary(ws, row, "A. Ringkasan per Strategi", content.by_strategy, content.total,
                   real)
    row = _summary(ws, row, "B. Ringkasan per Kelompok Penandaan", content.by_tag_kind,
                   content.total, real, code_words=True)
    if content.targets:
        row = _targets(ws, row, content)
    if real and content.index:
        ws.cell(row=row, column=1, value="Indeks serapan tertimbang (PMK 97/2023)").font = BOLD
        header(ws, row + 1, ["Kelompok", "Bobot (%)", "Anggaran Ditandai", "Realisasi",
                             "Serapan (%)", "Nilai Tertimbang"])
        row += 2
        for k in content.index["kinds"]:
            put_row(ws, row, (k["label"], k["weight"], k["tagged"], k["realized"],
                              k["absorption"], k["score"]),
                    ("text", "pct", "money", "money", "pct", "pct"))
            row += 1
        put(ws, row, 1, "Indeks serapan tertimbang", bold=True)
        put(ws, row, 6, content.index["index"], "pct", bold=True)
        row += 3
    row = _summary(ws, row, "C. Ringkasan per Perangkat Daerah", content.by_opd,
                   content.total, real, content.marks)
    row = _legends(ws, row - 2, content)
    if real and content.trend:
        ws.cell(row=row, column=1, value="D. Realisasi per Triwulan (s.d. akhir triwulan)"
                ).font = BOLD
        header(ws, row + 1, ["Triwulan", "Anggaran Ditandai", "Realisasi Triwulan",
                             "Realisasi s.d. Triwulan", "Serapan (%)", "Fisik (%)", "Capaian"])
        previous = Decimal("0.00")
        for i, r in enumerate(content.trend, row + 2):
            label = f"{r.label} * ({r.carried} OPD dibawa)" if r.carried else r.label
            put_row(ws, i, (label, r.tagged, r.realized - previous, r.realized, r.absorption,
                            r.physical, r.reached),
                    ("text", "money", "money", "money", "pct", "pct", "count"))
            previous = r.realized
        if any(r.carried for r in content.trend):
            ws.cell(row=row + 2 + len(content.trend), column=1,
                    value="* Triwulan tanpa angka memakai angka kumulatif triwulan sebelumnya "
                          "(dibawa); jumlah perangkat daerah yang angkanya dibawa tertulis "
                          "pada baris.")
    for col, width in enumerate([22, 26, 48, 18, 20, 20, 12, 12, 12, 12], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A5"
    money_formats(ws)
    _print_setup(ws, content, "1:3")


def _matrix_sheet(wb, content: ReportContent):
    ws = wb.create_sheet("Matriks")
    top = _title(ws, content, "Matriks rencana aksi" + (" dan realisasi"
                                                        if content.with_realization else ""))
    cols = content.columns
    header(ws, top, [c.label for c in cols])
    for col in range(1, len(cols) + 1):
        cell = put(ws, top + 1, col, col, "count")
        cell.fill = FILL
        cell.alignment = Alignment(horizontal="center")
    row = top + 2
    for r in content.matrix:
        for col, (c, v) in enumerate(zip(cols, r.values, strict=True), 1):
            put(ws, row, col, v, "text" if isinstance(v, str) else c.kind)
        row += 1
    put(ws, row, 2, "JUMLAH", bold=True)
    for col, (c, v) in enumerate(zip(cols, content.matrix_total, strict=True), 1):
        if v is not None:
            put(ws, row, col, v, c.kind, bold=True)
    for col, c in enumerate(cols, 1):
        width = 14 if c.fixed else min(40, 6 + c.width * 1.6)
        ws.column_dimensions[get_column_letter(col)].width = 6 if col == 1 else width
    ws.freeze_panes = ws.cell(row=top + 2, column=5)  # header rows and No..Kode stay in view
    for line in [*content.legends, *content.matrix_notes]:
        row += 2
        xlsx_writer.put(ws, row, 1, line)
    money_formats(ws)
    _print_setup(ws, content, f"{top}:{top + 1}")


def _lokus_sheet(wb, content: ReportContent):
    ws = wb.create_sheet("Lokus Desa")
    top = _title(ws, content, "Lokus desa prioritas")
    labels = ["No", "Kecamatan", "Desa", "Kode Desa", "KK Desil 1", "Jumlah Intervensi",
              "Strategi", "Konvergensi (dari 3)", "Perangkat Daerah", "Anggaran Ditandai"]
    kinds = ["count", "text", "text", "text", "count", "count", "text", "count", "text",
             "money"]
    if content.with_realization:
        labels.append("Realisasi")
        kinds.append("money")
    header(ws, top, labels)
    for i, r in enumerate(content.lokus, 1):
        values = [i, r.district, r.village, r.code, r.households, r.interventions,
                  r.strategies, r.convergence, r.opds, r.tagged, r.realized]
        put_row(ws, top + i, values[:len(kinds)], kinds)
    # The total row (issue 23): KK desil 1 and the amounts placed in the desa add up; the
    # interventions and strategies are per desa and are not added.
    households, tagged, realized = content.lokus_total
    total = [None, f"Jumlah ({len(content.lokus)} desa)", None, None, households, None, None,
             None, None, tagged, realized]
    put_row(ws, top + len(content.lokus) + 1, total[:len(kinds)], kinds, bold=True)
    for col, width in enumerate([6, 22, 22, 16, 12, 12, 10, 12, 40, 20, 20], 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    money_formats(ws)
    _print_setup(ws, content, f"{top}:{top}")


def _late_sheet(wb, content: ReportContent):
    """Section G of the PDF: the late reports and their days overdue."""
    from app.core.table_xlsx import Column, Table, add_sheet  # table_xlsx builds on this module

    ws = add_sheet(wb, Table(
        title="G. Kepatuhan Pelaporan Perangkat Daerah", sheet="Kepatuhan",
        filters=[("Periode", f"s.d. {content.period}")],
        columns=[Column("No", "count", 5), Column("Kode", width=24),
                 Column("Perangkat Daerah", width=44), Column("Triwulan", width=10),
                 Column("Status Laporan", width=20), Column("Terlambat (hari)", "count")],
        rows=[[i, r.opd_code, r.opd_name, f"TW {ROMAN[r.quarter]}", r.status, r.days]
              for i, r in enumerate(content.late, 1)],
        total=["", "", f"Jumlah: {len(content.late)} laporan terlambat", "", "", None]))
    ws.page_setup.paperSize = PAPER_CODES.get(content.pemda.paper_size, 9)


def build_xlsx(content: ReportContent) -> bytes:
    wb = Workbook()
    _letter_sheet(wb, content)
    _summary_sheet(wb, content)
    _matrix_sheet(wb, content)
    _lokus_sheet(wb, content)
    if content.with_realization:
        _late_sheet(wb, content)
    annexes.other_sources_sheet(wb, content)  # issue 17: only when there are any
    annexes.coverage_sheet(wb, content)  # issue 16: only once a BNBA is imported
    stamp = datetime.combine(content.letter_date, time())
    wb.properties.creator = "Tagar"
    wb.properties.title = content.title
    wb.properties.created = wb.properties.modified = stamp
    return xlsx_writer.to_bytes(wb)

"""The report's tables as platypus Tables: summaries, PMK 97/2023 index, trend, matrix, annex."""
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Paragraph, Table

from app.money import format_number, format_percent, format_rupiah

from . import styles as st


def p(text, style=st.CELL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def money(v, symbol=True) -> str:
    return format_rupiah(v, with_symbol=symbol)


def pct(v, sign=True) -> str:
    if v is None:
        return "-"
    return format_percent(v, 2) if sign else format_number(v, 2)


def target(v) -> str:
    count, unit = v
    return f"{format_number(count)} {unit}".strip()


def _widths(weights, total=st.FRAME_WIDTH):
    scale = total / sum(weights)
    return [w * scale for w in weights]


SUMMARY_HEAD = ["No", "Kode", "Uraian", "Jumlah Tag", "Anggaran Ditandai", "Realisasi",
                "Serapan", "Fisik", "Sasaran", "Capaian"]
PLAN_HEAD = ["No", "Kode", "Uraian", "Jumlah Tag", "Anggaran Ditandai", "Sasaran"]


def summary_table(rows, total, with_realization: bool, code_width: float = 18) -> Table:
    """A summary by one grouping, closed by the rollup's total row ("Jumlah").
    `code_width` 0 leaves the code column out (tag kinds have no printable code)."""
    head = SUMMARY_HEAD if with_realization else PLAN_HEAD
    data = [[p(h, st.CELL_H) for h in head]]
    for i, r in enumerate(rows, 1):
        data.append(_summary_cells(str(i), r, with_realization, st.CELL, st.CELL_R))
    data.append(_summary_cells("", total, with_realization, st.CELL_B, st.CELL_BR,
                               label="Jumlah"))
    data[-1][1] = ""
    if not code_width:
        data = [row[:1] + row[2:] for row in data]
    if with_realization:
        widths = _widths([8, code_width, 90 - code_width, 16, 34, 34, 17, 15, 20, 20])
    else:
        widths = _widths([8, code_width, 128 - code_width, 18, 40, 25])
    if not code_width:
        widths = _widths(widths[:1] + widths[2:])
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(st.grid_style(total_rows=1))
    return t


def _summary_cells(no, r, with_realization, text, num, label=None):
    cells = [p(no, st.CELL_C), p(r.code or "-", text), p(label or r.label, text),
             p(format_number(r.tags), num), p(money(r.tagged), num)]
    if with_realization:
        cells += [p(money(r.realized), num), p(pct(r.absorption), num),
                  p(pct(r.physical), num), p(format_number(r.target), num),
                  p(format_number(r.reached), num)]
    else:
        cells.append(p(format_number(r.target), num))
    return cells


def index_table(index: dict) -> Table:
    """PMK 97/2023: absorption per tag kind, its weight and the weighted index."""
    head = ["Kelompok Penandaan", "Bobot", "Anggaran Ditandai", "Realisasi", "Serapan",
            "Nilai Tertimbang"]
    data = [[p(h, st.CELL_H) for h in head]]
    for k in index["kinds"]:
        data.append([p(k["label"]), p(pct(k["weight"]), st.CELL_R),
                     p(money(k["tagged"]), st.CELL_R), p(money(k["realized"]), st.CELL_R),
                     p(pct(k["absorption"]), st.CELL_R), p(pct(k["score"], False), st.CELL_R)])
    data.append([p("Indeks serapan tertimbang", st.CELL_B), "", "", "", "",
                 p(pct(index["index"], False), st.CELL_BR)])
    t = Table(data, colWidths=_widths([70, 20, 40, 40, 25, 30], st.FRAME_WIDTH * 0.8),
              hAlign="LEFT")
    style = st.grid_style(total_rows=1)
    style.add("SPAN", (0, -1), (4, -1))
    t.setStyle(style)
    return t


def trend_table(trend) -> Table:
    """Realization per quarter: each quarter's own flow and the figure to date."""
    head = ["Triwulan", "Anggaran Ditandai", "Realisasi Triwulan", "Realisasi s.d. Triwulan",
            "Serapan s.d. Triwulan", "Fisik", "Capaian Sasaran"]
    data = [[p(h, st.CELL_H) for h in head]]
    previous = Decimal("0.00")
    for r in trend:
        data.append([p(r.label, st.CELL), p(money(r.tagged), st.CELL_R),
                     p(money(r.realized - previous), st.CELL_R), p(money(r.realized), st.CELL_R),
                     p(pct(r.absorption), st.CELL_R), p(pct(r.physical), st.CELL_R),
                     p(format_number(r.reached), st.CELL_R)])
        previous = r.realized
    t = Table(data, colWidths=_widths([30, 35, 35, 35, 25, 20, 25], st.FRAME_WIDTH * 0.85),
              hAlign="LEFT")
    t.setStyle(st.grid_style())
    return t


def fit_size(text: str, width: float, bold=False) -> float:
    """The font size (6 pt down to 4 pt) at which a number fits on one line: a total of tens
    of billions must not wrap in a 15 mm column."""
    font = st.CONDENSED_BOLD if bold else st.CONDENSED
    size = 6.0
    while size > 4 and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _number_text(column, value) -> str:
    if column.kind == "money":
        return money(value, symbol=False)
    if column.kind == "pct":
        return pct(value, sign=False)
    return target(value)


def _matrix_cell(column, value, width, bold=False):
    """(cell, the cell's own style command or None). Numbers are plain strings, not
    Paragraphs: they never wrap, and a Paragraph per number was a tenth of the layout time."""
    if column.kind == "text":
        return (p(value, st.MX_B if bold else st.MX) if value else ""), None
    if value is None:
        return ("", None) if bold else ("-", ("ALIGN", "CENTER"))
    if column.kind == "count":
        return format_number(value), None
    text = _number_text(column, value)
    size = fit_size(text, width, bold)
    return text, (("FONTSIZE", size) if size != 6.0 else None)


MATRIX_PAD = 1.6
# Narrow columns: break the header words where a printed table would hyphenate them.
PDF_LABELS = {
    "Sumber Pembiayaan": "Sumber Pembia- yaan", "Durasi Pemberian": "Durasi Pembe- rian",
    "Perangkat Daerah": "Perang- kat Daerah", "Strategi": "Stra- tegi",
    "Serapan (%)": "Sera- pan (%)",
}


def matrix_widths(cols) -> list[float]:
    """Number columns get their millimetres; text columns share the rest by weight."""
    fixed = sum(c.width * mm for c in cols if c.fixed)
    weights = sum(c.width for c in cols if not c.fixed)
    scale = (st.FRAME_WIDTH - fixed) / weights
    return [c.width * mm if c.fixed else c.width * scale for c in cols]


def _matrix_style(cols, cell_cmds, total: bool):
    """Grid, header, the numbers row; plain-string cells get their font, alignment and any
    shrunk size or centred "-" here. The totals row gets no SPAN (a span makes reportlab
    recompute every cell's span range at each page split): "JUMLAH" overflows into empty
    cells whose inner rules are left out, which prints the same as the span."""
    style = st.grid_style(header_rows=1, total_rows=1 if total else 0, numbers_row=True,
                          pad=MATRIX_PAD)
    style.add("FONT", (0, 1), (-1, -1), st.CONDENSED, 6, 7.2)
    style.add("ALIGN", (0, 1), (-1, -1), "CENTER")
    for i, c in enumerate(cols):
        if c.kind in ("money", "pct", "target"):
            style.add("ALIGN", (i, 2), (i, -1), "RIGHT")
    if total:
        style._cmds = [c for c in style._cmds if c[0] != "GRID"]
        style.add("GRID", (0, 0), (-1, -2), 0.4, st.RULE)
        style.add("GRID", (0, -1), (0, -1), 0.4, st.RULE)
        style.add("BOX", (1, -1), (9, -1), 0.4, st.RULE)
        style.add("GRID", (10, -1), (-1, -1), 0.4, st.RULE)
        style.add("FONT", (0, -1), (-1, -1), st.CONDENSED_BOLD, 6, 7.2)
        style.add("ALIGN", (1, -1), (1, -1), "LEFT")
    for (col, row), (op, arg) in cell_cmds:
        style.add(op, (col, row), (col, row), arg)
    return style


def _strategy_heading(strategy, widths) -> Table:
    """The strategy's heading as a one-row, full-width band (it used to be a spanned row)."""
    t = Table([[p(f"Strategi {strategy[0]}: {strategy[1]}", st.MX_B)]],
              colWidths=[sum(widths)])
    t.setStyle([("BOX", (0, 0), (-1, -1), 0.4, st.RULE),
                ("BACKGROUND", (0, 0), (-1, -1), st.TOTAL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), MATRIX_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), MATRIX_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), MATRIX_PAD * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), MATRIX_PAD * 0.8)])
    return t


def matrix_tables(content) -> list:
    """The Kemenko PMK matrix as one Table per strategy, each under its heading band and with
    the header and the row of column numbers repeated on every page; the totals row closes
    the last one. One big table was quadratic: reportlab re-slices the remaining rows at
    every page split."""
    cols = content.columns
    widths = matrix_widths(cols)
    inner = [w - 2 * MATRIX_PAD for w in widths]
    head = [p(PDF_LABELS.get(c.label, c.label), st.MX_H) for c in cols]
    numbers = [str(i) for i in range(1, len(cols) + 1)]
    groups: list = []
    for row in content.matrix:
        if not groups or groups[-1][0] != row.strategy:
            groups.append((row.strategy, []))
        groups[-1][1].append(row)
    out = []
    for g, (strategy, rows) in enumerate(groups):
        data, cell_cmds = [head, numbers], []
        for row in rows:
            cells = []
            for i, (c, v, w) in enumerate(zip(cols, row.values, inner, strict=True)):
                cell, cmd = _matrix_cell(c, v, w)
                cells.append(cell)
                if cmd:
                    cell_cmds.append(((i, len(data)), cmd))
            cells[1] = str(strategy[0])
            code_head, dot, tail = str(row.values[3]).rpartition(".")
            if code_head:  # 1.01.02.2.01. / 0024: break where the sub-activity number starts
                cells[3] = Paragraph(f"{escape(code_head + dot)}<br/>{escape(tail)}", st.MX)
            data.append(cells)
        last = g == len(groups) - 1
        if last:
            total = []
            for i, (c, v, w) in enumerate(zip(cols, content.matrix_total, inner, strict=True)):
                cell, cmd = _matrix_cell(c, v, w, bold=True)
                total.append(cell)
                if cmd:
                    cell_cmds.append(((i, len(data)), cmd))
            total[1] = "JUMLAH"
            data.append(total)
        t = Table(data, colWidths=widths, repeatRows=2)
        t.setStyle(_matrix_style(cols, cell_cmds, last))
        # The heading band never ends a page without the first rows of its table.
        out += [CondPageBreak(30 * mm), _strategy_heading(strategy, widths), t]
    return out


LOKUS_HEAD = ["No", "Kecamatan", "Desa", "KK Desil 1", "Jumlah Intervensi", "Strategi",
              "Konvergensi", "Perangkat Daerah", "Anggaran Ditandai*", "Realisasi*"]


def _lokus_money(value, width):
    """A plain string when the amount fits on one line (the usual case), else a Paragraph
    that may wrap after "Rp", as every amount used to."""
    text = money(value)
    if stringWidth(text, st.REGULAR, st.CELL.fontSize) <= width:
        return text
    return p(text, st.CELL_R)


def lokus_table(rows, with_realization: bool) -> Table:
    """The lokus annex. Only the names (kecamatan, desa, OPDs) can wrap and are Paragraphs;
    numbers and codes are plain strings, styled by column below: a Paragraph per cell was
    most of the annex's layout time."""
    head = LOKUS_HEAD if with_realization else LOKUS_HEAD[:-1]
    weights = [8, 28, 30, 18, 20, 17, 21, 58, 32, 32]
    widths = _widths(weights[:len(head)])
    pad = 2
    money_width = widths[8] - 2 * pad
    data = [[p(h, st.CELL_H) for h in head]]
    gaps = []
    for i, r in enumerate(rows, 1):
        gap = r.interventions == 0
        if gap:
            gaps.append(i)
        cells = [str(i), p(r.district), p(r.village), format_number(r.households),
                 "Belum ada" if gap else format_number(r.interventions),
                 r.strategies, f"{r.convergence} dari 3", p(r.opds),
                 _lokus_money(r.tagged, money_width)]
        if with_realization:
            cells.append(_lokus_money(r.realized, money_width))
        data.append(cells)
    t = Table(data, colWidths=widths, repeatRows=1)
    style = st.grid_style(pad=pad)
    style.add("FONT", (0, 1), (-1, -1), st.REGULAR, st.CELL.fontSize, st.CELL.leading)
    for col, align in ((0, "CENTER"), (3, "RIGHT"), (4, "RIGHT"), (5, "CENTER"),
                       (6, "CENTER"), (8, "RIGHT"), (9, "RIGHT")):
        if col < len(head):  # the plan has no realization column
            style.add("ALIGN", (col, 1), (col, -1), align)
    for row in gaps:  # "Belum ada": bold and left, as its Paragraph was
        style.add("FONT", (4, row), (4, row), st.BOLD, st.CELL.fontSize, st.CELL.leading)
        style.add("ALIGN", (4, row), (4, row), "LEFT")
    t.setStyle(style)
    return t


def key_value_table(pairs, width=120 * mm) -> Table:
    """`Nomor : ...` lines of a letter, aligned on the colon."""
    data = [[p(k, st.BODY_LEFT), p(":", st.BODY_LEFT), p(v, st.BODY_LEFT)] for k, v in pairs]
    t = Table(data, colWidths=[25 * mm, 4 * mm, width - 29 * mm], hAlign="LEFT")
    t.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return t

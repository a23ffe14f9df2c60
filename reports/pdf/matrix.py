"""The Kemenko PMK matrix in the PDF: one Table per strategy, columns sized to what they hold.

Each number column is exactly as wide as its widest figure (the bold total included) plus the
cell padding, so no figure wraps or runs into the next column; the text columns share the rest
by weight (their longer texts' width), none narrower than the widest piece its words can be cut
into (fit.py). The matrix is set at PREFERRED x 6 pt, smaller when even that does not fit the
page (down to MIN_FACTOR), rather than one figure shrinking alone.
"""
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Table

from app.core.money import format_number

from . import styles as st
from .bounded import Continued
from .fit import line_width, share, word_width, wrap
from .plain_table import plain_table
from .tables import money, pct, target

MATRIX_PAD = 1.6
SLACK = 0.6  # points added to each measured width: rounding never tips a figure over
BASE = 6.0  # the matrix's font size at factor 1
# 5.4 pt: on the demo's TW III report, 23 pages instead of 35 at 6 pt (the text columns get the
# room their words need), with figures still larger than the 4 pt they used to shrink to.
PREFERRED = 0.9
MIN_FACTOR = 0.6
CODE_COLUMN = 3


def number_text(column, value, bold=False) -> str | None:
    """The text a number cell prints ('' / '-' for none), or None for a text column."""
    if column.kind == "text":
        return None
    if value is None:
        return "" if bold else "-"
    if isinstance(value, str):
        return value
    if column.kind == "count":
        return format_number(value)
    if column.kind == "money":
        return money(value, symbol=False)
    if column.kind == "pct":
        return pct(value, sign=False)
    return target(value)


def _code_lines(code) -> tuple[str, str]:
    """1.01.02.2.01.0024 is printed as "1.01.02.2.01." over "0024"."""
    head, dot, tail = str(code).rpartition(".")
    return (head + dot, tail) if head else (tail, "")


def _measure(content) -> tuple[list[float], list[float], list[float]]:
    """(one-line width of the widest figure, narrowest width of the text, share weight) per
    column, at BASE points. A text column's weight is the one-line width of its longer texts
    (the 90th percentile of its non-empty cells), as a browser's automatic table layout
    shares room by content: a list of desa gets room, an empty column does not."""
    cols = content.columns
    figure = [0.0] * len(cols)
    lengths: list[list[float]] = [[] for _ in cols]
    # A figure's header keeps its words whole (no "Re-ali-sasi" over a narrow "0"), and so
    # does the strategy column's, which holds only a digit (no "Stra-tegi", issue 23); text
    # columns' headers may be cut like their cells where a word cannot fit (fit.wrap).
    text = [word_width(c.label, st.CONDENSED_BOLD, st.MX_H.fontSize)
            if c.kind == "text" and i != 1 else
            max(line_width(w, st.CONDENSED_BOLD, st.MX_H.fontSize) for w in c.label.split())
            for i, c in enumerate(cols)]
    for row in content.matrix:
        for i, (c, v) in enumerate(zip(cols, row.values, strict=True)):
            if c.kind != "text":
                figure[i] = max(figure[i], line_width(number_text(c, v), st.CONDENSED, BASE))
            elif i == 1:  # the strategy's code only: its name heads the table
                figure[i] = max(figure[i], line_width(row.strategy[0], st.CONDENSED, BASE))
            elif i == CODE_COLUMN:
                figure[i] = max(figure[i], *(line_width(x, st.CONDENSED, BASE)
                                             for x in _code_lines(v)))
            elif v:
                one_line = line_width(v, st.CONDENSED, BASE)
                lengths[i].append(one_line)
                if one_line > text[i]:  # only then can a piece of it be the widest
                    text[i] = max(text[i], word_width(v, st.CONDENSED, BASE, c.hyphenate))
    for i, (c, v) in enumerate(zip(cols, content.matrix_total, strict=True)):
        t = number_text(c, v, bold=True)
        if t:
            figure[i] = max(figure[i], line_width(t, st.CONDENSED_BOLD, BASE))
    weights = []
    for i, widths in enumerate(lengths):
        widths.sort()
        typical = widths[int(0.9 * (len(widths) - 1))] if widths else 0.0
        weights.append(max(typical, text[i]))
    return figure, text, weights


def matrix_layout(content, width: float) -> tuple[list[float], float]:
    """(column widths in points filling `width`, font factor applied to BASE)."""
    cols = content.columns
    figure, text, weights = _measure(content)
    pads = 2 * MATRIX_PAD + SLACK
    need = sum(max(f, t) for f, t in zip(figure, text, strict=True))
    factor = max(MIN_FACTOR, min(PREFERRED, (width - pads * len(cols)) / need))
    fixed = [None if c.kind == "text" and i not in (1, CODE_COLUMN)
             else max(figure[i], text[i]) * factor + pads for i, c in enumerate(cols)]
    minimum = [t * factor + pads for t in text]
    widths = share(width, fixed, minimum, weights)
    if widths is None:  # only below MIN_FACTOR: print anyway, the text columns at their minimum
        widths = [f if f is not None else m for f, m in zip(fixed, minimum, strict=True)]
    return widths, factor


def _matrix_style(cols, total: bool, factor: float, top: int = 2):
    """Grid, header, the numbers row; plain-string cells get their font and alignment here.
    The totals row gets no SPAN (a span makes reportlab recompute every cell's span range at
    each page split): "JUMLAH" overflows into empty cells whose inner rules are left out,
    which prints the same as the span. `top` 0: a chunk without the header rows
    (bounded.Continued), its first row a matrix row."""
    size, leading = BASE * factor, 7.2 * factor
    if top:
        style = st.grid_style(header_rows=1, total_rows=1 if total else 0, numbers_row=True,
                              pad=MATRIX_PAD)
        style.add("FONT", (0, 0), (-1, 0), st.CONDENSED_BOLD, st.MX_H.fontSize * factor,
                  st.MX_H.leading * factor)
        style.add("ALIGN", (0, 0), (-1, 0), "CENTER")
    else:
        style = st.body_grid_style(total_rows=1 if total else 0, pad=MATRIX_PAD)
    first = 1 if top else 0
    style.add("FONT", (0, first), (-1, -1), st.CONDENSED, size, leading)
    style.add("ALIGN", (0, first), (-1, -1), "CENTER")
    for i, c in enumerate(cols):
        if c.kind in ("money", "pct", "target"):
            style.add("ALIGN", (i, top), (i, -1), "RIGHT")
        elif c.kind == "text" and i != 1:
            style.add("ALIGN", (i, top), (i, -1), "LEFT")
    if total:
        style._cmds = [c for c in style._cmds if c[0] != "GRID"]
        style.add("GRID", (0, 0), (-1, -2), 0.4, st.RULE)
        style.add("GRID", (0, -1), (0, -1), 0.4, st.RULE)
        style.add("BOX", (1, -1), (9, -1), 0.4, st.RULE)
        style.add("GRID", (10, -1), (-1, -1), 0.4, st.RULE)
        style.add("FONT", (0, -1), (-1, -1), st.CONDENSED_BOLD, size, leading)
        style.add("ALIGN", (1, -1), (1, -1), "LEFT")
    return style


def _strategy_heading(strategy, widths, style) -> Table:
    """The strategy's heading as a one-row, full-width band (it used to be a spanned row)."""
    t = Table([[Paragraph(escape(f"Strategi {strategy[0]}: {strategy[1]}"), style)]],
              colWidths=[sum(widths)])
    t.setStyle([("BOX", (0, 0), (-1, -1), 0.4, st.RULE),
                ("BACKGROUND", (0, 0), (-1, -1), st.TOTAL_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), MATRIX_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), MATRIX_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), MATRIX_PAD * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), MATRIX_PAD * 0.8)])
    return t


def matrix_tables(content, width: float, chunk: int | None = None) -> list:
    """The matrix as one Table per strategy (see iter_matrix_tables)."""
    return list(iter_matrix_tables(content, width, chunk))


def iter_matrix_tables(content, width: float, chunk: int | None = None):
    """The matrix as one Table per strategy, each under its heading band and with the header
    and the row of column numbers repeated on every page; the totals row closes the last one.
    One big table was quadratic: reportlab re-slices the remaining rows at every page split.
    Every cell is a plain string, text already broken into lines by fit.wrap: a Paragraph per
    cell was most of the layout time. With `chunk`, a strategy of more rows is set as tables
    of `chunk` rows made only when the layout reaches them (bounded.Continued): the same
    pages, in bounded memory."""
    cols = content.columns
    widths, factor = matrix_layout(content, width)
    size = BASE * factor
    inner = [w - 2 * MATRIX_PAD for w in widths]
    head = ["\n".join(wrap(c.label, st.CONDENSED_BOLD, st.MX_H.fontSize * factor, w,
                           hyphenate=c.kind == "text"))
            for c, w in zip(cols, inner, strict=True)]
    numbers = [str(i) for i in range(1, len(cols) + 1)]
    groups: list = []
    for row in content.matrix:
        if not groups or groups[-1][0] != row.strategy:
            groups.append((row.strategy, []))
        groups[-1][1].append(row)

    def table(strategy, rows, header: bool, total: bool) -> Table:
        data, centred = ([head, numbers] if header else []), {}
        for row in rows:
            cells = []
            for i, (c, v) in enumerate(zip(cols, row.values, strict=True)):
                text = number_text(c, v)
                if text is None:  # text, broken into lines here (fit.wrap): plain strings
                    cells.append("\n".join(wrap(v, st.CONDENSED, size, inner[i],
                                                 c.hyphenate)) if v else "")
                else:
                    cells.append(text)
                    if text == "-":  # centred in its column, whatever its alignment
                        centred[(i, len(data))] = {"alignment": "CENTER"}
            cells[1] = str(strategy[0])
            head_line, tail = _code_lines(row.values[CODE_COLUMN])
            cells[CODE_COLUMN] = f"{head_line}\n{tail}" if tail else head_line
            data.append(cells)
        if total:
            last_row = [number_text(c, v, bold=True) or "" for c, v in
                        zip(cols, content.matrix_total, strict=True)]
            last_row[1] = "JUMLAH"
            data.append(last_row)
        return plain_table(data, _matrix_style(cols, total, factor, top=2 if header else 0),
                           widths, overrides=centred, repeatRows=2 if header else 0)

    for g, (strategy, rows) in enumerate(groups):
        last = g == len(groups) - 1
        size_of = chunk or len(rows) or 1
        pieces = [rows[i:i + size_of] for i in range(0, len(rows), size_of)] or [[]]
        # The heading band never ends a page without the first rows of its table.
        yield CondPageBreak(30 * mm)
        yield _strategy_heading(strategy, widths, st.scaled(st.MX_B, factor))
        for n, piece in enumerate(pieces):
            total = last and n == len(pieces) - 1
            if n == 0:
                yield table(strategy, piece, True, total)
            else:
                yield Continued(lambda header, skip, s=strategy, p=piece, t=total:
                                table(s, p[skip:], header, t))

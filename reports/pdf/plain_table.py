"""Tables of plain-string cells made without reportlab's per-cell work (issue 25, the report at L).

A reportlab Table gives every cell a CellStyle of its own and applies each style command to
each cell of its range (at L, 12.7 million calls for the matrix and the lokus annex), and it
measures every row again at each wrap and page split. Here the cell commands are applied once
per band of rows that the commands treat alike (the header, the body, the totals row) and
column, and cells share their band's style; the row heights are computed once, with
reportlab's own rule for a plain string (lines x leading + paddings), and handed to the Table,
so it never measures a row. The table drawn is the same: `tests/test_report_plain_table.py`
compares its cell styles and row heights with reportlab's.
"""
from reportlab.platypus import Table, TableStyle
from reportlab.platypus.tables import CellStyle, _isLineCommand, _setCellStyle

NOT_CELL = ("BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT",
            "ROUNDEDCORNERS")


def _is_cell_command(cmd) -> bool:
    return cmd[0] not in NOT_CELL and not _isLineCommand(cmd)


def _norm(index: int, size: int) -> int:
    return index + size if index < 0 else index


def plain_table(data: list[list[str]], style: TableStyle, col_widths, *,
                overrides: dict | None = None, **table_args) -> Table:
    """A Table of `data` (plain strings only) styled by `style`, as `Table(data, ...)` then
    `setStyle(style)` would be. `overrides` {(col, row): {attribute: value}} changes single
    cells' styles (e.g. a "-" centred in a right-aligned column) without a command per cell."""
    nrows, ncols = len(data), len(col_widths)
    cmds = list(style.getCommands())
    cell_cmds = []
    for cmd in cmds:
        if not _is_cell_command(cmd):
            continue
        op, (sc, sr), (ec, er) = cmd[:3]
        if isinstance(sr, str) or isinstance(er, str):  # splitfirst/splitlast: reportlab's way
            raise ValueError(f"plain_table cannot take {cmd!r}")
        # reportlab's normCellRange: negative from the end, clamped to the table
        sc, ec = max(0, _norm(sc, ncols)), min(ncols - 1, _norm(ec, ncols))
        sr, er = max(0, _norm(sr, nrows)), min(nrows - 1, _norm(er, nrows))
        cell_cmds.append((op, sc, ec, sr, er, cmd[3:]))
    # Bands: rows between two range boundaries are styled alike by every command.
    cuts = sorted({0, nrows} | {sr for *_, sr, _, _ in cell_cmds}
                  | {er + 1 for *_, er, _ in cell_cmds})
    cuts = [c for c in cuts if 0 <= c <= nrows]
    band_styles: list[list[CellStyle]] = []
    row_band: list[int] = []
    for b, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        styles = []
        for j in range(ncols):
            cell = [[CellStyle(repr((start, j)))]]
            for op, sc, ec, sr, er, values in cell_cmds:
                if sc <= j <= ec and sr <= start <= er:
                    _setCellStyle(cell, 0, 0, op, values)
            styles.append(cell[0][0])
        band_styles.append(styles)
        row_band.extend([b] * (end - start))
    cell_styles = [list(band_styles[row_band[i]]) for i in range(nrows)]
    copies: dict = {}
    for (j, i), changes in (overrides or {}).items():
        key = (row_band[i], j, tuple(sorted(changes.items())))
        if key not in copies:
            base = band_styles[row_band[i]][j]
            copy = CellStyle(base.name, base)
            for name, value in changes.items():
                setattr(copy, name, value)
            copies[key] = copy
        cell_styles[i][j] = copies[key]
    heights = [_row_height(row, styles) for row, styles in zip(data, cell_styles, strict=True)]
    t = Table(data, colWidths=col_widths, rowHeights=heights, cellStyles=cell_styles,
              **table_args)
    t.setStyle(TableStyle([c for c in cmds if not _is_cell_command(c)]))
    return t


def _row_height(row, styles) -> float:
    """reportlab's height of a row of plain strings (Table._calc_height, the same arithmetic
    in the same order, so the same float)."""
    h = 0
    for v, s in zip(row, styles, strict=True):
        if not isinstance(v, str):
            raise TypeError("plain_table takes plain strings only")
        t = (s.leading or 1.2 * s.fontsize) * len(v.split("\n"))
        t += s.bottomPadding + s.topPadding
        if t > h:
            h = t
    return h


__all__ = ["plain_table"]

"""Cells of every workbook Tagar writes: number formats (Rupiah with or without sen, percent,
count), the boxed and wrapped cell style, header rows, and the rule that a money column shows
sen only when one of its amounts has sen (a per-cell choice would misalign a column's digits).
Text always goes through `xlsx_writer`, so user text never becomes a formula."""
from copy import copy
from decimal import Decimal
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from app.core import xlsx_writer

RUPIAH = '"Rp" #,##0'
RUPIAH_SEN = '"Rp" #,##0.00'
PERCENT = '0.00'
COUNT = '#,##0'

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
FILL = PatternFill("solid", fgColor="E6E6E6")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")

NUMBER_FORMATS = {"money": RUPIAH, "pct": PERCENT, "count": COUNT}


def put(ws, row: int, col: int, value, kind: str = "text", bold=False):
    """Write one cell: numbers as numbers with their format, text neutralised."""
    cell = ws.cell(row=row, column=col)
    if kind == "target" and value is not None:
        count, unit = value
        unit = unit.replace('"', "").replace("\\", "")
        _style(cell, f'#,##0" {unit}"' if unit else COUNT, False, bold)
        cell.value = count
    elif kind in NUMBER_FORMATS and value is not None:
        _style(cell, NUMBER_FORMATS[kind], False, bold)
        cell.value = value
    else:
        _style(cell, None, True, bold)
        xlsx_writer.put(ws, row, col, "" if value is None else str(value))
    return cell


# Workbook -> {(number format, wrapped text, bold): the style of the first cell so styled}.
_STYLES: "WeakKeyDictionary[Workbook, dict]" = WeakKeyDictionary()


def _style(cell, number_format: str | None, text: bool, bold: bool) -> None:
    """Box, alignment, font and number format of a table cell. openpyxl hashes every style
    object on each assignment (about 70 % of a large export's time), so each combination is
    set once per workbook and its style ids are copied to the next cells."""
    styles = _STYLES.setdefault(cell.parent.parent, {})
    key = (number_format, text, bold)
    style = styles.get(key)
    if style is not None:
        cell._style = copy(style)
        return
    if number_format:
        cell.number_format = number_format
    if text:
        cell.alignment = WRAP
    cell.border = BOX
    if bold:
        cell.font = BOLD
    styles[key] = copy(cell._style)


def put_row(ws, row: int, values, kinds, bold=False):
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True), 1):
        put(ws, row, col, value, kind, bold=bold)


def header(ws, row: int, labels, fill=FILL):
    for col, label in enumerate(labels, 1):
        cell = put(ws, row, col, label, bold=True)
        cell.fill = fill
        cell.alignment = HEAD_ALIGN


def money_formats(ws) -> None:
    """Sen where a column has any (see the module docstring)."""
    with_sen = set()
    for cell in ws._cells.values():
        if cell.number_format == RUPIAH and isinstance(cell.value, Decimal | float) and \
                Decimal(str(cell.value)) != Decimal(str(cell.value)).to_integral_value():
            with_sen.add(cell.column)
    for cell in ws._cells.values():
        if cell.number_format == RUPIAH and cell.column in with_sen:
            cell.number_format = RUPIAH_SEN


# Excel's paper codes: 9 is A4; 14 is Folio 8.5 x 13 in, the F4 offices print on.
PAPER_CODES = {"A4": 9, "F4": 14}


TEMPLATE_HEAD = PatternFill("solid", fgColor="DCE8F5")
TEMPLATE_HINT = Font(italic=True, color="5B6775")


def template_header(ws) -> None:
    """An import template's look: bold headers on row 1, the italic instructions on row 2."""
    for cell in ws[1]:
        cell.font = BOLD
        cell.fill = TEMPLATE_HEAD
    for cell in ws[2]:
        cell.font = TEMPLATE_HINT
        cell.alignment = WRAP

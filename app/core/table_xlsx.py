"""A page's table as an XLSX sheet: the one helper behind every "Unduh XLSX" link of a table
page (dashboard sections, anomalies, lokus desa, the review queue, the compliance board, the
sub kegiatan list).

A page hands over what it shows: a title, the filters that produced it (written above the
table, so a sheet passed around still says what it is), the column headers with the kind of
each column, the rows and, where the page has one, the total row. Numbers stay numbers: money
as Rupiah (`"Rp" #,##0`, with sen where a column holds any, as the report XLSX does),
percentages and counts with their formats. Text goes through `xlsx_writer`, so user text never
becomes a formula, and the workbook is saved by `xlsx_writer.to_bytes()`."""
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.core import xlsx_writer
from app.core.xlsx_cells import BOLD, TITLE, header, money_formats, put

# Column kinds: "text", "money" (Rupiah), "pct" (two decimals), "count" (thousands separator).
WIDTHS = {"text": 30, "money": 22, "pct": 10, "count": 12}
FILTER_LABEL = "Filter"


@dataclass
class Column:
    label: str
    kind: str = "text"
    width: int | None = None


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    filters: list[tuple[str, str]] = field(default_factory=list)
    total: list | None = None  # the page's own total row, if it has one
    sheet: str = ""  # sheet name (Excel allows 31 characters); the title's start by default
    frozen_columns: int = 0  # columns that stay in view when scrolling right (e.g. the OPD)


def add_sheet(wb: Workbook, table: Table, first: bool = False):
    """Write one table on a new sheet (or the workbook's first): title, filters, header, rows,
    total; frozen header, printed landscape, fit to width, header repeated on every page."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = _sheet_name(table.sheet or table.title, wb)
    xlsx_writer.put(ws, 1, 1, table.title).font = TITLE
    row = 2
    for label, value in table.filters:
        xlsx_writer.put(ws, row, 1, f"{label}:").font = BOLD
        xlsx_writer.put(ws, row, 2, value)
        row += 1
    row += 1
    header(ws, row, [c.label for c in table.columns])
    head_row = row
    kinds = [c.kind for c in table.columns]
    for values in table.rows:
        row += 1
        _put_row(ws, row, values, kinds)
    if table.total is not None:
        row += 1
        _put_row(ws, row, table.total, kinds, bold=True)
    money_formats(ws)
    for i, col in enumerate(table.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width or WIDTHS.get(col.kind, 14)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=table.frozen_columns + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{head_row}:{head_row}"
    return ws


def _put_row(ws, row: int, values, kinds, bold=False):
    if len(values) != len(kinds):
        raise ValueError(f"row has {len(values)} cells for {len(kinds)} columns")
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True), 1):
        put(ws, row, col, value, kind, bold=bold)


def _sheet_name(name: str, wb: Workbook) -> str:
    # Excel forbids []:*?/\ in sheet names and allows 31 characters; names must be unique.
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Tabel"
    taken = {ws.title for ws in wb.worksheets if ws.title != "Sheet"}
    candidate, n = base, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    return candidate


def workbook(tables: list[Table]) -> bytes:
    """The tables, one sheet each, as XLSX bytes (through the shared writer)."""
    wb = Workbook()
    for i, table in enumerate(tables):
        add_sheet(wb, table, first=i == 0)
    return xlsx_writer.to_bytes(wb)

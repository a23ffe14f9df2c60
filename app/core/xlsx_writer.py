"""The one way Tagar writes an XLSX: user text can never become a live formula.

Every workbook the app hands out (the quarterly report, the compliance board, the import
template) goes through `to_bytes()`, which sweeps every cell before saving. Text that a
spreadsheet would read as a formula or a DDE call - starting with `=`, `+`, `-`, `@`, or a tab
or carriage return that some programs skip before looking for `=` - is stored as a plain *string
cell* (`t="s"`, openpyxl's data_type "s") with the cell style's `quotePrefix` set:

- the stored text is exactly what the user typed (no apostrophe or space added to the value,
  so a report still shows `-` and an OPD name reads as entered, and a round trip is lossless);
- Excel and LibreOffice display a string cell as text and never evaluate it; `quotePrefix` is
  the flag Excel itself sets when one types `'=...`, so editing the cell and pressing Enter keeps
  it text instead of turning it into a formula at that moment.

openpyxl, by contrast, takes any assigned string starting with `=` for a formula (data_type "f")
and writes it as one: `=HYPERLINK("http://...","klik")` in an OPD name became a live link in the
compliance XLSX. Tagar writes no formulas of its own, so a formula cell at save time can only
be user text and is turned back into a string. Numbers (int, Decimal, float) are left alone and
stay numbers. Control characters that the XLSX format cannot hold (openpyxl raises on them) are
replaced by U+FFFD when written through `put()`/`append_row()`, so a stray byte in a name cannot
turn an export into a 500.
"""
from io import BytesIO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(value):
    """The value as a cell may hold it: text without control characters XLSX forbids."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def neutralise(cell):
    """Make a text cell that looks like a formula plain text (see the module docstring)."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_START)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(ws, row: int, column: int, value):
    """Write one cell safely and return it."""
    cell = ws.cell(row=row, column=column)
    cell.value = clean(value)
    return neutralise(cell)


def append_row(ws, values) -> int:
    """`ws.append()` with cleaned values and neutralised text; returns the row number."""
    ws.append([clean(v) for v in values])
    row = ws.max_row
    for cell in ws[row]:
        neutralise(cell)
    return row


def to_bytes(wb) -> bytes:
    """Save the workbook after one last sweep: no cell of any sheet leaves as a formula."""
    for ws in wb.worksheets:
        # _cells holds only the cells that exist; iter_rows() would create every empty one.
        for cell in ws._cells.values():
            neutralise(cell)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

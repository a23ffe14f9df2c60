"""Read the rows of an uploaded .xlsx or .csv safely: size and row limits, no formula evaluated.

openpyxl opens the workbook read-only with `data_only=True`: a formula cell gives the value Excel
cached for it, never a recomputation; a text cell that merely looks like a formula stays text
(the importer warns about it). Cells come back as str (stripped), int, float, or None.
"""
import csv
import io
import warnings
import zipfile
from datetime import date, datetime

from . import ServiceError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # data rows, not counting the header, instructions and blank rows
MAX_COLS = 40
HEADER_WINDOW = 12  # rows above the data a title, header and instructions may take
MAX_SCANNED = 50_000  # blank rows included: a sheet padded to a million rows is refused early


class SheetError(ServiceError):
    """The file as a whole cannot be read; the message says why, in Indonesian."""


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number as the user sees it, cells) of every non-blank row of the first sheet."""
    ext = extension(filename)
    if ext == "xls":
        raise SheetError("Format .xls lama tidak didukung; simpan ulang berkas sebagai .xlsx.")
    if ext not in ("xlsx", "csv"):
        raise SheetError("Hanya berkas .xlsx atau .csv yang dapat diimpor.")
    if not data:
        raise SheetError("Berkas kosong.")
    if len(data) > MAX_BYTES:
        raise SheetError(f"Ukuran berkas {len(data) / 1024 / 1024:.1f} MB melebihi batas 5 MB. "
                         "Bagi berkas menjadi beberapa bagian.")
    source = _xlsx(data) if ext == "xlsx" else _csv(data)
    rows = []
    for number, cells in source:
        if number > MAX_SCANNED:
            raise SheetError(f"Berkas berisi lebih dari {MAX_SCANNED:,} baris.".replace(",", "."))
        cells = [_clean(c) for c in cells[:MAX_COLS]]
        if all(c is None for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + HEADER_WINDOW:
            break
    if not rows:
        raise SheetError("Berkas tidak berisi data.")
    return rows


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "YA" if value else "TIDAK"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # odd styles in exported files are not our concern
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError("Berkas bukan file Excel .xlsx yang valid (mungkin rusak atau "
                         "berformat lain).") from exc
    except Exception as exc:  # openpyxl raises its own types for many broken archives
        raise SheetError("Berkas .xlsx tidak dapat dibaca.") from exc
    try:
        ws = wb.worksheets[0]
        for number, cells in enumerate(ws.iter_rows(max_col=MAX_COLS, values_only=True), 1):
            yield number, list(cells)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError("Isi berkas .xlsx rusak dan tidak dapat dibaca.") from exc
    finally:
        wb.close()


def _csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel on Windows saves CSV this way
    if "\x00" in text:
        raise SheetError("Berkas CSV berisi karakter biner; pastikan berkas berupa teks.")
    first = text.split("\n", 1)[0]
    # Indonesian Excel writes `;` (the comma is the decimal mark); others write `,`.
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as exc:
        raise SheetError(f"Berkas CSV tidak dapat dibaca: {exc}.") from exc

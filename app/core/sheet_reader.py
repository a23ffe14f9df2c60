"""The one reader of uploaded spreadsheets (.xlsx and .csv), bounded before and while it reads.

Every import reads its file here (the sub-activity import through `read_rows`, the P3KE/DTSEN
import through `iter_rows`, each with its own `SheetLimits`). A spreadsheet is a hostile input:
an .xlsx is a zip whose members may expand a thousandfold, whose `<dimension>` may claim a
million rows, and whose one row may hold millions of cells that openpyxl keeps in memory until
the row ends. So, before openpyxl parses anything, the archive is checked from its directory
(member count, expanded size, compression ratio, size of the parts openpyxl reads whole) and its
XML streamed once (no DTD, no UTF-16, at most Excel's 16,384 cells in a row, a bounded number of
distinct texts, which openpyxl loads before the first row); then the rows are streamed with the
sheet's dimension ignored, counting scanned rows, kept rows, columns and seconds. The first
limit met refuses the whole file with a message naming it; the callers write nothing.

openpyxl opens the workbook read-only with `data_only=True`: a formula cell gives the value Excel
cached for it, never a recomputation; a text cell that merely looks like a formula stays text
(the importer warns about it). Cells come back as str (stripped), int, float, or None.
"""
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from app.core.upload_guard import Deadline, UploadError, check_size, megabytes, number

# The sub-activity (SIPD) import's limits; `default_limits()` reads them at call time.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # data rows, not counting the header, instructions and blank rows
MAX_COLS = 60
HEADER_WINDOW = 12  # rows above the data a title, header and instructions may take
MAX_SCANNED = 50_000  # blank rows included: a sheet padded to a million rows is refused early
MAX_EXPANDED = 40 * 1024 * 1024
MAX_STRINGS = 100_000  # distinct texts; openpyxl reads them all first, about 16 µs each
MAX_SECONDS = 10.0

# What no genuine workbook does, whatever the import.
MAX_MEMBERS = 1000
MAX_RATIO = 100  # expanded / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PART = 2 * 1024 * 1024  # members openpyxl parses whole (styles, workbook): about 1 s
STREAMED_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")
MAX_CELLS_PER_ROW = 16_384  # Excel's own column limit
MAX_LINE_CHARS = 100_000  # one CSV line
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int  # the file as uploaded (compressed, for .xlsx)
    max_expanded: int  # .xlsx: all members together once extracted
    max_rows: int  # non-blank data rows (a header window of HEADER_WINDOW rows comes on top)
    max_cols: int  # columns read; a value further right refuses the file
    max_scanned: int  # rows walked, blank rows included
    max_strings: int  # .xlsx: distinct texts (shared strings), read before any row
    max_seconds: float


def default_limits() -> SheetLimits:
    return SheetLimits(MAX_BYTES, MAX_EXPANDED, MAX_ROWS, MAX_COLS, MAX_SCANNED, MAX_STRINGS,
                       MAX_SECONDS)


class SheetError(UploadError):
    """The file as a whole cannot be read; the message says why, in Indonesian."""


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def read_rows(filename: str, data: bytes,
              limits: SheetLimits | None = None) -> list[tuple[int, list]]:
    """(row number as the user sees it, cells) of every non-blank row of the first sheet."""
    return list(iter_rows(filename, data, limits))


def iter_rows(filename: str, data: bytes, limits: SheetLimits | None = None):
    """The same rows, streamed: for files whose rows must not all be held at once."""
    limits = limits or default_limits()
    ext = extension(filename)
    if ext == "xls":
        raise SheetError("Format .xls lama tidak didukung; simpan ulang berkas sebagai .xlsx.")
    if ext not in ("xlsx", "csv"):
        raise SheetError("Hanya berkas .xlsx atau .csv yang dapat diimpor.")
    if not data:
        raise SheetError("Berkas kosong.")
    check_size(len(data), limits.max_bytes, SheetError)
    deadline = Deadline(limits.max_seconds, SheetError)
    source = _xlsx(data, limits, deadline) if ext == "xlsx" else _csv(data)
    width, kept = limits.max_cols, 0
    for row_number, cells in source:
        if row_number > limits.max_scanned:
            raise SheetError(f"Berkas berisi lebih dari {number(limits.max_scanned)} baris "
                             "(baris kosong ikut dihitung).")
        if row_number % 256 == 0:
            deadline.check()
        if cells.count(None) == len(cells):  # blank (a gap openpyxl fills): cheap to skip
            continue
        if len(cells) > width and any(c not in (None, "") for c in cells[width:]):
            raise SheetError(f"Baris {row_number} berisi data di luar batas {width} kolom. "
                             "Hapus kolom yang tidak dipakai.")
        cells = [_clean(c) for c in cells[:width]]
        if all(c is None for c in cells):
            continue
        kept += 1
        if kept > limits.max_rows + HEADER_WINDOW:
            raise SheetError(f"Berkas berisi lebih dari {number(limits.max_rows)} baris data; "
                             "bagi menjadi beberapa berkas.")
        yield row_number, cells
    if not kept:
        raise SheetError("Berkas tidak berisi data.")


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "YA" if value else "TIDAK"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# --- xlsx ----------------------------------------------------------------------------------

NOT_XLSX = "Berkas bukan file Excel .xlsx yang valid (mungkin rusak atau berformat lain)."
BROKEN = "Isi berkas .xlsx rusak dan tidak dapat dibaca."


def _xlsx(data: bytes, limits: SheetLimits, deadline: Deadline):
    from openpyxl import load_workbook

    scanned = check_archive(data, limits, deadline)
    try:
        with warnings.catch_warnings():  # odd styles in exported files are not our concern
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError(NOT_XLSX) from exc
    except Exception as exc:  # openpyxl raises its own types for many broken archives
        raise SheetError("Berkas .xlsx tidak dapat dibaca.") from exc
    try:
        if not wb.worksheets:
            raise SheetError("Berkas .xlsx tidak memiliki lembar kerja.")
        ws = wb.worksheets[0]
        path = (getattr(ws, "_worksheet_path", None) or "").lstrip("/") or None
        if path is not None and path not in scanned:  # a sheet stored off the usual folder
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                _scan(archive, archive.getinfo(path), deadline, True, limits.max_strings)
        # The <dimension> is the file's claim, not a fact: too large (A1:XFD1048576), rows
        # are padded to 16,384 cells; too small, openpyxl stops early. Rows are counted instead.
        ws.reset_dimensions()
        rows = ws.iter_rows(max_col=limits.max_cols + 1, values_only=True)
        for row_number, cells in enumerate(rows, 1):
            yield row_number, list(cells)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise SheetError(BROKEN) from exc
    finally:
        wb.close()


def check_archive(data: bytes, limits: SheetLimits, deadline: Deadline) -> set[str]:
    """Refuse an archive that no genuine workbook resembles, from its directory first, then by
    streaming its XML once; the names of the worksheet members scanned for cells per row."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise SheetError(f"Berkas .xlsx berisi lebih dari {number(MAX_MEMBERS)} bagian.")
            expanded = sum(m.file_size for m in members)
            if expanded > limits.max_expanded:
                raise SheetError(f"Isi berkas melebihi batas {megabytes(limits.max_expanded)} "
                                 "setelah diekstrak.")
            for m in members:
                if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                    raise SheetError(
                        f"Berkas .xlsx tidak wajar: bagian {m.filename[:60]} mengembang lebih "
                        f"dari {MAX_RATIO} kali saat diekstrak.")
                if m.file_size > MAX_PART and not m.filename.startswith(STREAMED_PARTS):
                    raise SheetError(f"Bagian {m.filename[:60]} pada berkas .xlsx melebihi batas "
                                     f"{megabytes(MAX_PART)}.")
            scanned = set()
            for m in members:
                if m.filename.lower().endswith((".xml", ".rels")):
                    sheet = m.filename.startswith("xl/worksheets/")
                    _scan(archive, m, deadline, sheet, limits.max_strings)
                    if sheet:
                        scanned.add(m.filename)
            return scanned
    except SheetError:
        raise
    except zipfile.BadZipFile as exc:
        raise SheetError(NOT_XLSX) from exc
    except Exception as exc:  # zlib.error, encrypted or unsupported members, truncated data
        raise SheetError(BROKEN) from exc


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: Deadline,
          cells: bool, max_strings: int) -> None:
    """Stream one XML member: UTF-8 (what every spreadsheet program writes, and what the byte
    checks below can read), no DTD (entities could expand inside the parser), and, for a
    worksheet, no row with more cells than Excel allows; no more distinct texts (`<si>`) than the
    limit. zipfile stops at the size the directory declares, so the directory's figures hold."""
    tail, in_row, strings = b"", 0, 0
    with archive.open(member) as stream:
        first = True
        while chunk := stream.read(CHUNK):
            deadline.check()
            if first:
                start = chunk.removeprefix(b"\xef\xbb\xbf").lstrip()[:2]
                if start[:1] != b"<" or start[1:2] == b"\x00":
                    raise SheetError(f"Bagian {member.filename[:60]} pada berkas .xlsx bukan "
                                     "XML UTF-8.")
                first = False
            buffer = tail + chunk  # the tail catches a marker split between two chunks
            if b"<!DOCTYPE" in buffer or b"<!ENTITY" in buffer:
                raise SheetError("Berkas .xlsx berisi deklarasi DTD yang tidak diizinkan.")
            if cells:
                in_row = _cells_per_row(buffer, in_row)
            strings += _texts(buffer) - _texts(tail)  # exact: the tail was counted before
            if strings > max_strings:
                raise SheetError(f"Berkas .xlsx berisi lebih dari {number(max_strings)} teks "
                                 "berbeda.")
            tail = buffer[-9:]


def _texts(part: bytes) -> int:
    return part.count(b"<si") + part.count(b":si")


def _cells_per_row(buffer: bytes, in_row: int) -> int:
    """Cells counted in the row still open at the end of `buffer`. Counts `<c` and `:c` (a
    prefixed `<x:c`): an over-count is harmless against a limit of 16,384; rows end at `row>`."""
    def count(part: bytes) -> int:
        return part.count(b"<c") + part.count(b":c")

    parts = buffer.split(b"row>")
    finished = [in_row + count(parts[0])]
    middle = parts[1:-1]
    # A part shorter than 2 x the limit cannot hold more cells than the limit: skip counting.
    if middle and len(max(middle, key=len)) >= 2 * MAX_CELLS_PER_ROW:
        finished += [count(p) for p in middle]
    in_row = count(parts[-1]) if len(parts) > 1 else finished.pop()
    if finished and max(finished) > MAX_CELLS_PER_ROW:
        in_row = max(finished)
    if in_row > MAX_CELLS_PER_ROW:
        raise SheetError(f"Satu baris pada berkas .xlsx berisi lebih dari "
                         f"{number(MAX_CELLS_PER_ROW)} sel.")
    return in_row


# --- csv -----------------------------------------------------------------------------------

def _csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel on Windows saves CSV this way
    if "\x00" in text:
        raise SheetError("Berkas CSV berisi karakter biner; pastikan berkas berupa teks.")
    first = text[:MAX_LINE_CHARS].split("\n", 1)[0]
    # Indonesian Excel writes `;` (the comma is the decimal mark); others write `,`.
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(_lines(text), delimiter=delimiter)
    try:
        yield from enumerate(reader, 1)
    except csv.Error as exc:
        raise SheetError(f"Berkas CSV tidak dapat dibaca: {exc}.") from exc


def _lines(text: str):
    """The lines of the text, none longer than MAX_LINE_CHARS (a line of a million commas would
    otherwise become a row of a million cells before the column limit could see it)."""
    for line_number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > MAX_LINE_CHARS:
            raise SheetError(f"Baris {line_number} pada berkas CSV lebih dari "
                             f"{number(MAX_LINE_CHARS)} karakter.")
        yield line

"""Set up a kabupaten from files: its OPDs, its kecamatan and desa, its users (issue 15).

Shaped like the sub-activity import (services/sipd_import.py): `build_plan` reads the file
through the one bounded reader and says, row by row, what would be created, updated or left
unchanged and what is wrong, writing nothing; `apply_plan` writes a plan without errors, all of
it (the caller commits once; one bad row means nothing is written). Rows are matched by their
natural key (OPD code, area code, username), so the same file imported twice changes nothing
the second time, and a corrected file updates what the first one made. A column missing from
the file leaves that field of existing rows as it is.

New users get a temporary password, returned once by `apply_plan` (shown on the result page
or printed by the CLI, never stored in clear) and must choose their own at first login.
The rules of each kind live in setup_rows.py; the plan's shapes in setup_plan.py.
"""

from openpyxl import Workbook

from app.budget.services.sipd_import import Issue, normalize  # one row-error shape for every import
from app.core import xlsx_writer
from app.core.errors import ServiceError
from app.core.sheet_reader import HEADER_WINDOW, SheetError, SheetLimits, read_rows
from app.core.xlsx_cells import template_header
from app.setup.services.setup_plan import Kind, RowPlan, SetupPlan, SetupResult
from app.setup.services.setup_rows import KINDS

# Small files: 33 OPDs, a few hundred desa, a few dozen users. Generous, still bounded.
LIMITS = SheetLimits(max_bytes=2 * 1024 * 1024, max_expanded=20 * 1024 * 1024, max_rows=5000,
                     max_cols=20, max_scanned=20_000, max_strings=50_000, max_seconds=10.0)
FORMULA_START = ("=", "+", "-", "@")


def kinds() -> dict[str, Kind]:
    return KINDS


def get_kind(name: str) -> Kind:
    try:
        return kinds()[name]
    except KeyError:
        raise ServiceError("Jenis berkas penyiapan tidak dikenal.") from None


def build_plan(kind_name: str, filename: str, data: bytes, *, actor=None) -> SetupPlan:
    kind = get_kind(kind_name)
    plan = SetupPlan(kind, filename=filename, actor=actor)
    try:
        rows = read_rows(filename, data, LIMITS)
    except SheetError as exc:
        plan.errors.append(Issue(None, "", exc.message))
        return plan
    found = _find_header(kind, rows)
    if found is None:
        names = ", ".join(c.header for c in kind.columns if c.required)
        plan.errors.append(Issue(None, "", (
            f"Baris judul kolom tidak ditemukan. Gunakan templat {kind.label} dengan kolom "
            f"{names}, dan seterusnya.")))
        return plan
    index, columns, unknown = found
    missing = [c.header for c in kind.columns if c.required and c.key not in columns]
    if missing:
        plan.errors.append(Issue(None, "", "Kolom wajib tidak ada: " + ", ".join(missing) + "."))
        return plan
    if unknown:
        plan.warnings.append(Issue(None, "", "Kolom diabaikan: " + ", ".join(unknown) + "."))
    plan.present = set(columns)
    body = [(n, c) for n, c in rows[index + 1:] if not _is_comment(c)]
    if not body:
        plan.errors.append(Issue(None, "", "Tidak ada baris data di bawah judul kolom."))
        return plan
    seen: dict[str, int] = {}
    key_label = kind.column(kind.key).header
    for number, cells in body:
        row = _read_row(plan, number, cells, columns)
        plan.rows.append(row)
        if not row.key:
            continue
        if row.key in seen:
            plan.error(row, key_label, f"{key_label} ganda; sudah ada di baris {seen[row.key]}.")
        else:
            seen[row.key] = number
    kind.planner(plan, [r for r in plan.rows if r.action != "error"])
    return plan


def apply_plan(plan: SetupPlan, *, note: str = "", actor=None) -> SetupResult:
    """Write every row of an error-free plan (flushes; the caller commits once)."""
    if not plan.ok:
        raise ServiceError("Berkas masih berisi galat; tidak ada data yang disimpan.")
    result = plan.kind.applier(plan, note or f"Impor berkas {plan.filename}", actor)
    result.unchanged = plan.count("unchanged")
    return result


def _find_header(kind: Kind, rows):
    of = {alias: c.key for c in kind.columns for alias in (normalize(c.header), *c.aliases)}
    needed = {c.key for c in kind.columns if c.required} | {kind.key}
    for i, (_n, cells) in enumerate(rows[:HEADER_WINDOW]):
        names = [normalize(c) for c in cells]
        keys = {of[h] for h in names if h in of}
        if kind.key in keys and len(keys & needed) >= min(2, len(needed)):
            columns, unknown = {}, []
            for idx, h in enumerate(names):
                if h in of:
                    columns.setdefault(of[h], idx)
                elif h:
                    unknown.append(str(cells[idx])[:40])
            return i, columns, unknown
    return None


def _is_comment(cells) -> bool:
    first = next((c for c in cells if c is not None), "")
    return isinstance(first, str) and first.lower().startswith(("petunjuk", "#"))


def _read_row(plan: SetupPlan, number: int, cells: list, columns: dict[str, int]) -> RowPlan:
    values = {}
    row = RowPlan(number, "", "", action="")
    for col in plan.kind.columns:
        idx = columns.get(col.key)
        if idx is None:
            continue
        value = cells[idx] if idx < len(cells) else None
        if isinstance(value, float):
            if not value.is_integer():
                plan.error(row, col.header, "Berisi angka pecahan; tulis sebagai teks.")
                continue
            if abs(value) >= 2 ** 53:  # Excel kept 15 digits of an 18-digit NIP
                plan.error(row, col.header, "Angka terlalu panjang dan telah dibulatkan oleh "
                                            "spreadsheet; tulis sebagai teks (awali dengan ').")
                continue
            value = int(value)
        text = "" if value is None else str(value).replace("\x00", "").strip()
        if col.limit and len(text) > col.limit:
            plan.error(row, col.header, f"Terlalu panjang (paling banyak {col.limit} karakter).")
            text = text[:col.limit]
        if text.startswith(FORMULA_START) and col.key != plan.kind.key:
            plan.warnings.append(Issue(number, col.header, (
                f"Diawali '{text[0]}': disimpan sebagai teks apa adanya, tidak dihitung.")))
        if col.required and not text:
            plan.error(row, col.header, "Wajib diisi.")
        values[col.key] = text
    row.values = values
    row.key = values.get(plan.kind.key, "")
    if plan.kind.key_lower:
        row.key = values[plan.kind.key] = row.key.lower()
    row.label = values.get("name", "")
    return row


def build_template(kind_name: str) -> bytes:
    """The kind's template: a header row, an instructions row the import skips, and reference
    sheets (the OPD codes for users, the allowed kinds)."""
    kind = get_kind(kind_name)
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label[:31]
    xlsx_writer.append_row(ws, [c.header for c in kind.columns])
    hints = [c.hint for c in kind.columns]
    hints[0] = "Petunjuk: isi mulai baris 3; baris ini diabaikan. " + hints[0]
    xlsx_writer.append_row(ws, hints)
    template_header(ws)
    for i, col in enumerate(kind.columns):
        ws.column_dimensions[chr(ord("A") + i)].width = max(14, min(45, (col.limit or 20) // 3))
    ws.freeze_panes = "A3"
    if kind.extra_sheets:
        kind.extra_sheets(wb)
    return xlsx_writer.to_bytes(wb)

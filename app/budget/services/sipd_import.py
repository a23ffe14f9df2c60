"""Import sub-activities from Tagar's template or a SIPD sub-kegiatan export.

`build_plan` reads the file and says, row by row, what would be created, updated or left
unchanged and what is wrong; it writes nothing. `apply_plan` writes a plan without errors, all
of it (the caller commits once). Rows are matched to existing sub-activities by code, so the
same file imported twice changes nothing the second time. Tags are added in the workspace.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import func, insert, select
from sqlalchemy import inspect as sa_inspect

from app.accounts.opd_status import ensure_opd_active
from app.budget.services.subactivities import allocation_of, code_errors
from app.core import audit
from app.core.errors import LockedError, ServiceError
from app.core.money import MoneyError, format_rupiah, parse_money
from app.core.sheet_reader import HEADER_WINDOW, MAX_ROWS, SheetError, read_rows
from app.cycle import locks
from models import ZERO, AuditLog, FundingSource, SubActivity, Tag, db

# Canonical field -> accepted headers (normalized: lower case, words joined by `_`).
ALIASES = {
    "code": ("kode_sub_kegiatan", "kode_sub_giat", "kode_subkegiatan", "kode_sub"),
    "name": ("nama_sub_kegiatan", "nama_sub_giat", "nama_subkegiatan", "nama_sub"),
    "program_code": ("kode_program",),
    "program_name": ("nama_program",),
    "activity_code": ("kode_kegiatan", "kode_giat"),
    "activity_name": ("nama_kegiatan", "nama_giat"),
    "allocation_original": ("pagu_murni", "pagumurni", "alokasi_murni"),
    "allocation_revised": ("pagu_perubahan", "alokasi_perubahan"),
    "allocation_current": ("pagu", "pagu_sub_giat", "pagu_sub_kegiatan", "alokasi"),
    "funding": ("sumber_dana", "nama_dana", "dana"),
    "output_indicator": ("indikator", "indikator_keluaran", "tolok_ukur", "tolok_ukur_keluaran"),
    "output_target": ("target", "target_keluaran"),
    "output_unit": ("satuan", "satuan_keluaran"),
    "location": ("lokasi", "lokasi_kegiatan"),
}
HEADER_OF = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
SIPD_ONLY = {"kode_sub_giat", "nama_sub_giat", "kode_giat", "nama_giat", "nama_dana",
             "pagumurni", "pagu"}
REQUIRED = ("code", "name", "program_name", "activity_name")
LIMITS = {"code": 40, "name": 400, "program_code": 40, "program_name": 400,
          "activity_code": 40, "activity_name": 400, "output_unit": 60}
LABELS = {"code": "kode", "name": "nama sub kegiatan", "program_code": "kode program",
          "program_name": "nama program", "activity_code": "kode kegiatan",
          "activity_name": "nama kegiatan", "allocation_original": "pagu murni",
          "allocation_revised": "pagu perubahan", "funding_source_id": "sumber dana",
          "output_indicator": "indikator", "output_target": "target",
          "output_unit": "satuan", "location": "lokasi"}
FORMULA_START = ("=", "+", "-", "@")
TEMPLATE_HEADERS = ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Kode Program", "Nama Program",
                    "Kode Kegiatan", "Nama Kegiatan", "Pagu Murni", "Pagu Perubahan",
                    "Sumber Dana", "Indikator Keluaran", "Target Keluaran", "Satuan Keluaran",
                    "Lokasi"]


@dataclass
class Issue:
    row: int | None  # None: the file as a whole
    column: str
    message: str


@dataclass
class RowPlan:
    row: int
    code: str
    name: str
    action: str = "error"  # create, update, unchanged, error
    values: dict = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    sa: SubActivity | None = None


@dataclass
class ImportPlan:
    fmt: str = ""
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> str:
        return (f"{self.count('create')} baru, {self.count('update')} diubah, "
                f"{self.count('unchanged')} tidak berubah, {len(self.errors)} galat, "
                f"{len(self.warnings)} peringatan")


def normalize(header) -> str:
    text = str(header or "").strip().lower()
    for ch in " .-/()":
        text = text.replace(ch, "_")
    return "_".join(p for p in text.split("_") if p)


def _find_header(rows) -> tuple[int, dict[str, int], list[str]] | None:
    for i, (_n, cells) in enumerate(rows[:HEADER_WINDOW]):
        names = [normalize(c) for c in cells]
        keys = {HEADER_OF[h] for h in names if h in HEADER_OF}
        if {"code", "name"} <= keys:
            columns, unknown = {}, []
            for idx, h in enumerate(names):
                if h in HEADER_OF:
                    columns.setdefault(HEADER_OF[h], idx)
                elif h:
                    unknown.append(str(cells[idx]))
            fmt = "SIPD" if SIPD_ONLY & set(names) else "Tagar"
            return i, columns, unknown, fmt
    return None


def build_plan(filename: str, data: bytes, opd_id: int, fiscal_year_id: int,
               on_rows=None) -> ImportPlan:
    """`on_rows(done, total)`: called as the rows are checked (the import job's progress)."""
    plan = ImportPlan()
    try:
        rows = read_rows(filename, data)
    except SheetError as exc:
        plan.errors.append(Issue(None, "", exc.message))
        return plan
    found = _find_header(rows)
    if found is None:
        plan.errors.append(Issue(None, "", (
            "Baris judul kolom tidak ditemukan. Gunakan templat Tagar atau ekspor SIPD dengan "
            "kolom kode_sub_giat, nama_sub_giat, pagu, dan seterusnya.")))
        return plan
    index, columns, unknown, plan.fmt = found
    missing = [ALIASES[k][0] for k in REQUIRED if k not in columns]
    if not ({"allocation_original", "allocation_current"} & columns.keys()):
        missing.append("pagu / pagu_murni")
    if missing:
        names = ", ".join(missing)
        plan.errors.append(Issue(None, "", f"Kolom wajib tidak ada: {names}."))
        return plan
    if unknown:
        plan.warnings.append(Issue(None, "", "Kolom diabaikan: " + ", ".join(unknown) + "."))
    body = [(n, c) for n, c in rows[index + 1:] if not _is_comment(c)]
    if len(body) > MAX_ROWS:
        plan.errors.append(Issue(None, "", f"Berkas berisi lebih dari {MAX_ROWS:,} baris data; "
                                 "bagi menjadi beberapa berkas.".replace(",", ".")))
        return plan
    if not body:
        plan.errors.append(Issue(None, "", "Tidak ada baris data di bawah judul kolom."))
        return plan
    _plan_rows(plan, body, columns, opd_id, fiscal_year_id, on_rows)
    return plan


def _is_comment(cells) -> bool:
    first = next((c for c in cells if c is not None), "")
    return isinstance(first, str) and first.lower().startswith(("petunjuk", "#"))


def _plan_rows(plan, body, columns, opd_id, fiscal_year_id, on_rows=None) -> None:
    funds = {}
    for fs in db.session.scalars(select(FundingSource)):
        funds[fs.code.lower()] = funds[fs.name.lower()] = fs.id
    fund_list = ", ".join(db.session.scalars(select(FundingSource.code).order_by(
        FundingSource.code)))
    existing = {sa.code: sa for sa in db.session.scalars(select(SubActivity).where(
        SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id))}
    tagged = dict(db.session.execute(
        select(Tag.sub_activity_id, func.sum(Tag.amount))
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)
        .group_by(Tag.sub_activity_id)).all())
    seen: dict[str, int] = {}
    step = max(1, len(body) // 100)
    for done, (number, cells) in enumerate(body):
        if on_rows is not None and done % step == 0:
            on_rows(done, len(body))
        reader = _RowReader(plan, number, cells, columns)
        row = reader.read(funds, fund_list)
        plan.rows.append(row)
        if row.code in seen:
            reader.error("code", f"Kode ganda; sudah ada di baris {seen[row.code]}.")
        elif row.code:
            seen[row.code] = number
        if reader.failed:
            continue
        sa = existing.get(row.code)
        if sa is None:
            row.action = "create"
            continue
        row.sa = sa
        have = Decimal(tagged.get(sa.id) or ZERO)
        if allocation_of(row.values) < have:
            reader.error("pagu", "Pagu lebih kecil dari jumlah yang sudah ditandai "
                                 f"({format_rupiah(have)}).")
            continue
        row.changes = [LABELS[k] for k, v in row.values.items() if getattr(sa, k) != v]
        row.action = "update" if row.changes else "unchanged"
    _check_lock(plan, opd_id, fiscal_year_id)


def _check_lock(plan, opd_id, fiscal_year_id) -> None:
    """Text edits pass a verified quarter; new lines and new allocations do not."""
    touches = any(r.action == "create" or (r.action == "update" and (
        {"pagu murni", "pagu perubahan"} & set(r.changes))) for r in plan.rows)
    if touches:
        try:
            locks.ensure_budget_unlocked(opd_id, fiscal_year_id)
        except LockedError as exc:
            plan.errors.append(Issue(None, "", exc.message))
    if plan.count("create"):
        try:
            ensure_opd_active(opd_id)  # issue 15: an inactive OPD takes no new sub kegiatan
        except ServiceError as exc:
            plan.errors.append(Issue(None, "", exc.message))


class _RowReader:
    """Reads one row's cells into model values, noting each problem with its column."""

    def __init__(self, plan, number, cells, columns):
        self.plan, self.number, self.cells, self.columns = plan, number, cells, columns
        self.failed = False

    def cell(self, key):
        idx = self.columns.get(key)
        return self.cells[idx] if idx is not None and idx < len(self.cells) else None

    def error(self, column, message):
        self.failed = True
        self.plan.errors.append(Issue(self.number, column, message))

    def text(self, key) -> str:
        value = self.cell(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
        if value.startswith(FORMULA_START):
            self.plan.warnings.append(Issue(self.number, LABELS.get(key, key), (
                f"Diawali '{value[0]}': disimpan sebagai teks apa adanya, tidak dihitung.")))
        limit = LIMITS.get(key)
        if limit and len(value) > limit:
            self.error(LABELS[key], f"Terlalu panjang (paling banyak {limit} karakter).")
        return value

    def money(self, key, column) -> Decimal | None:
        value = self.cell(key)
        if value is None:
            return None
        if isinstance(value, str) and value.startswith(("=", "@", "+")):
            self.error(column, f"Berisi rumus atau teks ({value[:30]}), bukan angka.")
            return None
        try:
            if isinstance(value, float):
                value = Decimal(str(value))  # openpyxl gives floats; str() keeps what was typed
            return parse_money(value if isinstance(value, Decimal | int) else str(value))
        except MoneyError as exc:
            self.error(column, "Target harus berupa angka, mis. 120." if column == "target"
                       else str(exc))
            return None

    def read(self, funds, fund_list) -> RowPlan:
        v = {k: self.text(k) for k in ("code", "name", "program_code", "program_name",
                                       "activity_code", "activity_name", "output_indicator",
                                       "output_unit", "location")}
        row = RowPlan(self.number, v["code"], v["name"])
        for key in REQUIRED:
            if not v[key]:
                self.error(LABELS[key], "Wajib diisi.")
        if v["code"]:
            for key, message in code_errors(v).items():
                self.error(LABELS[key], message)
        current = self.money("allocation_current", "pagu")
        original = self.money("allocation_original", "pagu murni")
        revised = self.money("allocation_revised", "pagu perubahan")
        if "allocation_current" in self.columns:  # SIPD: pagu is the one in force
            if original is None:
                original, revised = current, None
            elif current is not None and current != original:
                revised = current
        if original is None and not self.failed:
            self.error("pagu", "Pagu wajib diisi.")
        v["allocation_original"], v["allocation_revised"] = original, revised
        v["output_target"] = self.money("output_target", "target")
        fund = self.text("funding")
        v["funding_source_id"] = None
        if fund:
            v["funding_source_id"] = funds.get(fund.lower())
            if v["funding_source_id"] is None:
                self.error("sumber dana",
                           f"Sumber dana '{fund}' tidak dikenal. Gunakan salah satu: {fund_list}.")
        row.values = v
        return row


def apply_plan(plan: ImportPlan, opd_id: int, fiscal_year_id: int, note: str = "",
               user_id: int | None = None) -> dict:
    """Write every row of an error-free plan; counts of what was created and updated.

    New lines go in as one multi-row INSERT and their audit records as another: 10,000 ORM
    objects through the unit of work cost several times the file's parse. Updated lines stay
    ORM objects, so their version check (a line edited meanwhile is refused) still holds.
    """
    if not plan.ok:
        raise ServiceError("Berkas masih berisi galat; tidak ada data yang disimpan.")
    base = {"opd_id": opd_id, "fiscal_year_id": fiscal_year_id}
    creates = [{**base, **r.values} for r in plan.rows if r.action == "create"]
    updates = []
    for r in plan.rows:
        if r.action == "update":
            updates.append((r.sa, audit.snapshot(r.sa)))
            for key, value in r.values.items():
                setattr(r.sa, key, value)
    ids = []
    if creates:
        # Then one SELECT of the ids: on PostgreSQL an INSERT .. RETURNING of 10,000 rows took
        # three times as long as the plain INSERT and the SELECT together.
        db.session.execute(insert(SubActivity), creates)
        id_of = dict(db.session.execute(select(SubActivity.code, SubActivity.id).where(
            SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)).all())
        ids = [id_of[values["code"]] for values in creates]
    # The same records audit.record would add, one at a time, in the same order.
    who = _audit_origin(opd_id, note, user_id)
    keys = _snapshot_keys()
    records = [{**who, "action": "create", "entity": "sub_activity", "entity_id": id_,
                "old_values": None, "new_values": _snapshot(values, id_, keys)}
               for values, id_ in zip(creates, ids, strict=True)]
    for sa, before in updates:
        old, new = audit.diff(before, audit.snapshot(sa))
        if new:
            records.append({**who, "action": "update", "entity": "sub_activity",
                            "entity_id": sa.id, "old_values": old, "new_values": new})
    db.session.flush()  # the updates, before their audit records as the ORM ordered them
    if records:
        db.session.execute(insert(AuditLog), records)
    return {"created": len(creates), "updated": len(updates),
            "unchanged": plan.count("unchanged")}


def _audit_origin(opd_id: int, note: str, user_id: int | None = None) -> dict:
    """The columns audit.record fills from the request, the same for every line of a file
    (a job has no request: it names the user who confirmed the import)."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    return {"user_id": user_id, "opd_id": opd_id, "parent_entity": None,
            "parent_id": None, "note": note[:500],
            "ip": (request.remote_addr or "")[:45] if has_request_context() else ""}


def _snapshot(values: dict, id_: int, keys: list[str]) -> dict:
    """audit.snapshot of a just-inserted line: its columns, in mapper order, JSON-ready."""
    row = {**values, "id": id_}
    return {key: audit.plain(row[key]) for key in keys}


def _snapshot_keys() -> list[str]:
    """The columns audit.snapshot writes (its own skip list), without building an object."""
    return [c.key for c in sa_inspect(SubActivity).mapper.column_attrs
            if c.key not in audit.SKIPPED_FIELDS]


def done_message(counts: dict) -> str:
    return (f"Impor selesai: {counts['created']} dibuat, {counts['updated']} diubah, "
            f"{counts['unchanged']} tidak berubah.")


def commit_stored(job, progress) -> str:
    """The import job (app/jobs/imports.py): read the stored file again and write it, all or
    nothing. `progress` commits its figure, so it is called only before anything is written."""
    progress(10)
    plan = build_plan(job.filename, job.data, job.opd_id, job.fiscal_year_id,
                      on_rows=lambda done, total: progress(10 + 40 * done // total))
    if not plan.ok:  # the data changed since the preview (a line locked, a code taken, ...)
        first = plan.errors[0]
        where = f"baris {first.row}: " if first.row else ""
        raise ServiceError(f"Berkas kini berisi galat ({len(plan.errors)}; {where}"
                           f"{first.message}). Tidak ada data yang disimpan; unggah ulang "
                           "berkas untuk melihat pratinjaunya.")
    progress(50)
    counts = apply_plan(plan, job.opd_id, job.fiscal_year_id,
                        note=f"Impor berkas {job.filename}", user_id=job.user_id)
    return done_message(counts)

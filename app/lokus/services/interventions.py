"""Other sources at the lokus desa (issue 17): interventions entered or imported by the
secretariat.

An intervention is one provider's money at one desa in one fiscal year, under one Inpres
strategy: planned amount, realization per quarter (each quarter's own flow) and households
reached. The secretariat writes them (every write audited, a stale edit refused with the
current values). An import file (.xlsx/.csv, through the one bounded sheet reader) is checked
whole first: any row in error and nothing is written; a clean file is previewed, signed and
applied all at once. A row whose desa, source, provider and strategy match an existing
intervention of the year updates it, so importing the same file twice counts nothing twice.
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from app.budget.services.subactivities import INVALID, check_version, flush_or_stale
from app.core import audit
from app.core.errors import ServiceError
from app.core.input_guards import INT32_MAX
from app.core.money import MAX_MONEY, MoneyError, parse_money
from app.core.sheet_reader import SheetLimits, read_rows
from models import SOURCE_KINDS, FiscalYear, OtherIntervention, Strategy, Village, db

MONEY_FIELDS = ("amount_planned", "realized_q1", "realized_q2", "realized_q3", "realized_q4")
FIELDS = ("village_id", "strategy_id", "source_kind", "provider_name", "description",
          *MONEY_FIELDS, "households_reached", "notes")
MAX_HOUSEHOLDS = 10_000_000
TOKEN_MAX_AGE = 3600
READ_LIMITS = SheetLimits(max_bytes=2 * 1024 * 1024, max_expanded=20 * 1024 * 1024,
                          max_rows=2000, max_cols=30, max_scanned=10_000, max_strings=50_000,
                          max_seconds=10)


def _validate(values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("source_kind") not in SOURCE_KINDS:
        errors["source_kind"] = "Pilih sumber dana."
    provider = " ".join((values.get("provider_name") or "").split())
    values["provider_name"] = provider
    if not provider:
        errors["provider_name"] = "Isi nama penyedia (mis. Pemerintah Desa X, BAZNAS)."
    elif len(provider) > 200:
        errors["provider_name"] = "Paling banyak 200 karakter."
    if db.session.get(Village, values.get("village_id") or 0) is None:
        errors["village_id"] = "Pilih desa."
    if db.session.get(Strategy, values.get("strategy_id") or 0) is None:
        errors["strategy_id"] = "Pilih strategi."
    for name in MONEY_FIELDS:
        v = values.get(name)
        if v is None:
            values[name] = Decimal("0.00")
        elif v < 0 or v > MAX_MONEY:
            errors[name] = "Nilai tidak boleh negatif."
    hh = values.get("households_reached")
    if hh is None:
        values["households_reached"] = 0
    elif not 0 <= hh <= MAX_HOUSEHOLDS:
        errors["households_reached"] = "Jumlah rumah tangga tidak valid."
    for name, n in (("description", 2000), ("notes", 2000)):
        values[name] = (values.get(name) or "").strip()
        if len(values[name]) > n:
            errors[name] = f"Paling banyak {n} karakter."
    return errors


def save(fy: FiscalYear, iv: OtherIntervention | None, values: dict,
         expected_version=None) -> OtherIntervention:
    """Create (`iv` None) or update an intervention; ServiceError with errors by field."""
    if iv is not None:
        check_version(iv, expected_version)
    values = {k: values.get(k) for k in FIELDS}
    errors = _validate(values)
    if errors:
        raise ServiceError(INVALID, errors={k: [v] for k, v in errors.items()})
    if iv is None:
        iv = OtherIntervention(fiscal_year_id=fy.id, **values)
        db.session.add(iv)
        db.session.flush()
        audit.record_create(iv)
        return iv
    before = audit.snapshot(iv)
    for key, value in values.items():
        setattr(iv, key, value)
    flush_or_stale(iv)
    audit.record_update(iv, before)
    return iv


def delete(iv: OtherIntervention, expected_version) -> None:
    check_version(iv, expected_version)
    audit.record_delete(iv)
    db.session.delete(iv)
    flush_or_stale(iv)


# --- import --------------------------------------------------------------------------------

HEADERS = ["Kode Desa", "Sumber", "Penyedia", "Strategi", "Uraian", "Rencana (Rp)",
           "Realisasi TW I (Rp)", "Realisasi TW II (Rp)", "Realisasi TW III (Rp)",
           "Realisasi TW IV (Rp)", "Rumah Tangga", "Catatan"]
KEYS = ("village", "source", "provider", "strategy", "description", *MONEY_FIELDS,
        "households", "notes")
_SOURCE_BY_TEXT = {**{k: k for k in SOURCE_KINDS},
                   **{re.sub(r"[^a-z]", "", v.lower()): k for k, v in SOURCE_KINDS.items()},
                   "baznas": "baznas", "laz": "baznas", "apbn": "apbn", "danadesa": "dana_desa",
                   "dd": "dana_desa", "apbdprovinsi": "apbd_provinsi", "provinsi": "apbd_provinsi"}


@dataclass
class ImportPreview:
    rows: list[dict] = field(default_factory=list)  # parsed values, ready to save
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    labels: list[dict] = field(default_factory=list)  # what the preview table shows

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _header(cells) -> dict[str, int] | None:
    wanted = {_norm(h): k for h, k in zip(HEADERS, KEYS, strict=True)}
    found = {wanted[_norm(c)]: i for i, c in enumerate(cells) if _norm(c) in wanted}
    if {"village", "source", "provider", "strategy"} <= set(found):
        return found
    return None


def _money(cell) -> Decimal:
    if cell is None or cell == "":
        return Decimal("0.00")
    if isinstance(cell, float):
        cell = Decimal(str(cell))
    return parse_money(cell)


def _parse_row(cell, villages, strategies) -> tuple[dict, list[str]]:
    errs, values = [], {}
    code = str(cell("village") or "").strip()
    village = villages.get(code)
    if village is None:
        errs.append(f"desa dengan kode \"{code[:30]}\" tidak dikenal")
    values["village_id"] = village
    values["source_kind"] = _SOURCE_BY_TEXT.get(_norm(cell("source")))
    if values["source_kind"] is None:
        errs.append("sumber harus salah satu dari: " + ", ".join(SOURCE_KINDS.values()))
    values["provider_name"] = str(cell("provider") or "")
    raw = cell("strategy")
    try:
        values["strategy_id"] = strategies[_whole(raw)]
    except (KeyError, ValueError, TypeError):
        errs.append("strategi harus 1, 2 atau 3")
        values["strategy_id"] = None
    for name in MONEY_FIELDS:
        try:
            values[name] = _money(cell(name))
        except MoneyError as exc:
            errs.append(f"{name.replace('_', ' ')}: {exc}")
            values[name] = None
    hh = cell("households")
    try:
        values["households_reached"] = _whole(hh) if hh not in (None, "") else 0
    except ValueError:
        errs.append("rumah tangga harus bilangan bulat")
        values["households_reached"] = None
    values["description"] = str(cell("description") or "")
    values["notes"] = str(cell("notes") or "")
    return values, errs


def _whole(value) -> int:
    """A count from a cell: an integer, or a number or text holding one (a spreadsheet stores 3
    as 3.0). ValueError for fractions, signs, inf/NaN, exponents and past 2^31-1."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    text = str(value).strip().removesuffix(".0")
    if not (text.isascii() and text.isdigit()) or int(text) > INT32_MAX:
        raise ValueError(value)
    return int(text)


def preview(filename: str, data: bytes) -> ImportPreview:
    """Read and check the whole file; SheetError/ServiceError when it cannot be read."""
    rows = read_rows(filename, data, READ_LIMITS)
    cols, result = None, ImportPreview()
    villages = {code: vid for vid, code in db.session.execute(select(Village.id, Village.code))}
    strategies = {code: sid for sid, code in db.session.execute(select(Strategy.id,
                                                                       Strategy.code))}
    for number, cells in rows:
        if cols is None:
            cols = _header(cells)
            continue

        def cell(key, cells=cells, cols=cols):
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        values, errs = _parse_row(cell, villages, strategies)
        if not errs:
            errs = [f"{k}: {v}" for k, v in _validate(values).items()]
        if errs:
            result.errors.append((number, "; ".join(errs)))
            continue
        result.rows.append({k: str(v) if isinstance(v, Decimal) else v
                            for k, v in values.items()})
        result.labels.append({"row": number, "village": str(cell("village")),
                              "source": SOURCE_KINDS[values["source_kind"]], **values})
    if cols is None:
        raise ServiceError("Baris judul tidak ditemukan: perlu kolom Kode Desa, Sumber, "
                           "Penyedia dan Strategi.", field="file")
    if not result.rows and not result.errors:
        raise ServiceError("Berkas tidak berisi baris intervensi.", field="file")
    return result


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="intervention-import")


def sign(fy: FiscalYear, p: ImportPreview) -> str:
    return _serializer().dumps({"fy": fy.id, "rows": p.rows})


def apply(fy: FiscalYear, token: str) -> tuple[int, int]:
    """Write every signed row, all or nothing; returns (created, updated)."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature as exc:
        raise ServiceError("Pratinjau kedaluwarsa atau tidak sah; unggah ulang berkas.") from exc
    if data.get("fy") != fy.id:
        raise ServiceError("Pratinjau ini untuk tahun anggaran lain; unggah ulang berkas.")
    def key(v):
        return (v["village_id"], v["source_kind"], " ".join(v["provider_name"].split()),
                v["strategy_id"])

    known = {key(vars(iv)): iv for iv in db.session.scalars(
        select(OtherIntervention).where(OtherIntervention.fiscal_year_id == fy.id))}
    created = updated = 0
    for row in data["rows"]:
        values = {k: Decimal(v) if k in MONEY_FIELDS else v for k, v in row.items()}
        existing = known.get(key(values))
        known[key(values)] = save(fy, existing, values,
                                  existing.version if existing else None)
        created, updated = (created + 1, updated) if existing is None else (created,
                                                                            updated + 1)
    audit.record("import", "other_intervention", None, new={
        "fiscal_year": fy.year, "created": created, "updated": updated},
        note=f"Impor intervensi sumber lain {fy.year}")
    db.session.flush()
    return created, updated

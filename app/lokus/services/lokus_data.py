"""Lokus desa data: a year's priority villages and their desil-1 households, set by hand or
counted from a P3KE / DTSEN export (one row per family).

Personal data (UU 27/2022): the export holds names and NIK. The file is read from memory,
counted per desa and desil as it streams, and dropped; no cell other than the desa and the
desil is ever looked at, nothing of it is logged, stored or written to disk. The preview is
carried to the confirm step as a signed token of the counts alone; a commit large enough to
run as a job keeps that token (the counts, still no personal data) in an `import_job` row for
the worker.
"""
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select

from app.core import audit
from app.core.errors import ServiceError
from app.core.sheet_reader import SheetLimits, iter_rows
from models import District, FiscalYear, Village, VillageDesilCount, VillageYear, db

SOURCES = ("P3KE", "DTSEN")
MAX_UNPLACED_SHOWN = 100
TOKEN_MAX_AGE = 3600  # a preview older than an hour must be uploaded again
MAX_HOUSEHOLDS = 1_000_000
# A kabupaten's export: one row per family, the many columns of P3KE/DTSEN; far larger than a
# budget sheet, still bounded so that no upload holds a worker for long (see sheet_reader).
READ_LIMITS = SheetLimits(max_bytes=10 * 1024 * 1024, max_expanded=100 * 1024 * 1024,
                          max_rows=200_000, max_cols=100, max_scanned=400_000,
                          max_strings=600_000, max_seconds=20)


# --- by hand -------------------------------------------------------------------------------

@dataclass(frozen=True)
class VillageInput:
    village_id: int
    is_priority: bool
    households: int


def set_villages(fy: FiscalYear, rows: list[VillageInput], decree: str = "") -> int:
    """Set priority and desil-1 households of many villages at once; returns how many changed.
    Everything is validated before anything is written."""
    known = set(db.session.scalars(select(Village.id)))
    for r in rows:
        if r.village_id not in known:
            raise ServiceError("Desa tidak dikenal.", field="rows")
        if not 0 <= r.households <= MAX_HOUSEHOLDS:
            raise ServiceError("Jumlah rumah tangga harus 0 sampai 1.000.000.", field="rows")
    existing = {vy.village_id: vy for vy in db.session.scalars(
        select(VillageYear).where(VillageYear.fiscal_year_id == fy.id))}
    changed = 0
    for r in rows:
        vy = existing.get(r.village_id)
        new_decree = decree if r.is_priority else ""
        if vy is None:
            if not r.is_priority and not r.households:
                continue  # nothing to say about this desa
            vy = VillageYear(village_id=r.village_id, fiscal_year_id=fy.id,
                             is_priority=r.is_priority, desil1_households=r.households,
                             source="manual", decree=new_decree)
            db.session.add(vy)
            audit.record_create(vy)
            changed += 1
            continue
        if (vy.is_priority, vy.desil1_households) == (r.is_priority, r.households) and (
                not r.is_priority or not decree or vy.decree == decree):
            continue
        before = audit.snapshot(vy)
        if vy.desil1_households != r.households:
            vy.source = "manual"
        vy.is_priority, vy.desil1_households = r.is_priority, r.households
        if decree or not r.is_priority:
            vy.decree = new_decree
        db.session.flush()
        audit.record_update(vy, before)
        changed += 1
    db.session.flush()
    return changed


# --- P3KE / DTSEN import -------------------------------------------------------------------

@dataclass
class ImportPreview:
    source: str
    rows: int = 0                                     # family rows read
    counts: dict = field(default_factory=dict)       # village id -> {desil: households}
    unplaced: list = field(default_factory=list)     # (row number, desa as written, reason)
    unplaced_total: int = 0

    @property
    def placed(self) -> int:
        return self.rows - self.unplaced_total


def norm_text(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


def digits_of(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\D", "", str(value or ""))


def _columns(header: list) -> dict[str, int] | None:
    """Find the desa code / desa name / kecamatan / desil columns; None if this is no header."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        h = norm_text(cell)
        if not h:
            continue
        if "desil" in h:
            cols.setdefault("desil", i)
        elif h.startswith(("kode", "kd")) and any(w in h for w in ("desa", "kel", "wilayah",
                                                                   "kemendagri")):
            cols.setdefault("code", i)
        elif "kecamatan" in h and not h.startswith(("kode", "kd")):
            cols.setdefault("district", i)
        elif h in ("desa", "kelurahan", "desa kelurahan", "nama desa", "nama kelurahan",
                   "nama desa kelurahan", "desa kel", "deskel", "nama deskel"):
            cols.setdefault("village", i)
    if "desil" in cols and ("code" in cols or "village" in cols):
        return cols
    return None


def village_index():
    rows = db.session.execute(select(Village.id, Village.code, Village.name, District.name)
                              .join(District, District.id == Village.district_id)).all()
    by_code = {digits_of(code): vid for vid, code, _, _ in rows}
    by_pair = {(norm_text(dname), norm_text(name)): vid for vid, _, name, dname in rows}
    by_name = defaultdict(list)
    for vid, _, name, _ in rows:
        by_name[norm_text(name)].append(vid)
    return by_code, by_pair, by_name


def preview(source: str, filename: str, data: bytes) -> ImportPreview:
    """Count the families of the file per desa and desil. Writes nothing."""
    if source not in SOURCES:
        raise ServiceError("Sumber data tidak dikenal.", field="source")
    by_code, by_pair, by_name = village_index()
    result = ImportPreview(source=source)
    counts: dict[int, Counter] = defaultdict(Counter)
    cols = None
    for number, cells in iter_rows(filename, data, READ_LIMITS):
        if cols is None:
            cols = _columns(cells) if number <= 20 else None
            if cols is None and number >= 20:
                break
            continue
        result.rows += 1

        def cell(name, cells=cells, cols=cols):
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        vid, reason = None, ""
        code = digits_of(cell("code"))
        if code:
            vid = by_code.get(code)
            reason = "kode desa tidak dikenal"
        if vid is None and cell("village"):
            name = norm_text(cell("village"))
            vid = by_pair.get((norm_text(cell("district")), name))
            if vid is None and len(by_name.get(name, [])) == 1:
                vid = by_name[name][0]
            reason = ("nama desa ganda; sertakan kecamatan" if len(by_name.get(name, [])) > 1
                      else "desa tidak dikenal")
        desil_digits = digits_of(cell("desil"))
        desil = int(desil_digits) if desil_digits and len(desil_digits) <= 2 else None
        if vid is not None and desil is not None and not 1 <= desil <= 10:
            vid, reason = None, "desil di luar 1-10"
        elif vid is not None and desil is None:
            vid, reason = None, "desil kosong atau tidak valid"
        if vid is None:
            result.unplaced_total += 1
            if len(result.unplaced) < MAX_UNPLACED_SHOWN:
                given = str(cell("code") or cell("village") or "-")[:60]
                result.unplaced.append((number, given, reason or "desa tidak diisi"))
            continue
        counts[vid][desil] += 1
    if cols is None:
        raise ServiceError("Kolom desil dan kolom desa (kode atau nama) tidak ditemukan pada "
                           "20 baris pertama.", field="file")
    result.counts = {vid: dict(c) for vid, c in counts.items()}
    return result


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lokus-import")


def sign(fy: FiscalYear, p: ImportPreview) -> str:
    """The counts (no personal data) for the confirm step, signed so they cannot be altered."""
    counts = {str(v): {str(d): n for d, n in c.items()} for v, c in p.counts.items()}
    return _serializer().dumps({"fy": fy.id, "source": p.source, "rows": p.rows,
                                "unplaced": p.unplaced_total, "counts": counts})


def verified(fy: FiscalYear, token: str) -> dict:
    """The signed counts of a preview for `fy`, or ServiceError (altered, expired, other year)."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except BadSignature as exc:
        raise ServiceError("Pratinjau kedaluwarsa atau tidak sah; unggah ulang berkas.") from exc
    if data.get("fy") != fy.id or data.get("source") not in SOURCES:
        raise ServiceError("Pratinjau ini untuk tahun anggaran lain; unggah ulang berkas.")
    return data


def apply(fy: FiscalYear, token: str, user=None) -> int:
    """Write the signed counts into VillageYear / VillageDesilCount, all or nothing; returns
    the number of villages updated. Priority flags are left as they are. `user`: who
    confirmed, for the audit (a job has no request to tell)."""
    data = verified(fy, token)
    counts = {int(v): {int(d): int(n) for d, n in c.items()} for v, c in data["counts"].items()}
    known = set(db.session.scalars(select(Village.id).where(Village.id.in_(counts))))
    if known != set(counts):
        raise ServiceError("Sebagian desa pada pratinjau tidak lagi ada; unggah ulang berkas.")
    existing = {vy.village_id: vy for vy in db.session.scalars(
        select(VillageYear).where(VillageYear.fiscal_year_id == fy.id,
                                  VillageYear.village_id.in_(counts)))}
    for vid, per_desil in counts.items():
        vy = existing.get(vid)
        households = per_desil.get(1, 0)
        if vy is None:
            vy = VillageYear(village_id=vid, fiscal_year_id=fy.id, is_priority=False,
                             desil1_households=households, source=data["source"])
            db.session.add(vy)
            audit.record_create(vy, note=f"Impor {data['source']}", user=user)
        else:
            before = audit.snapshot(vy)
            vy.desil1_households, vy.source = households, data["source"]
            db.session.flush()
            audit.record_update(vy, before, note=f"Impor {data['source']}", user=user)
        db.session.execute(delete(VillageDesilCount)
                           .where(VillageDesilCount.village_year_id == vy.id))
        db.session.add_all(VillageDesilCount(village_year_id=vy.id, desil=d, households=n)
                           for d, n in sorted(per_desil.items()))
    audit.record("import", "village_year", None, new={
        "source": data["source"], "fiscal_year": fy.year, "rows": data["rows"],
        "unplaced": data["unplaced"], "villages": len(counts),
        "desil1_households": sum(c.get(1, 0) for c in counts.values())},
        note=f"Impor {data['source']} {fy.year}: hanya jumlah per desa dan desil disimpan",
        user=user)
    db.session.flush()
    return len(counts)


def done_message(villages: int) -> str:
    return f"Impor selesai: jumlah rumah tangga {villages} desa diperbarui."


def commit_stored(job, progress) -> str:
    """The import job (app/jobs/imports.py): write the counts the preview signed (the row
    holds only them, never the file). `progress` commits, so it comes before any write."""
    from models import User

    fy = db.session.get(FiscalYear, job.fiscal_year_id)
    if fy is None:
        raise ServiceError("Tahun anggaran tidak lagi ada.")
    progress(10)
    return done_message(apply(fy, job.payload, user=db.session.get(User, job.user_id)))

"""BNBA import (P3KE / DTSEN extract, one row per member or per head): households by keyed hash.

The file is read from memory through the one bounded reader; each NIK and KK number is hashed
as its row streams by and dropped, names and other columns are never looked at. The preview
stages only the hashes (app/coverage/staging.py) in an `import_job` row; the commit (in the
request, or as the "bnba" import job when large) writes a new snapshot all or nothing: desil,
desa and membership of known households are updated by hash, new ones added, members missing
from the new extract removed, and the snapshot's per-desa counts kept for the trend.
Households missing from the new extract stay (their past interventions with them) under their
old snapshot, so they are no longer counted.
"""
import json
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, insert, select

from app.core import audit
from app.core.errors import ServiceError
from app.core.money import format_number
from app.core.sheet_reader import SheetLimits, iter_rows
from app.lokus.services import lokus_data
from app.lokus.services.lokus_data import digits_of, norm_text, village_index
from models import (
    Household,
    HouseholdMember,
    HouseholdSnapshot,
    SnapshotVillageCount,
    Village,
    db,
)
from models.household import BNBA_SOURCES

from . import keys, staging

HEADER_WINDOW = 20
MAX_REASONS_SHOWN = 50
CHUNK = 900  # ids or hashes per IN (...) clause: below SQLite's 999 bound parameters
# A large kabupaten: 200,000 members (one row each) within the reader's bounds.
READ_LIMITS = SheetLimits(max_bytes=30 * 1024 * 1024, max_expanded=200 * 1024 * 1024,
                          max_rows=250_000, max_cols=100, max_scanned=500_000,
                          max_strings=1_200_000, max_seconds=60)
FIELDS = ("nik", "kk", "desil", "code", "village", "district")
FIELD_LABELS = {"nik": "NIK (anggota atau kepala keluarga)", "kk": "Nomor KK",
                "desil": "Desil", "code": "Kode desa", "village": "Nama desa",
                "district": "Kecamatan"}


def detect(header: list) -> dict[str, int]:
    """Guess the columns from a header row (names as P3KE/DTSEN exports write them)."""
    cols: dict[str, int] = {}
    for i, cell in enumerate(header):
        h = norm_text(cell)
        if not h:
            continue
        words = h.split()
        if "desil" in words:
            cols.setdefault("desil", i)
        elif "nik" in words:
            cols.setdefault("nik", i)
        elif "kk" in words or h in ("no kartu keluarga", "nomor kartu keluarga"):
            cols.setdefault("kk", i)
        elif h.startswith(("kode", "kd")) and any(w in h for w in ("desa", "kel", "wilayah")):
            cols.setdefault("code", i)
        elif "kecamatan" in words and not h.startswith(("kode", "kd")):
            cols.setdefault("district", i)
        elif h in ("desa", "kelurahan", "desa kelurahan", "nama desa", "nama kelurahan",
                   "nama desa kelurahan", "desa kel", "deskel"):
            cols.setdefault("village", i)
    return cols


def complete(cols: dict) -> bool:
    return "nik" in cols and "desil" in cols and ("code" in cols or "village" in cols)


@dataclass
class BnbaPreview:
    source: str
    taken_on: date
    header: list = field(default_factory=list)  # column titles (never a data cell)
    columns: dict = field(default_factory=dict)
    rows: int = 0
    invalid: Counter = field(default_factory=Counter)  # reason -> rows
    examples: list = field(default_factory=list)  # (row number, reason): no values
    duplicates: int = 0
    desil_changes: int = 0  # a member row whose desil differs from its household's first row
    households: int = 0
    members: int = 0
    by_desil: dict = field(default_factory=dict)
    villages: dict = field(default_factory=dict)  # village id -> desil-1 households
    key_check: str = ""
    staged: bytes = b""

    @property
    def invalid_total(self) -> int:
        return sum(self.invalid.values())


# `flask coverage import-bnba`: the operator's own file on the server, no request to time out.
CLI_LIMITS = SheetLimits(max_bytes=200 * 1024 * 1024, max_expanded=1024 * 1024 * 1024,
                         max_rows=2_000_000, max_cols=100, max_scanned=4_000_000,
                         max_strings=8_000_000, max_seconds=1800)


def preview(source: str, taken_on: date, filename: str, data: bytes,
            columns: dict | None = None, limits: SheetLimits = READ_LIMITS) -> BnbaPreview:
    """Read, hash and count the file; writes nothing. `columns` (field -> index) overrides
    the guessed ones."""
    if source not in BNBA_SOURCES:
        raise ServiceError("Sumber data tidak dikenal.", field="source")
    hasher = keys.hasher()
    by_code, by_pair, by_name = village_index()
    result = BnbaPreview(source=source, taken_on=taken_on, key_check=hasher.check)
    households: dict[bytes, int] = {}  # hash -> index
    desil_of, village_of = bytearray(), array("i")
    members: dict[bytes, int] = {}
    cols = None
    for number, cells in iter_rows(filename, data, limits):
        if cols is None:
            guessed = detect(cells)
            if complete(guessed) or (columns and number >= 1 and not result.header):
                result.header = [str(c or "")[:60] for c in cells]
                cols = {**guessed, **(columns or {})}
                result.columns = cols
                if not complete(cols):
                    raise ServiceError("Pilih kolom NIK, desil, dan desa (kode atau nama).",
                                       field="file")
                if max(cols.values()) >= len(cells):
                    raise ServiceError("Kolom yang dipilih tidak ada pada berkas.", field="file")
            elif number >= HEADER_WINDOW:
                break
            continue
        result.rows += 1
        reason = _row(cells, cols, hasher, (by_code, by_pair, by_name), households, desil_of,
                      village_of, members, result)
        if reason:
            result.invalid[reason] += 1
            if len(result.examples) < MAX_REASONS_SHOWN:
                result.examples.append((number, reason))
        cells.clear()  # the row's NIK and name go now, not at the next row
    if cols is None:
        raise ServiceError("Kolom NIK, desil, dan desa (kode atau nama) tidak ditemukan pada "
                           f"{HEADER_WINDOW} baris pertama; pilih kolomnya.", field="file")
    result.households, result.members = len(households), len(members)
    result.by_desil = dict(sorted(Counter(desil_of).items()))
    per_village = Counter(v for v, d in zip(village_of, desil_of, strict=True) if d == 1)
    result.villages = dict(per_village)
    member_household = array("I", members.values())
    result.staged = staging.pack_bnba(staging.StagedBnba(
        list(households), bytes(desil_of), village_of, list(members), member_household))
    return result


def cell(cells, cols, name):
    i = cols.get(name)
    return cells[i] if i is not None and i < len(cells) else None


def _row(cells, cols, hasher, index, households, desil_of, village_of, members, result) -> str:
    """Hash one row into the maps; the reason it was refused, or ''."""
    nik = keys.normalise(cell(cells, cols, "nik"))
    if nik is None:
        return "NIK tidak 16 digit"
    kk = None
    if "kk" in cols:
        kk = keys.normalise(cell(cells, cols, "kk"))
        if kk is None:
            return "Nomor KK tidak 16 digit"
    digits = digits_of(cell(cells, cols, "desil"))
    desil = int(digits) if digits and len(digits) <= 2 else 0
    if not 1 <= desil <= 10:
        return "desil kosong atau di luar 1-10"
    vid = _village(cells, cols, index)
    if vid is None:
        return "desa tidak dikenal"
    member = hasher(keys.MEMBER, nik)
    if member in members:
        result.duplicates += 1
        return "NIK ganda"
    household = hasher(keys.FAMILY, kk) if kk else hasher(keys.HEAD, nik)
    at = households.get(household)
    if at is None:
        at = households[household] = len(households)
        desil_of.append(desil)
        village_of.append(vid)
    elif desil_of[at] != desil:
        result.desil_changes += 1  # the household keeps its first row's desil
    members[member] = at
    return ""


def _village(cells, cols, index):
    by_code, by_pair, by_name = index
    code = digits_of(cell(cells, cols, "code"))
    if code:
        vid = by_code.get(code)
        if vid is not None:
            return vid
    name = norm_text(cell(cells, cols, "village"))
    if not name:
        return None
    vid = by_pair.get((norm_text(cell(cells, cols, "district")), name))
    if vid is None and len(by_name.get(name, [])) == 1:
        vid = by_name[name][0]
    return vid


def payload(p: BnbaPreview) -> str:
    """What the commit needs besides the hashes (counts, no personal data)."""
    return json.dumps({"source": p.source, "taken_on": p.taken_on.isoformat(), "rows": p.rows,
                       "invalid": p.invalid_total, "key_check": p.key_check})


# --- commit --------------------------------------------------------------------------------

def apply(staged_data: bytes, payload_text: str, user=None) -> HouseholdSnapshot:
    """Write the staged snapshot, all or nothing (the caller commits)."""
    meta = json.loads(payload_text)
    if meta.get("key_check") != keys.hasher().check:
        raise ServiceError("Kunci hash berubah sejak pratinjau; unggah ulang berkas.")
    s = staging.unpack_bnba(staged_data)
    if not s.household_hashes:
        raise ServiceError("Tidak ada baris yang sah untuk disimpan.")
    villages = set(s.villages)
    known = set()
    for part in _chunks(sorted(villages)):
        known.update(db.session.scalars(select(Village.id).where(Village.id.in_(part))))
    if known != villages:
        raise ServiceError("Sebagian desa pada pratinjau tidak lagi ada; unggah ulang berkas.")
    desil1 = sum(1 for d in s.desil if d == 1)
    snap = HouseholdSnapshot(taken_on=date.fromisoformat(meta["taken_on"]),
                             source=meta["source"], rows=meta["rows"],
                             invalid_rows=meta["invalid"], members=len(s.member_hashes),
                             households=len(s.household_hashes), desil1_households=desil1,
                             key_check=meta["key_check"],
                             created_by_id=getattr(user, "id", None))
    db.session.add(snap)
    db.session.flush()
    ids = _upsert_households(s, snap.id)
    _replace_members(s, ids)
    counts = Counter(zip(s.villages, s.desil, strict=True))
    if counts:
        db.session.execute(insert(SnapshotVillageCount), [
            {"snapshot_id": snap.id, "village_id": v, "desil": d, "households": n}
            for (v, d), n in sorted(counts.items())])
    if meta.get("lokus_fy"):
        _update_lokus(meta, counts, user)
    audit.record("import", "household_snapshot", snap.id, new={
        "source": snap.source, "taken_on": snap.taken_on.isoformat(), "rows": snap.rows,
        "invalid_rows": snap.invalid_rows, "households": snap.households,
        "members": snap.members, "desil1_households": desil1},
        note=f"Impor BNBA {snap.source}: hanya hash berkunci, desil dan desa disimpan",
        user=user)
    db.session.flush()
    return snap


def with_lokus(payload_text: str, fiscal_year_id: int) -> str:
    """The payload, asking the commit to update that year's lokus desa counts as well."""
    return json.dumps({**json.loads(payload_text), "lokus_fy": fiscal_year_id})


def _update_lokus(meta: dict, counts: Counter, user) -> None:
    """The year's households per desa and desil (VillageYear, the lokus page) from the same
    extract, through the P3KE/DTSEN count import's own writer (audited there)."""
    from models import FiscalYear

    fy = db.session.get(FiscalYear, meta["lokus_fy"])
    if fy is None:
        raise ServiceError("Tahun anggaran tidak lagi ada.")
    per_village: dict[int, dict[int, int]] = {}
    for (vid, desil), n in counts.items():
        per_village.setdefault(vid, {})[desil] = n
    preview_counts = lokus_data.ImportPreview(source=meta["source"], rows=sum(counts.values()),
                                              counts=per_village)
    lokus_data.apply(fy, lokus_data.sign(fy, preview_counts), user=user)


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _many(sql: str, rows: list[tuple]) -> None:
    """executemany at the driver: at 200,000 rows the ORM's per-row parameter handling costs
    four times the insert itself. `sql` is a constant of this module with ? placeholders."""
    if rows:
        conn = db.session.connection()
        if conn.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        conn.exec_driver_sql(sql, rows)


def _upsert_households(s: staging.StagedBnba, snapshot_id: int) -> list[int]:
    """Household ids in the staged order, known ones updated, new ones inserted."""
    existing: dict[bytes, int] = {}
    for part in _chunks(s.household_hashes):
        existing.update(db.session.execute(
            select(Household.hash, Household.id).where(Household.hash.in_(part))).all())
    updates, inserts = [], []
    for i, h in enumerate(s.household_hashes):
        if h in existing:
            updates.append((s.villages[i], s.desil[i], snapshot_id, existing[h]))
        else:
            inserts.append((h, s.villages[i], s.desil[i], snapshot_id))
    _many("UPDATE household SET village_id = ?, desil = ?, snapshot_id = ? WHERE id = ?",
          updates)
    _many("INSERT INTO household (hash, village_id, desil, snapshot_id) VALUES (?, ?, ?, ?)",
          inserts)
    for part in _chunks([r[0] for r in inserts]):
        existing.update(db.session.execute(
            select(Household.hash, Household.id).where(Household.hash.in_(part))).all())
    return [existing[h] for h in s.household_hashes]


def _replace_members(s: staging.StagedBnba, household_ids: list[int]) -> None:
    """Membership as in the new extract: moved members follow their household, members no
    longer listed are removed (so a later beneficiary list does not match them)."""
    wanted = {h: household_ids[i] for h, i in zip(s.member_hashes, s.member_household,
                                                   strict=True)}
    current = db.session.execute(select(HouseholdMember.hash, HouseholdMember.id,
                                        HouseholdMember.household_id))
    moved, gone, seen = [], [], set()
    for h, mid, hid in current:
        target = wanted.get(h)
        if target is None:
            gone.append(mid)
        else:
            seen.add(h)
            if target != hid:
                moved.append((target, mid))
    for part in _chunks(gone):
        db.session.execute(delete(HouseholdMember).where(HouseholdMember.id.in_(part)),
                           execution_options={"synchronize_session": False})
    _many("UPDATE household_member SET household_id = ? WHERE id = ?", moved)
    _many("INSERT INTO household_member (hash, household_id) VALUES (?, ?)",
          [(h, hid) for h, hid in wanted.items() if h not in seen])


def latest_snapshot() -> HouseholdSnapshot | None:
    """The extract imported last: the households it holds are the ones counted."""
    return db.session.scalar(select(HouseholdSnapshot).order_by(
        HouseholdSnapshot.id.desc()).limit(1))


def snapshot_count() -> int:
    return db.session.scalar(select(func.count(HouseholdSnapshot.id))) or 0


def done_message(snap: HouseholdSnapshot) -> str:
    n = format_number
    return (f"Impor BNBA selesai: {n(snap.households)} rumah tangga "
            f"({n(snap.desil1_households)} desil 1), {n(snap.members)} anggota.")


def commit_stored(job, progress) -> str:
    """The "bnba" import job: write the staged hashes (never a NIK) all or nothing."""
    from models import User

    progress(10)
    return done_message(apply(job.data, job.payload, user=db.session.get(User, job.user_id)))


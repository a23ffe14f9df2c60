"""Beneficiary lists: who one tag's program reached in a quarter, matched to BNBA households.

An OPD uploads its NIK list (xlsx/csv, the NIK column chosen in the preview). Each NIK is
hashed as it streams by and looked up among the members of the latest BNBA; the preview stages
only the matched household ids (app/coverage/staging.py). The commit replaces the list of that
tag and quarter: matched household ids, and counts (NIKs read, invalid, repeated, unmatched).
An unmatched NIK (someone outside the BNBA: inclusion error, or a household not yet listed) is
counted and forgotten.
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, func, select

from app.core import audit
from app.core.errors import ServiceError
from app.core.money import format_number
from app.core.sheet_reader import SheetLimits, iter_rows
from app.cycle.realization import RowInput, quarter_in, save_sheet
from app.lokus.services.lokus_data import norm_text
from models import BeneficiaryHousehold, BeneficiaryList, Household, HouseholdMember, Tag, db

from . import keys, staging
from .bnba import CHUNK, HEADER_WINDOW, _chunks, _many, latest_snapshot

# A program's list: up to 60,000 NIKs (the 50,000 of a large program, with room).
READ_LIMITS = SheetLimits(max_bytes=10 * 1024 * 1024, max_expanded=100 * 1024 * 1024,
                          max_rows=60_000, max_cols=60, max_scanned=120_000,
                          max_strings=200_000, max_seconds=30)
NO_BNBA = ("Belum ada data BNBA (P3KE/DTSEN) yang diimpor Sekretariat; daftar penerima belum "
           "dapat dicocokkan.")
KEY_CHANGED = ("Kunci hash telah diganti sejak impor BNBA terakhir; Sekretariat perlu mengimpor "
               "ulang BNBA sebelum daftar penerima dapat dicocokkan.")


@dataclass
class ListPreview:
    tag_id: int
    quarter: int
    header: list = field(default_factory=list)
    column: int | None = None
    rows: int = 0
    invalid: int = 0
    duplicates: int = 0
    matched_members: int = 0
    unmatched: int = 0
    households: set = field(default_factory=set)
    snapshot_id: int | None = None

    @property
    def matched_households(self) -> int:
        return len(self.households)


def _ready():
    snap = latest_snapshot()
    if snap is None:
        raise ServiceError(NO_BNBA)
    hasher = keys.hasher()
    if snap.key_check != hasher.check:
        raise ServiceError(KEY_CHANGED)
    return snap, hasher


def _header_column(cells) -> int | None:
    for i, cell in enumerate(cells):
        if "nik" in norm_text(cell).split():
            return i
    return None


def preview(tag: Tag, quarter: int, filename: str, data: bytes,
            column: int | None = None) -> ListPreview:
    """Hash and match the NIKs of the file; writes nothing."""
    if not 1 <= quarter <= 4:
        raise ServiceError("Triwulan harus 1 sampai 4.", field="quarter")
    snap, hasher = _ready()
    result = ListPreview(tag_id=tag.id, quarter=quarter, snapshot_id=snap.id)
    pending: list[bytes] = []
    seen: set[bytes] = set()
    started = False
    for number, cells in iter_rows(filename, data, READ_LIMITS):
        if not started:
            found = _header_column(cells)
            if column is not None or found is not None:
                result.header = [str(c or "")[:60] for c in cells]
                result.column = column if column is not None else found
                started = True
                if result.column >= len(cells):
                    raise ServiceError("Kolom yang dipilih tidak ada pada berkas.", field="file")
                continue
            nik_at = next((i for i, c in enumerate(cells) if keys.normalise(c)), None)
            if nik_at is None:
                if number >= HEADER_WINDOW:
                    break
                continue
            result.column, started = nik_at, True  # a plain list of NIKs, no header
        result.rows += 1
        nik = keys.normalise(cells[result.column] if result.column < len(cells) else None)
        cells.clear()
        if nik is None:
            result.invalid += 1
            continue
        h = hasher(keys.MEMBER, nik)
        if h in seen:
            result.duplicates += 1
            continue
        seen.add(h)
        pending.append(h)
        if len(pending) >= CHUNK:
            _match(pending, result)
    if not started:
        raise ServiceError("Kolom NIK tidak ditemukan pada 20 baris pertama; pilih kolomnya.",
                           field="file")
    _match(pending, result)
    return result


def _match(pending: list[bytes], result: ListPreview) -> None:
    if pending:
        rows = db.session.execute(select(HouseholdMember.household_id)
                                  .where(HouseholdMember.hash.in_(pending))).scalars().all()
        result.matched_members += len(rows)
        result.unmatched += len(pending) - len(rows)
        result.households.update(rows)
        pending.clear()


def staged(p: ListPreview) -> tuple[bytes, str]:
    """(household ids, counts): what the import_job row keeps between preview and commit."""
    meta = {"tag_id": p.tag_id, "quarter": p.quarter, "rows": p.rows, "invalid": p.invalid,
            "duplicates": p.duplicates, "matched_members": p.matched_members,
            "unmatched": p.unmatched, "snapshot_id": p.snapshot_id}
    return staging.pack_ids(p.households), json.dumps(meta)


def apply(tag: Tag, data: bytes, payload: str, user=None) -> BeneficiaryList:
    """Replace the tag's list for the quarter with the staged match (the caller commits)."""
    meta = json.loads(payload)
    if meta.get("tag_id") != tag.id:
        raise ServiceError("Pratinjau ini untuk tagging lain; unggah ulang berkas.")
    ids = staging.unpack_ids(data)
    snap = latest_snapshot()
    if snap is None or snap.id != meta.get("snapshot_id"):
        raise ServiceError("Data BNBA diperbarui sejak pratinjau; unggah ulang berkas.")
    existing = 0
    for part in _chunks(ids):
        existing += db.session.scalar(select(func.count(Household.id))
                                      .where(Household.id.in_(part))) or 0
    if existing != len(ids):
        raise ServiceError("Sebagian rumah tangga tidak lagi ada; unggah ulang berkas.")
    bl = db.session.scalar(select(BeneficiaryList).where(
        BeneficiaryList.tag_id == tag.id, BeneficiaryList.quarter == meta["quarter"]))
    before = audit.snapshot(bl) if bl is not None else None
    if bl is None:
        bl = BeneficiaryList(tag_id=tag.id, quarter=meta["quarter"],
                             opd_id=tag.sub_activity.opd_id)
        db.session.add(bl)
    bl.rows, bl.invalid, bl.duplicates = meta["rows"], meta["invalid"], meta["duplicates"]
    bl.matched_members, bl.unmatched = meta["matched_members"], meta["unmatched"]
    bl.matched_households, bl.snapshot_id = len(ids), snap.id
    bl.uploaded_by_id = getattr(user, "id", None)
    db.session.flush()
    db.session.execute(delete(BeneficiaryHousehold).where(BeneficiaryHousehold.list_id == bl.id))
    _many("INSERT INTO beneficiary_household (list_id, household_id) VALUES (?, ?)",
          [(bl.id, i) for i in ids])
    note = f"Daftar penerima TW {meta['quarter']}: hanya rumah tangga cocok dan jumlah disimpan"
    if before is None:
        audit.record_create(bl, opd_id=bl.opd_id, parent=("tag", tag.id), note=note, user=user)
    else:
        audit.record_update(bl, before, opd_id=bl.opd_id, parent=("tag", tag.id), note=note,
                            user=user)
    db.session.flush()
    return bl


def lists_of(tag: Tag) -> dict[int, BeneficiaryList]:
    return {bl.quarter: bl for bl in db.session.scalars(
        select(BeneficiaryList).where(BeneficiaryList.tag_id == tag.id))}


def reached_to_date(tag: Tag, quarter: int) -> int:
    """Distinct households the tag's lists reached up to the quarter (cumulative, like the
    realization's figure to date)."""
    return db.session.scalar(
        select(func.count(func.distinct(BeneficiaryHousehold.household_id)))
        .join(BeneficiaryList, BeneficiaryList.id == BeneficiaryHousehold.list_id)
        .where(BeneficiaryList.tag_id == tag.id, BeneficiaryList.quarter <= quarter)) or 0


def use_for_realization(tag: Tag, quarter: int, user) -> int:
    """Set the realization's reached count to date from the matched households, keeping its
    other figures; through the realization service (locks, anomalies, audit). Returns it."""
    from models import Realization

    q = quarter_in(tag.sub_activity.fiscal_year, quarter)
    if q is None:
        raise ServiceError("Triwulan tidak dikenal.")
    reached = reached_to_date(tag, quarter)
    current = db.session.scalar(select(Realization).where(
        Realization.tag_id == tag.id, Realization.quarter_id == q.id))
    row = RowInput(
        tag_id=tag.id, version=current.version if current else 0,
        amount=current.amount if current else Decimal("0"),
        physical_progress=current.physical_progress if current else Decimal("0"),
        reached_count=reached,
        villages={v.village_id: v.reached_count for v in current.villages} if current else {},
        problems=current.problems if current else "",
        follow_up=current.follow_up if current else "",
        explanation=current.explanation if current else "")
    save_sheet(tag.sub_activity.opd_id, q, [row], user)
    return reached


def commit_stored(job, progress) -> str:
    """The "benef" import job: write the staged household ids, all or nothing."""
    from models import User

    meta = json.loads(job.payload)
    tag = db.session.get(Tag, meta["tag_id"])
    if tag is None:
        raise ServiceError("Tagging tidak lagi ada.")
    progress(10)
    bl = apply(tag, job.data, job.payload, user=db.session.get(User, job.user_id))
    return done_message(bl)


def done_message(bl: BeneficiaryList) -> str:
    return (f"Daftar penerima TW {bl.quarter} disimpan: {format_number(bl.matched_households)} "
            f"rumah tangga cocok, {format_number(bl.unmatched)} NIK di luar BNBA.")

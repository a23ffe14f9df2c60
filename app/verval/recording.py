"""Recording one household's verval status, and the desa's submission.

A record is found in the operator's own desa (`verval_village`) only, in one of two ways:
- by NIK: the 16 digits are hashed in memory with the instance key (app/coverage/keys.py, the
  member domain Cek NIK uses) and dropped; the member hash leads to its household. A NIK that is
  unknown and a NIK of another desa get the same answer, "tidak ditemukan di desa ini", so the
  answer never tells where a NIK lives;
- by the row number and hash prefix printed on the desa's list: both must agree (a typo in the
  row number is refused instead of recording the neighbour).
A status can be changed until the desa submits (or after the reviewer returns it). A note is
short and never holds a NIK-like number: a run of 16 digits is refused, not stored. Every write
is audited with the row number, never the NIK.
"""
import re

from sqlalchemy import func, select

from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from app.coverage import keys
from models import (
    Household,
    HouseholdMember,
    VervalRecord,
    VervalVillage,
    db,
)
from models.verval import NOTE_MAX, VERVAL_STATUSES

NOT_IN_DESA = "Tidak ditemukan di desa ini."
# 16 digits, perhaps with spaces, dots or dashes between them: a NIK or KK number.
NIK_LIKE = re.compile(r"\d(?:[\s.\-]?\d){15}")
PREFIX_MIN = 4
_HEX = re.compile(r"[0-9a-f]+")


class NotEditable(ServiceError):
    status_code = 409


class NotFound(ServiceError):
    status_code = 404


def clean_note(text: str | None) -> str:
    note = " ".join((text or "").replace("\x00", "").split())
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Catatan paling banyak {NOTE_MAX} karakter.", field="note")
    if NIK_LIKE.search(note):
        raise ServiceError("Catatan tidak boleh memuat NIK atau nomor KK (16 angka).",
                           field="note")
    return note


def _editable(cv: VervalVillage) -> None:
    if not cv.editable:
        raise NotEditable("Desa ini sudah mengajukan hasil verval; perubahan tidak dapat "
                          "disimpan kecuali dikembalikan oleh sekretariat.")


def find_by_nik(cv: VervalVillage, raw: str | None) -> VervalRecord:
    nik = keys.normalise(raw)
    if nik is None:
        raise ServiceError("NIK harus 16 digit angka.", field="nik")
    digest = keys.hasher()(keys.MEMBER, nik)
    del nik
    record = db.session.scalar(
        select(VervalRecord)
        .join(HouseholdMember, HouseholdMember.household_id == VervalRecord.household_id)
        .where(HouseholdMember.hash == digest, VervalRecord.campaign_village_id == cv.id))
    if record is None:
        raise NotFound(NOT_IN_DESA, field="nik")
    return record


def find_by_row(cv: VervalVillage, row_no: int | None, prefix: str | None) -> VervalRecord:
    text = (prefix or "").strip().lower()
    if row_no is None or not 1 <= row_no <= 1_000_000:
        raise ServiceError("Nomor baris tidak sah.", field="row")
    if len(text) < PREFIX_MIN or len(text) > 64 or not _HEX.fullmatch(text):
        raise ServiceError(f"Awalan hash minimal {PREFIX_MIN} karakter (0-9, a-f), seperti "
                           "tercetak pada daftar.", field="prefix")
    found = db.session.execute(
        select(VervalRecord, Household.hash)
        .join(Household, Household.id == VervalRecord.household_id)
        .where(VervalRecord.campaign_village_id == cv.id, VervalRecord.row_no == row_no)).first()
    if found is None or not bytes(found[1]).hex().startswith(text):
        raise NotFound("Nomor baris dan awalan hash tidak cocok dengan daftar desa ini.",
                       field="prefix")
    return found[0]


def record(cv: VervalVillage, user, *, status: str | None, note: str | None = "",
           nik: str | None = None, row_no: int | None = None,
           prefix: str | None = None) -> VervalRecord:
    """Set one household's status (and note); found by NIK when one is given, else by row."""
    _editable(cv)
    if status not in VERVAL_STATUSES:
        raise ServiceError("Pilih status rumah tangga.", field="status")
    note = clean_note(note)
    by_nik = bool((nik or "").strip())
    rec = find_by_nik(cv, nik) if by_nik else find_by_row(cv, row_no, prefix)
    old = {"status": rec.status, "note": rec.note}
    rec.status, rec.note = status, note
    rec.recorded_by_id, rec.recorded_at = getattr(user, "id", None), now()
    audit.record("verval", "verval_record", rec.id, old=old,
                 new={"status": status, "note": note, "row": rec.row_no},
                 parent=("verval_village", cv.id),
                 note="Dicatat dengan NIK (NIK tidak disimpan)" if by_nik
                 else "Dicatat dengan nomor baris", user=user)
    db.session.flush()
    return rec


def prefix_of(record_: VervalRecord) -> str:
    h = db.session.scalar(select(Household.hash).where(Household.id == record_.household_id))
    return keys.prefix(bytes(h))


def unrecorded(cv: VervalVillage) -> int:
    return db.session.scalar(select(func.count()).where(
        VervalRecord.campaign_village_id == cv.id, VervalRecord.status.is_(None))) or 0

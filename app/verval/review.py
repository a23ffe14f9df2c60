"""The desa submits; the secretariat approves or returns it with a note.

    open / returned --submit (desa, every household recorded)--> submitted
    submitted --approve (secretariat)--> approved: the statuses count for coverage
    submitted --return (secretariat, with a note)--> returned: the desa corrects and resubmits

Approval marks the desa's households that are no longer extreme-poor, moved, dead or duplicate
(EXIT_STATUSES) as leaving the campaign's snapshot (`household.verval_exit_snapshot_id`):
coverage stops counting them in its denominators and its unreached list; the records stay as
the history. Others of the desa lose such a mark from an earlier campaign on the same snapshot.
"""
from sqlalchemy import select, update

from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from app.cycle.notifications import notify_users
from models import EXIT_STATUSES, Household, User, VervalRecord, VervalVillage, db

from .recording import NIK_LIKE, NotEditable, unrecorded

TRANSITIONS = {"submit": (("open", "returned"), "submitted"),
               "approve": (("submitted",), "approved"),
               "return": (("submitted",), "returned")}
RETURN_NOTE_MAX = 500


def _move(cv: VervalVillage, action: str, user, note: str = "") -> None:
    sources, target = TRANSITIONS[action]
    if cv.state not in sources:
        raise NotEditable(f"Status desa ini '{cv.state_label}'; tindakan tidak dapat dilakukan.")
    old = cv.state
    cv.state = target
    audit.record(action, "verval_village", cv.id, old={"state": old},
                 new={"state": target, **({"note": note} if note else {})}, user=user)


def submit(cv: VervalVillage, user) -> None:
    left = unrecorded(cv)
    if left:
        raise ServiceError(f"Masih {left} rumah tangga belum dicatat; catat semuanya sebelum "
                           "mengajukan.")
    _move(cv, "submit", user)
    cv.submitted_at = now()
    reviewers = list(db.session.scalars(select(User.id).where(
        User.role == "secretariat", User.active)))
    notify_users(reviewers, "verval", f"Desa {cv.village.name} mengajukan hasil verval "
                 f"'{cv.campaign.name}'.")
    db.session.flush()


def _operators(cv: VervalVillage) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role == "desa", User.active, User.village_id == cv.village_id)))


def approve(cv: VervalVillage, user) -> int:
    """Approve and apply; the number of households leaving coverage."""
    _move(cv, "approve", user)
    cv.reviewed_at, cv.reviewed_by_id, cv.review_note = now(), user.id, ""
    snapshot_id = cv.campaign.snapshot_id
    exits = select(VervalRecord.household_id).where(
        VervalRecord.campaign_village_id == cv.id, VervalRecord.status.in_(EXIT_STATUSES))
    stays = select(VervalRecord.household_id).where(
        VervalRecord.campaign_village_id == cv.id, VervalRecord.status.not_in(EXIT_STATUSES))
    left = db.session.execute(
        update(Household).where(Household.id.in_(exits))
        .values(verval_exit_snapshot_id=snapshot_id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(
        update(Household).where(Household.id.in_(stays),
                                Household.verval_exit_snapshot_id == snapshot_id)
        .values(verval_exit_snapshot_id=None).execution_options(synchronize_session=False))
    notify_users(_operators(cv), "verval", f"Hasil verval '{cv.campaign.name}' desa "
                 f"{cv.village.name} disetujui.")
    db.session.flush()
    return left


def return_(cv: VervalVillage, user, note: str) -> None:
    note = " ".join((note or "").replace("\x00", "").split())
    if not note:
        raise ServiceError("Tuliskan alasan pengembalian.", field="note")
    if len(note) > RETURN_NOTE_MAX:
        raise ServiceError(f"Catatan paling banyak {RETURN_NOTE_MAX} karakter.", field="note")
    if NIK_LIKE.search(note):
        raise ServiceError("Catatan tidak boleh memuat NIK atau nomor KK (16 angka).",
                           field="note")
    _move(cv, "return", user, note)
    cv.reviewed_at, cv.reviewed_by_id, cv.review_note = now(), user.id, note
    notify_users(_operators(cv), "verval", f"Hasil verval '{cv.campaign.name}' desa "
                 f"{cv.village.name} dikembalikan: {note[:200]}")
    db.session.flush()

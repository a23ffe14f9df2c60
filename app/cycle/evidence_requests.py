"""The reviewer asks for evidence ("minta bukti dukung") on a tag's figure for a quarter, usually
an anomaly she cannot judge without the SP2D or a photo.

Rule: a request is open until the OPD attaches a file to that figure (it is then fulfilled,
automatically, by `evidence.attach`) or the reviewer withdraws it. An open request *stops the
OPD's next submission* (`workflow.submit` lists it beside missing figures and unexplained
anomalies), as an unexplained anomaly does: a flag alone would let the report come back without
the file and cost the reviewer another return. The OPD's officers are notified when a request
is made, and the sheet shows it on the row. Evidence can only be attached while the report is
open (draft or returned), so the reviewer asks, then returns the report.
"""
from sqlalchemy import func, select

from app.core import audit
from app.core.errors import ServiceError
from app.cycle.notifications import notify_opd
from models import Quarter, SubActivity, Tag, db, utcnow
from models.evidence import EvidenceRequest

NOTE_MAX = 500


def create(tag_id: int, quarter: Quarter, note: str, user) -> EvidenceRequest:
    """An open request for the tag's figure in `quarter` (flushed, audited, the OPD notified)."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Catatan paling banyak {NOTE_MAX} karakter.", field="note")
    tag = db.session.scalar(
        select(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(Tag.id == tag_id, SubActivity.fiscal_year_id == quarter.fiscal_year_id))
    if tag is None:
        raise ServiceError("Tagging tidak ditemukan pada tahun anggaran laporan ini.")
    if open_request(tag.id, quarter.id) is not None:
        raise ServiceError("Bukti dukung untuk tagging ini sudah diminta dan belum dipenuhi.")
    req = EvidenceRequest(tag_id=tag.id, quarter_id=quarter.id, opd_id=tag.opd_id, note=note,
                          status="open", requested_by_id=getattr(user, "id", None))
    db.session.add(req)
    db.session.flush()
    audit.record_create(req, opd_id=tag.opd_id, parent=("tag", tag.id), user=user)
    label = f"{quarter.label} {quarter.fiscal_year.year}"
    notify_opd(tag.opd_id, "comment",
               f"Sekretariat TKPKD meminta bukti dukung untuk {tag.sub_activity.code} · "
               f"{tag.description[:80]} ({label})" + (f": {note[:200]}" if note else ".")
               + " Unggah berkasnya pada lembar realisasi sebelum laporan diajukan.",
               quarter_id=quarter.id)
    return req


def open_request(tag_id: int, quarter_id: int) -> EvidenceRequest | None:
    return db.session.scalar(select(EvidenceRequest).where(
        EvidenceRequest.tag_id == tag_id, EvidenceRequest.quarter_id == quarter_id,
        EvidenceRequest.status == "open").limit(1))


def open_by_tag(opd_id: int, quarter_id: int) -> dict[int, EvidenceRequest]:
    """Tag id -> its open request for the quarter, one query (the sheet and the review page)."""
    return {r.tag_id: r for r in db.session.scalars(select(EvidenceRequest).where(
        EvidenceRequest.opd_id == opd_id, EvidenceRequest.quarter_id == quarter_id,
        EvidenceRequest.status == "open").order_by(EvidenceRequest.id))}


def fulfil(tag_id: int, quarter_id: int, user) -> int:
    """Close the open requests of the figure a file was just attached to; the number closed."""
    closed = 0
    for req in db.session.scalars(select(EvidenceRequest).where(
            EvidenceRequest.tag_id == tag_id, EvidenceRequest.quarter_id == quarter_id,
            EvidenceRequest.status == "open")):
        _close(req, "fulfilled", user)
        closed += 1
    return closed


def withdraw_open(opd_id: int, quarter_id: int, user) -> int:
    """Cancel the OPD's open requests for the quarter (its report was verified all the same)."""
    reqs = list(db.session.scalars(select(EvidenceRequest).where(
        EvidenceRequest.opd_id == opd_id, EvidenceRequest.quarter_id == quarter_id,
        EvidenceRequest.status == "open")))
    for req in reqs:
        _close(req, "cancelled", user)
    return len(reqs)


def open_counts(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(opd id, quarter id) -> open requests, one grouped query (the bulk verification)."""
    if not pairs:
        return {}
    rows = db.session.execute(
        select(EvidenceRequest.opd_id, EvidenceRequest.quarter_id, func.count(EvidenceRequest.id))
        .where(EvidenceRequest.status == "open",
               EvidenceRequest.opd_id.in_({o for o, _ in pairs}),
               EvidenceRequest.quarter_id.in_({q for _, q in pairs}))
        .group_by(EvidenceRequest.opd_id, EvidenceRequest.quarter_id)).all()
    return {(o, q): n for o, q, n in rows}


def cancel(req: EvidenceRequest, user) -> None:
    if req.status != "open":
        raise ServiceError("Permintaan bukti ini sudah ditutup.")
    _close(req, "cancelled", user)


def _close(req: EvidenceRequest, status: str, user) -> None:
    audit.record("update", "evidence_request", req.id, old={"status": req.status},
                 new={"status": status}, opd_id=req.opd_id, parent=("tag", req.tag_id),
                 user=user)
    req.status, req.closed_at = status, utcnow()


def open_labels(opd_id: int, quarter_id: int) -> list[str]:
    """`kode · aktivitas` of each tag with an open request: what stops the submission."""
    rows = db.session.execute(
        select(SubActivity.code, Tag.description)
        .select_from(EvidenceRequest).join(Tag, Tag.id == EvidenceRequest.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(EvidenceRequest.opd_id == opd_id, EvidenceRequest.quarter_id == quarter_id,
               EvidenceRequest.status == "open")
        .order_by(SubActivity.code, Tag.id)).all()
    return [f"{code} · {desc[:80]}" for code, desc in rows]

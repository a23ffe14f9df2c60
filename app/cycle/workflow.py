"""The quarterly submission of one OPD: draft -> submitted -> verified, or -> returned -> submitted.

Who may move it: the OPD's own officers (or the secretariat on their behalf) submit; only the
secretariat verifies, returns and reopens. Every transition leaves a SubmissionEvent and an audit
record. Lateness is judged once, on the first submission, against the end of the deadline day
in WIB.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from app.core import audit
from app.core.clock import WIB, now
from app.core.errors import ServiceError, StaleError
from app.cycle import evidence_requests
from app.cycle import notifications as notifications
from app.security import can_access_opd
from models import (
    Quarter,
    Realization,
    ReviewComment,
    SubActivity,
    Submission,
    SubmissionEvent,
    Tag,
    db,
)


class NotAllowedError(ServiceError):
    """The user's role (or OPD) may not make this transition: HTTP 403."""

    status_code = 403


class NotReadyError(ServiceError):
    """Figures missing or anomalies unexplained: the submission waits. The anomaly codes
    refreshed on the way are true all the same, so the caller may keep (commit) them."""


class WrongStateError(ServiceError):
    """The submission is not in a state this transition starts from: HTTP 409."""

    status_code = 409


# transition -> (states it starts from, state it leads to)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted"),
    "verify": (("submitted",), "verified"),
    "return": (("submitted",), "returned"),
    "reopen": (("verified",), "returned"),
}
_STATE_MESSAGES = {
    "submit": "Laporan hanya dapat diajukan dari status draf atau dikembalikan.",
    "verify": "Hanya laporan berstatus diajukan yang dapat diverifikasi.",
    "return": "Hanya laporan berstatus diajukan yang dapat dikembalikan.",
    "reopen": "Hanya laporan yang sudah diverifikasi yang dapat dibuka kembali.",
}


def may(user, action: str, submission: Submission) -> bool:
    """Whether the role (and OPD) of `user` allows `action`, whatever the current state."""
    if action == "submit":
        return can_access_opd(user, submission.opd_id, write=True)
    return getattr(user, "role", None) == "secretariat"


def can(user, action: str, submission: Submission | None) -> bool:
    """Role and state both allow it: what the templates ask before showing a button."""
    if submission is None:
        return False
    return may(user, action, submission) and submission.status in TRANSITIONS[action][0]


def is_late_at(quarter: Quarter, at: datetime) -> bool:
    """After the end of the deadline day, office time (WIB)."""
    return (at + WIB).date() > quarter.deadline


def find(opd_id: int, quarter_id: int) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.opd_id == opd_id, Submission.quarter_id == quarter_id))


def ensure_started(opd_id: int, quarter: Quarter, user) -> Submission:
    """The OPD's submission for the quarter, started as a draft the first time it is needed."""
    sub = find(opd_id, quarter.id)
    if sub is not None:
        return sub
    sub = Submission(opd_id=opd_id, quarter_id=quarter.id, status="draft", created_at=now())
    db.session.add(sub)
    db.session.flush()
    db.session.add(SubmissionEvent(submission_id=sub.id, from_status=None, to_status="draft",
                                   actor_id=getattr(user, "id", None), at=now()))
    audit.record("start", "submission", sub.id, new={"status": "draft"}, opd_id=opd_id,
                 parent=("quarter", quarter.id), user=user)
    return sub


def _guard(user, action: str, sub: Submission, version: int | None) -> None:
    if not may(user, action, sub):
        raise NotAllowedError("Peran Anda tidak berwenang melakukan tindakan ini.")
    if version is not None and version != sub.version:
        raise StaleError(current=sub)
    if sub.status not in TRANSITIONS[action][0]:
        raise WrongStateError(f"{_STATE_MESSAGES[action]} Status saat ini: "
                              f"{sub.status_label.lower()}.")


def _move(sub: Submission, action: str, user, note: str = "", extra: dict | None = None):
    old = sub.status
    sub.status = TRANSITIONS[action][1]
    event = SubmissionEvent(submission=sub, from_status=old, to_status=sub.status,
                            actor_id=user.id, note=note, at=now())
    db.session.add(event)
    db.session.flush()
    audit.record("resubmit" if action == "submit" and old == "returned" else action,
                 "submission", sub.id, old={"status": old},
                 new={"status": sub.status, **(extra or {})}, opd_id=sub.opd_id,
                 parent=("quarter", sub.quarter_id), note=note, user=user)
    return event


def submit_problems(opd_id: int, quarter: Quarter) -> dict[str, list[str]]:
    """What stops a submission: tags with no figure for the quarter, anomalies unexplained,
    evidence the reviewer asked for and the OPD has not attached (services/evidence_requests)."""
    tags = (
        select(Tag.id, SubActivity.code, Tag.description)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == quarter.fiscal_year_id)
    )
    missing = tags.outerjoin(Realization, (Realization.tag_id == Tag.id)
                             & (Realization.quarter_id == quarter.id)
                             ).where(Realization.id.is_(None)).order_by(SubActivity.code, Tag.id)
    unexplained = tags.join(Realization, (Realization.tag_id == Tag.id)
                            & (Realization.quarter_id == quarter.id)).where(
        Realization.anomalies != "",
        func.trim(func.coalesce(Realization.explanation, "")) == "",
    ).order_by(SubActivity.code, Tag.id)
    label = "{} · {}".format
    return {
        "missing": [label(code, desc[:80]) for _, code, desc in db.session.execute(missing)],
        "unexplained": [label(code, desc[:80])
                        for _, code, desc in db.session.execute(unexplained)],
        "evidence": evidence_requests.open_labels(opd_id, quarter.id),
    }


def submit(sub: Submission, user, *, version: int | None = None) -> SubmissionEvent:
    _guard(user, "submit", sub, version)
    # Anomaly codes depend on the previous quarter, which may have changed since the save.
    from app.cycle.figures import refresh_anomalies

    refresh_anomalies(sub.opd_id, sub.quarter)
    problems = submit_problems(sub.opd_id, sub.quarter)
    if problems["missing"] or problems["unexplained"] or problems["evidence"]:
        parts = []
        if problems["missing"]:
            parts.append(f"{len(problems['missing'])} tagging belum diisi realisasinya")
        if problems["unexplained"]:
            parts.append(f"{len(problems['unexplained'])} anomali belum diberi penjelasan")
        if problems["evidence"]:
            parts.append(f"{len(problems['evidence'])} bukti dukung yang diminta Sekretariat "
                         "belum diunggah")
        raise NotReadyError("Laporan belum dapat diajukan: " + "; ".join(parts) + ".",
                            errors=problems)
    t = now()
    sub.submitted_at = t
    extra = {"submitted_at": t.isoformat()}
    resubmitted = sub.first_submitted_at is not None
    if not resubmitted:
        sub.first_submitted_at = t
        sub.is_late = is_late_at(sub.quarter, t)
        extra["is_late"] = sub.is_late
    event = _move(sub, "submit", user, extra=extra)
    notifications.on_submitted(sub, resubmitted)
    return event


def verify(sub: Submission, user, *, note: str = "", version: int | None = None):
    _guard(user, "verify", sub, version)
    sub.verified_at = now()
    event = _move(sub, "verify", user, note=(note or "").strip(),
                  extra={"verified_at": sub.verified_at.isoformat()})
    # Verified all the same: the reviewer no longer waits for the evidence she asked for.
    evidence_requests.withdraw_open(sub.opd_id, sub.quarter_id, user)
    notifications.on_transition(sub, "verify")
    return event


def return_(sub: Submission, user, *, general: str, tag_comments: dict[int, str] | None = None,
            version: int | None = None) -> SubmissionEvent:
    """Back to the OPD with a general comment (required) and optional comments per tag."""
    _guard(user, "return", sub, version)
    general = (general or "").strip()
    if not general:
        raise ServiceError("Tuliskan catatan umum alasan pengembalian.", field="general")
    tag_comments = {k: v.strip() for k, v in (tag_comments or {}).items() if v and v.strip()}
    if tag_comments:
        own = set(db.session.scalars(
            select(Tag.id).join(SubActivity, SubActivity.id == Tag.sub_activity_id).where(
                SubActivity.opd_id == sub.opd_id,
                SubActivity.fiscal_year_id == sub.quarter.fiscal_year_id,
                Tag.id.in_(list(tag_comments)))))
        if set(tag_comments) - own:
            raise ServiceError("Catatan ditujukan pada tagging yang bukan milik OPD ini.",
                               field="general")
    event = _move(sub, "return", user, note=general,
                  extra={"tag_comments": len(tag_comments)})
    _comment(sub, event, user, general, None)
    for tag_id, body in sorted(tag_comments.items()):
        _comment(sub, event, user, body, tag_id)
    notifications.on_transition(sub, "return", general, tag_comments=len(tag_comments))
    return event


def anomaly_counts(submission_ids: list[int]) -> dict[int, int]:
    """Submission id -> realizations of its OPD and quarter flagged by an anomaly rule."""
    if not submission_ids:
        return {}
    stmt = (
        select(Submission.id, func.count(Realization.id))
        .join(SubActivity, SubActivity.opd_id == Submission.opd_id)
        .join(Tag, Tag.sub_activity_id == SubActivity.id)
        .join(Realization, (Realization.tag_id == Tag.id)
              & (Realization.quarter_id == Submission.quarter_id))
        .where(Submission.id.in_(submission_ids), Realization.anomalies != "")
        .group_by(Submission.id)
    )
    return dict(db.session.execute(stmt).all())


@dataclass
class BulkResult:
    verified: list[Submission] = field(default_factory=list)
    refused: list[tuple[Submission, str]] = field(default_factory=list)  # with the reason


BULK_NOTE = "Diverifikasi bersama laporan lain (verifikasi massal)."


def verify_many(items: list[tuple[Submission, int | None]], user) -> BulkResult:
    """Verify several submitted reports at once: only clean ones. A report with any anomaly
    (explained or not) needs the reviewer's judgement on its own page, so it is refused with its
    name, as is one that changed since the list was opened or is not awaiting verification.
    Each verified report gets its own event and audit record, as if verified one by one."""
    from app.cycle.figures import refresh_anomalies

    result = BulkResult()
    for sub, _ in items:
        if not may(user, "verify", sub):
            raise NotAllowedError("Peran Anda tidak berwenang melakukan tindakan ini.")
    for sub, _ in items:
        if sub.status == "submitted":
            refresh_anomalies(sub.opd_id, sub.quarter)
    counts = anomaly_counts([sub.id for sub, _ in items])
    asked = evidence_requests.open_counts([(sub.opd_id, sub.quarter_id) for sub, _ in items])
    for sub, version in items:
        if version is not None and version != sub.version:
            result.refused.append((sub, "berubah sejak daftar dibuka"))
        elif sub.status != "submitted":
            result.refused.append((sub, f"berstatus {sub.status_label.lower()}"))
        elif counts.get(sub.id):
            result.refused.append((sub, f"{counts[sub.id]} anomali, periksa satu per satu"))
        elif asked.get((sub.opd_id, sub.quarter_id)):
            result.refused.append((sub, "bukti dukung yang diminta belum diunggah"))
        else:
            verify(sub, user, note=BULK_NOTE, version=version)
            result.verified.append(sub)
    return result


def reopen(sub: Submission, user, *, reason: str, version: int | None = None):
    """Unlock a verified report: it goes back to the OPD as returned, the reason as comment."""
    _guard(user, "reopen", sub, version)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Alasan membuka kembali wajib diisi.", field="reason")
    sub.verified_at = None
    event = _move(sub, "reopen", user, note=reason)
    _comment(sub, event, user, reason, None)
    notifications.on_transition(sub, "reopen", reason)
    return event


def _comment(sub, event, user, body: str, tag_id: int | None) -> None:
    c = ReviewComment(submission=sub, event=event, author_id=user.id, body=body, tag_id=tag_id,
                      created_at=event.at)
    db.session.add(c)
    db.session.flush()
    audit.record_create(c, opd_id=sub.opd_id, parent=("submission", sub.id), user=user)

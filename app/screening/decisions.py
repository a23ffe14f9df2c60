"""People decide: a suggestion becomes a tag only when a person saves the tag form it opened
(`accepted`, recorded with the tag), or is turned down with a reason (`rejected`: the line is
not suggested again; the same code elsewhere learns from it). One decision per sub kegiatan; a
new decision replaces the old one. Every decision is audited; nothing here writes a tag.

Sending lines to their OPDs for review is a notification per officer, one per OPD, listing them.
"""
from collections import defaultdict
from decimal import Decimal

from app.core import audit
from app.core.errors import ServiceError
from app.cycle.notifications import notify_opd
from models import SubActivity, SuggestionDecision, Tag, db, utcnow

REASON_MAX = 500
KINDS = ("langsung", "tidak_langsung", "penunjang")


def _upsert(sa: SubActivity, **values) -> SuggestionDecision:
    row = db.session.query(SuggestionDecision).filter_by(sub_activity_id=sa.id).one_or_none()
    old = audit.snapshot(row) if row is not None else None
    if row is None:
        row = SuggestionDecision(sub_activity_id=sa.id)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    row.code = sa.code
    row.decided_at = utcnow()
    db.session.flush()
    return row, old


def _score(score) -> Decimal | None:
    try:
        value = Decimal(str(score)).quantize(Decimal("0.0001"))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return value if Decimal(0) <= value <= Decimal(1) else None


def reject(sa: SubActivity, reason: str, user_id: int | None, *, score=None,
           strategy: int | None = None, kind: str | None = None) -> SuggestionDecision:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ServiceError("Isi alasan penolakan.", field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Alasan paling banyak {REASON_MAX} karakter.", field="reason")
    row, old = _upsert(sa, decision="rejected", reason=reason, tag_id=None,
                       strategy_code=strategy if strategy in (1, 2, 3) else None,
                       tag_kind_code=kind if kind in KINDS else None, score=_score(score),
                       decided_by_id=user_id)
    audit.record("reject_suggestion", "suggestion_decision", row.id, old=old,
                 new=audit.snapshot(row), opd_id=sa.opd_id, parent=("sub_activity", sa.id),
                 note=reason[:200])
    return row


def accept(tag: Tag, user_id: int | None, *, score=None) -> SuggestionDecision:
    """The person saved the tag form a suggestion opened: record it as an accepted suggestion."""
    sa = tag.sub_activity
    row, old = _upsert(sa, decision="accepted", reason="", tag_id=tag.id,
                       strategy_code=tag.strategy.code, tag_kind_code=tag.tag_kind.code,
                       score=_score(score), decided_by_id=user_id)
    audit.record("accept_suggestion", "suggestion_decision", row.id, old=old,
                 new=audit.snapshot(row), opd_id=sa.opd_id, parent=("sub_activity", sa.id),
                 note="saran penyaringan diterima melalui formulir tagging")
    return row


def send_to_opds(lines) -> int:
    """One notification per officer of each OPD with its lines; the number of OPDs reached."""
    by_opd = defaultdict(list)
    for line in lines:
        by_opd[line.opd_id].append(line)
    reached = 0
    for opd_id, items in sorted(by_opd.items()):
        listed = "; ".join(
            f"{x.code} {x.name[:80]}"
            + (f" (Strategi {x.suggestion['strategy_code']})"
               if x.suggestion.get("strategy_code") else "") for x in items[:20])
        more = f"; dan {len(items) - 20} lainnya" if len(items) > 20 else ""
        text = (f"Sekretariat TKPKD meminta peninjauan {len(items)} sub kegiatan yang disarankan "
                f"melayani kemiskinan ekstrem: {listed}{more}. Tandai bila sesuai.")
        if notify_opd(opd_id, "comment", text):
            reached += 1
        audit.record("send_suggestions", "opd", opd_id, new={"sub_activity_ids":
                                                             [x.sa_id for x in items]},
                     opd_id=opd_id)
    return reached

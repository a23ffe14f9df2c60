"""Every refused push or upload on record (issue 30): a `federation_refusal` row and an audit
entry with the kabupaten (whose token came, or whose code the bundle claimed), the reason, the
size of the body, the address and the time; never the body, the token or its hash. The
province sees them on its "Ditolak" list and on the kabupaten's page; the kabupaten that
pushed reads the reason in the answer (kept on its *Kirim ke Provinsi* page).

Written after the refused transaction was rolled back, in a transaction of its own, so a
refusal never keeps anything of the bundle.
"""
from sqlalchemy import select

from app.core import audit
from models import FederationRefusal, db

from .receive import BundleRefused

RECENT = 200


def record(exc: BundleRefused, *, source: str, size: int, address: str = "",
           member_id: int | None = None, user=None) -> FederationRefusal:
    row = FederationRefusal(
        member_id=exc.member_id or member_id, claimed_code=(exc.claimed_code or "")[:20],
        source=source, status=exc.status, reason=exc.message[:500], size=size,
        address=(address or "")[:64], user_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    entry = audit.record("refuse", "federation_bundle", None, user=user, new={
        "kabupaten_id": row.member_id, "claimed_code": row.claimed_code, "source": source,
        "status": row.status, "reason": row.reason, "size": size})
    entry.ip = row.address[:45]
    return row


def recent(member_id: int | None = None, limit: int = RECENT) -> list[FederationRefusal]:
    stmt = select(FederationRefusal).order_by(FederationRefusal.id.desc()).limit(limit)
    if member_id is not None:
        stmt = stmt.where(FederationRefusal.member_id == member_id)
    return list(db.session.scalars(stmt))


__all__ = ["record", "recent"]

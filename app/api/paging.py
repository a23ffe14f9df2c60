"""One pagination envelope for every list: {"items": [...], "meta": {page, per_page, ...}}."""
from sqlalchemy import func, select

from models import db


def page_of(stmt, args, transform=None):
    page, per_page = args.get("page", 1), args.get("per_page", 50)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    rows = result.all() if transform else result.scalars().all()
    items = [transform(r) for r in rows] if transform else rows
    return {"items": items, "meta": {"page": page, "per_page": per_page, "total": total,
                                     "pages": (total + per_page - 1) // per_page}}

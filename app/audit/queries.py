"""Audit-log reads: the filtered, paginated viewer and a tag's realization history. Filtering,
counting and paging happen in SQL."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from models import AuditLog, Opd, Quarter, Realization, User, db


@dataclass
class AuditFilter:
    user_id: int | None = None
    opd_id: int | None = None
    entity: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None

    def where(self, stmt):
        if self.user_id:
            stmt = stmt.where(AuditLog.user_id == self.user_id)
        if self.opd_id:
            stmt = stmt.where(AuditLog.opd_id == self.opd_id)
        if self.entity:
            stmt = stmt.where(AuditLog.entity == self.entity)
        if self.action:
            stmt = stmt.where(AuditLog.action == self.action)
        if self.start:
            stmt = stmt.where(AuditLog.at >= datetime.combine(self.start, time.min))
        if self.end:  # the whole last day
            stmt = stmt.where(AuditLog.at < datetime.combine(self.end + timedelta(days=1),
                                                             time.min))
        return stmt


def page(flt: AuditFilter, number: int, per_page: int) -> tuple[list, int]:
    """(rows of (AuditLog, username, user name, OPD short name), total count)."""
    total = db.session.scalar(flt.where(select(func.count(AuditLog.id))))
    rows = db.session.execute(_rows(flt).limit(per_page).offset((number - 1) * per_page)).all()
    return rows, total


def all_rows(flt: AuditFilter, limit: int):
    return db.session.execute(_rows(flt).limit(limit)).all()


def _rows(flt: AuditFilter):
    return flt.where(
        select(AuditLog, User.username, User.full_name,
               func.coalesce(func.nullif(Opd.short_name, ""), Opd.name))
        .outerjoin(User, User.id == AuditLog.user_id)
        .outerjoin(Opd, Opd.id == AuditLog.opd_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()))


def choices() -> dict[str, list]:
    """What the filters offer: the object types and actions present, users, OPDs."""
    return {
        "entities": list(db.session.scalars(select(AuditLog.entity).distinct()
                                            .order_by(AuditLog.entity))),
        "actions": list(db.session.scalars(select(AuditLog.action).distinct()
                                           .order_by(AuditLog.action))),
        "users": db.session.execute(select(User.id, User.username, User.full_name)
                                    .order_by(User.username)).all(),
        "opds": db.session.execute(select(Opd.id, Opd.code, Opd.name)
                                   .order_by(Opd.code)).all(),
    }


def realization_history(tag_id: int) -> list:
    """Every recorded save of the tag's realization, oldest first per quarter: (AuditLog,
    quarter number, user name). The quarter comes from the realization row (updates) or the
    values of its creation."""
    qnum = func.coalesce(Quarter.number, 0)
    stmt = (
        select(AuditLog, qnum.label("quarter"), User.full_name)
        .outerjoin(Realization, Realization.id == AuditLog.entity_id)
        .outerjoin(Quarter, Quarter.id == Realization.quarter_id)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.entity == "realization", or_(
            (AuditLog.parent_entity == "tag") & (AuditLog.parent_id == tag_id),
            AuditLog.entity_id.in_(select(Realization.id).where(Realization.tag_id == tag_id))))
        .order_by(qnum, AuditLog.at, AuditLog.id))
    return db.session.execute(stmt).all()

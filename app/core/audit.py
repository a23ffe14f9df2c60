"""Audit records for every write: who, when, what, the values before and after."""
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect

from models import AuditLog, db

# realized_quarters: kept by the database from the realization rows (models/quarter_mask.py),
# nobody's edit, and stale on an object loaded before a row was written.
SKIPPED_FIELDS = {"version", "created_at", "updated_at", "password_hash", "logo",
                  "realized_quarters"}


def plain(value: Any) -> Any:
    """A column value as JSON holds it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj) -> dict[str, Any]:
    """The column values of a model instance, JSON-ready."""
    mapper = sa_inspect(obj).mapper
    return {
        col.key: plain(getattr(obj, col.key))
        for col in mapper.column_attrs
        if col.key not in SKIPPED_FIELDS
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    old: dict | None = None,
    new: dict | None = None,
    opd_id: int | None = None,
    parent: tuple[str, int] | None = None,
    note: str = "",
    user=None,
) -> AuditLog:
    """Add one audit record to the session (the caller's transaction commits it)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    entry = AuditLog(
        user_id=getattr(user, "id", None),
        opd_id=opd_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        parent_entity=parent[0] if parent else None,
        parent_id=parent[1] if parent else None,
        old_values=old,
        new_values=new,
        note=note[:500],
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def record_create(obj, *, opd_id=None, parent=None, note="", user=None) -> AuditLog:
    db.session.flush()
    return record("create", obj.__tablename__, obj.id, new=snapshot(obj), opd_id=opd_id,
                  parent=parent, note=note, user=user)


def record_update(obj, before: dict, *, opd_id=None, parent=None, note="", user=None):
    """Audit the fields that changed since `before` (a snapshot); nothing if none did."""
    old, new = diff(before, snapshot(obj))
    if not new:
        return None
    return record("update", obj.__tablename__, obj.id, old=old, new=new, opd_id=opd_id,
                  parent=parent, note=note, user=user)


def record_delete(obj, *, opd_id=None, parent=None, note="", user=None) -> AuditLog:
    return record("delete", obj.__tablename__, obj.id, old=snapshot(obj), opd_id=opd_id,
                  parent=parent, note=note, user=user)

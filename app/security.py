"""Who may do what: the role decorator and the one per-object guard.

Every view that loads an OPD-owned object goes through `load_for(...)` (or `check_opd_access`
when it only has an OPD id), so an `opd` user who types another OPD's URL is refused whatever
menu it did or did not see.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from models import db

# Roles that may read every OPD's detail, and roles that may write on any OPD's behalf.
READ_ALL = ("secretariat", "viewer", "admin")
WRITE_ALL = ("secretariat",)


def role_required(*roles: str):
    """Login, then the role: 403 for a logged-in user of another role."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_access_opd(user, opd_id: int | None, *, write: bool = False) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if write:
        if user.role in WRITE_ALL:
            return True
        return user.role == "opd" and opd_id is not None and user.opd_id == opd_id
    if user.role in READ_ALL:
        return True
    return user.role == "opd" and opd_id is not None and user.opd_id == opd_id


def check_opd_access(opd_id: int | None, *, write: bool = False, user=None) -> None:
    user = user if user is not None else current_user
    if not user.is_authenticated:
        abort(401)
    if not can_access_opd(user, opd_id, write=write):
        abort(403)


def load_for(model, obj_id: int, *, write: bool = False, user=None):
    """Load `model` by id, 404 when missing, 403 when the user may not see (or change) it.

    Objects say which OPD they belong to through an `opd_id` attribute or property.
    """
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    check_opd_access(obj.opd_id, write=write, user=user)
    return obj

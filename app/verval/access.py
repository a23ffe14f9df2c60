"""Who may open a desa's verval: its own operators and the secretariat (the reviewer).

Another desa's operator gets 404, not 403: the answer does not confirm that the id exists."""
from flask import abort
from flask_login import current_user

from models import VervalVillage, db

REVIEWERS = ("secretariat",)


def may_see(user, cv: VervalVillage) -> bool:
    if user.role == "desa":
        return user.village_id is not None and cv.village_id == user.village_id
    return user.role in REVIEWERS


def load_cv(cv_id: int, user=None) -> VervalVillage:
    user = user if user is not None else current_user
    cv = db.session.get(VervalVillage, cv_id)
    if cv is None or not user.is_authenticated:
        abort(404)
    if not may_see(user, cv):
        abort(404 if user.role == "desa" else 403)
    return cv

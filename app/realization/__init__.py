from flask import Blueprint

bp = Blueprint("realization", __name__)

from . import evidence_views, views  # noqa: E402,F401

from flask import Blueprint

bp = Blueprint("review", __name__)

from . import evidence_views, views  # noqa: E402,F401

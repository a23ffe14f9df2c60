from flask import Blueprint

bp = Blueprint("lokus", __name__)

from . import views  # noqa: E402,F401

from flask import Blueprint

bp = Blueprint("realization", __name__)

from . import views  # noqa: E402,F401

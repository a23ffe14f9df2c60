from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import builds, views  # noqa: E402,F401

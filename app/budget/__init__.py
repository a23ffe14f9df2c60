from flask import Blueprint

bp = Blueprint("budget", __name__)

from . import views  # noqa: E402,F401

"""Issue 17: other funding sources at the lokus desa, themes (KLASIK), strategy frameworks."""
from flask import Blueprint

bp = Blueprint("convergence", __name__)

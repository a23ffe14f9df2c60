"""`/bantuan`: open to every signed-in user; the guide for the user's own role comes first."""
from flask import render_template
from flask_login import current_user, login_required

from . import bp
from .content import GLOSSARY, GUIDES


@bp.route("/", strict_slashes=False)
@login_required
def index():
    role = current_user.role
    guides = sorted(GUIDES, key=lambda g: g["role"] != role)
    return render_template("help/index.html", guides=guides, glossary=GLOSSARY, role=role)

"""`/bantuan`: open to every signed-in user; the guide for the user's own role comes first."""
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_login import current_user, login_required

from . import bp
from .content import GLOSSARY, GUIDES, SCREENSHOTS


@bp.route("/", strict_slashes=False)
@login_required
def index():
    role = current_user.role
    guides = sorted(GUIDES, key=lambda g: g["role"] != role)
    return render_template("help/index.html", guides=guides, glossary=GLOSSARY, role=role,
                           shots=_shots())


def _shots() -> dict[str, dict[int, tuple[str, str]]]:
    """role -> step index -> (url, alt) of the screenshots whose files are present."""
    folder = Path(current_app.static_folder) / "help"
    return {role: {i: (url_for("static", filename=f"help/{name}"), alt)
                   for i, (name, alt) in steps.items() if (folder / name).is_file()}
            for role, steps in SCREENSHOTS.items()}

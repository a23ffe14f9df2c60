"""A user's own choice of notifications by e-mail (/akun/surel)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from models import NOTIFICATION_KIND_LABELS, db

from . import notify

prefs_bp = Blueprint("mail_prefs", __name__)


@prefs_bp.route("/akun/surel", methods=["GET", "POST"])
@login_required
def preferences():
    if request.method == "POST":  # CSRF is checked by CSRFProtect before the view runs
        chosen = set(request.form.getlist("kinds"))
        notify.set_kinds(current_user._get_current_object(), chosen & set(notify.MAILED_KINDS))
        db.session.commit()
        flash("Pilihan notifikasi surel disimpan.", "success")
        return redirect(url_for("mail_prefs.preferences"), code=303)
    return render_template("mail/preferences.html", kinds=notify.MAILED_KINDS,
                           labels=NOTIFICATION_KIND_LABELS,
                           chosen=notify.kinds_of(current_user.id))

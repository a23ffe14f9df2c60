from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from forms.auth import ChangePasswordForm, LoginForm
from models import db

from ..services import ServiceError
from ..services.accounts import LoginError, authenticate, set_password
from . import bp


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login is a phishing gift.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except LoginError as exc:
            db.session.commit()  # keep the failure count and any lock
            error = exc.message
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append("Kata sandi saat ini salah.")
        else:
            try:
                set_password(current_user, form.password.data, actor=current_user)
            except ServiceError as exc:
                form.password.errors.append(exc.message)
            else:
                db.session.commit()
                flash("Kata sandi telah diganti.", "success")
                return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)

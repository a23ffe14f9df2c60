from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from app.accounts import login_history
from app.accounts.accounts import LoginError, authenticate, end_sessions, set_password
from app.core.errors import ServiceError
from forms.auth import ChangePasswordForm, LoginForm
from models import db

from . import bp, device


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
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr,
                                device=device.device_for(form.username.data))
        except LoginError as exc:
            login_history.record(form.username.data, request.remote_addr, error=exc)
            db.session.commit()  # keep the failure counts and any block
            error, status = exc.message, exc.status
            if exc.retry_after:
                headers["Retry-After"] = str(exc.retry_after)
        else:
            login_history.record(user.username, request.remote_addr, user=user)
            db.session.commit()
            login_user(user)
            response = redirect(_safe_next(request.args.get("next")))
            device.remember(response, user.username)
            return response
    return render_template("auth/login.html", form=form, error=error), status, headers


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends every session of the user, so a copied cookie is worth nothing afterwards.
    end_sessions(current_user)
    db.session.commit()
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
            user = current_user._get_current_object()
            try:
                set_password(user, form.password.data, actor=user,
                             revoke_tokens=form.revoke_tokens.data)
            except ServiceError as exc:
                form.password.errors.append(exc.message)
            else:
                login_user(user)  # this session carries the new epoch; all others end
                db.session.commit()
                flash("Kata sandi telah diganti. Sesi lain akun ini telah diakhiri"
                      + (" dan semua token API dicabut." if form.revoke_tokens.data else "."),
                      "success")
                return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)

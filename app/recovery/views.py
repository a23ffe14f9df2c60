"""Thin views over services/password_reset.py; the mail goes through the outbox."""
import time

from flask import current_app, flash, redirect, render_template, request, session, url_for

from app.accounts import password_reset as service
from app.core.errors import ServiceError
from forms.recovery import ResetPasswordForm, ResetRequestForm
from models import db

from ..mail import send_pending
from ..mail import settings as mail_settings
from ..mail.outbox import queue
from . import bp

SUBJECT = "Atur ulang kata sandi Tagar"


def _link(secret: str) -> str:
    base = current_app.config.get("BASE_URL")
    path = url_for("recovery.reset", t=secret)
    return base.rstrip("/") + path if base else url_for("recovery.reset", t=secret,
                                                        _external=True)


def _body(user, link: str) -> str:
    minutes = current_app.config.get("PASSWORD_RESET_MINUTES", 60)
    return (f"Yth. {user.full_name},\n\n"
            f"Ada permintaan untuk mengatur ulang kata sandi akun Tagar '{user.username}'.\n"
            f"Buka tautan berikut dalam {minutes} menit untuk membuat kata sandi baru "
            f"(hanya dapat dipakai sekali):\n\n{link}\n\n"
            "Jika Anda tidak memintanya, abaikan surel ini; kata sandi Anda tidak berubah.\n")


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
def request_reset():
    if not mail_settings.configured(current_app.config):
        return render_template("recovery/request.html", form=None, sent=False)
    form = ResetRequestForm()
    if form.validate_on_submit():
        started = time.perf_counter()
        try:
            address = service.check_throttle(request.remote_addr)
        except service.ResetThrottled as exc:
            return (render_template("recovery/request.html", form=form, error=exc.message),
                    429, {"Retry-After": str(exc.retry_after)})
        service.count_request(address)
        user = service.find_user(form.identifier.data)
        if user is not None:
            secret = service.create_link(user, address)
            queue(user.email, SUBJECT, _body(user, _link(secret)), kind="password_reset",
                  user_id=user.id)
        db.session.commit()
        send_pending()  # inside the padded time, not after it
        _pad(started)
        return render_template("recovery/request.html", form=None, sent=True)
    return render_template("recovery/request.html", form=form, sent=False)


def _pad(started: float) -> None:
    """Answer no sooner than PASSWORD_RESET_FLOOR_MS after the request began: a known name
    (a link, an audit row, a mail queued) then takes as long as an unknown one. Measured with
    Redis as the queue: median 16.4 against 12.4 ms without the floor, 102.4 against 102.1 ms
    with it."""
    floor = current_app.config["PASSWORD_RESET_FLOOR_MS"] / 1000
    left = floor - (time.perf_counter() - started)
    if left > 0:
        time.sleep(left)


SESSION_KEY = "password_reset"


@bp.route("/atur-ulang-kata-sandi", methods=["GET", "POST"])
def reset():
    """The link's secret arrives in the query string (kept out of the request log, which drops
    queries), moves into the signed session, and the browser is sent on to the bare URL: the
    secret stays out of the address bar, the history and any Referer."""
    secret = request.args.get("t")
    if request.method == "GET" and secret is not None:
        if service.valid_link(secret) is None:
            return _invalid()
        session[SESSION_KEY] = secret[:100]
        return redirect(url_for("recovery.reset"), code=303)
    token = session.get(SESSION_KEY) or ""
    form = ResetPasswordForm()
    if request.method == "POST":
        try:
            address = service.check_throttle(request.remote_addr)
        except service.ResetThrottled as exc:
            return (render_template("recovery/reset.html", form=None, error=exc.message),
                    429, {"Retry-After": str(exc.retry_after)})
        if service.valid_link(token) is None:
            service.count_request(address)
            db.session.commit()
            return _invalid()
        if form.validate_on_submit():
            try:
                service.complete(token, form.password.data)
            except ServiceError as exc:
                db.session.rollback()
                form.password.errors = [*form.password.errors, exc.message]
            else:
                db.session.commit()
                session.pop(SESSION_KEY, None)
                flash("Kata sandi telah diatur ulang dan semua sesi lama diakhiri. "
                      "Silakan masuk dengan kata sandi baru.", "success")
                return redirect(url_for("auth.login"), code=303)
        return render_template("recovery/reset.html", form=form), 400
    if service.valid_link(token) is None:
        return _invalid()
    return render_template("recovery/reset.html", form=form)


def _invalid():
    session.pop(SESSION_KEY, None)
    return render_template("recovery/reset.html", form=None, error=service.INVALID), 400

"""Thin views over services/password_reset.py; the mail goes through the outbox."""
import time

from flask import current_app, flash, redirect, render_template, request, session, url_for

from app.accounts import password_reset as service
from app.core.errors import ServiceError
from forms.recovery import ResetCodeForm, ResetPasswordForm, ResetRequestForm
from models import db

from ..mail import send_pending
from ..mail import settings as mail_settings
from ..mail.outbox import queue
from . import bp

SUBJECT = "Atur ulang kata sandi Tagar"


def _page() -> str:
    base = current_app.config.get("BASE_URL")
    path = url_for("recovery.reset")
    return base.rstrip("/") + path if base else url_for("recovery.reset", _external=True)


def _link(secret: str) -> str:
    """The secret rides in the fragment (#t=...), which a browser never sends: it reaches no
    request line, so no access log (gunicorn's, nginx's, a proxy's) and no Referer. The page's
    script (static/reset.js) posts it; without script the person pastes the code."""
    return f"{_page()}#t={secret}"


def _body(user, secret: str) -> str:
    minutes = current_app.config.get("PASSWORD_RESET_MINUTES", 60)
    return (f"Yth. {user.full_name},\n\n"
            f"Ada permintaan untuk mengatur ulang kata sandi akun Tagar '{user.username}'.\n"
            f"Buka tautan berikut dalam {minutes} menit untuk membuat kata sandi baru "
            f"(hanya dapat dipakai sekali):\n\n{_link(secret)}\n\n"
            f"Bila tautan tidak terbuka dengan benar, buka {_page()} lalu tempelkan kode "
            f"berikut:\n\n{secret}\n\n"
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
            queue(user.email, SUBJECT, _body(user, secret), kind="password_reset",
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


@bp.route("/atur-ulang-kata-sandi/kode", methods=["POST"])
def reset_code():
    """The code from the mail, posted by static/reset.js from the link's fragment or pasted by
    the person: checked, moved into the signed session, and the browser sent on to the form.
    A wrong code counts against the address like a reset request."""
    form = ResetCodeForm()
    try:
        address = service.check_throttle(request.remote_addr)
    except service.ResetThrottled as exc:
        return (render_template("recovery/reset.html", form=None, error=exc.message),
                429, {"Retry-After": str(exc.retry_after)})
    code = (form.code.data or "").strip()[:100] if form.validate_on_submit() else ""
    if not code or service.valid_link(code) is None:
        service.count_request(address)
        db.session.commit()
        return _invalid()
    session[SESSION_KEY] = code
    return redirect(url_for("recovery.reset"), code=303)


@bp.route("/atur-ulang-kata-sandi", methods=["GET", "POST"])
def reset():
    """Without a code in the session: the page that takes the code (from the link's fragment,
    by script, or pasted). With one: the new password's form. No secret is ever read from the
    URL (a query string is written to access logs; a link of the old form gets the code page)."""
    if request.method == "GET" and not session.get(SESSION_KEY):
        return render_template("recovery/code.html", form=ResetCodeForm())
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

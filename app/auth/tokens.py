"""Personal API tokens in the UI: create (shown once), list, revoke."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import confirmations
from app.accounts.api_tokens import create_token, revoke_token
from app.core.errors import ServiceError
from app.templating import datetime_id
from forms.auth import TokenForm
from models import ApiToken, db

from . import bp


@bp.route("/akun/token", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            token, secret = create_token(current_user, form.name.data)
        except ServiceError as exc:
            form.name.errors.append(exc.message)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, secret=secret)


@bp.route("/akun/token/<int:token_id>/cabut", methods=["GET", "POST"])
@login_required
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(403)
    if token.revoked_at is not None:
        return redirect(url_for("auth.tokens"))
    if not confirmations.confirmed():
        used = datetime_id(token.last_used_at) if token.last_used_at else "belum pernah"
        return confirmations.ask(
            f"cabut token {token.name}",
            [f"Token {token.name} ({token.prefix}…) dicabut: 1 token, tidak dapat dipakai lagi "
             "dan tidak dapat diaktifkan kembali.",
             f"Aplikasi atau skrip yang memakainya ditolak (401). Terakhir dipakai: {used}.",
             "Token lain Anda tidak berubah."],
            "Ya, cabut token", url_for("auth.tokens"))
    revoke_token(token, actor=current_user)
    db.session.commit()
    flash(f"Token {token.name} dicabut.", "success")
    return redirect(url_for("auth.tokens"))

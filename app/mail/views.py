"""The administrator's outbox: every mail with its state and reason, and a retry."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app.core.input_guards import query_int
from models import MAIL_STATUS_LABELS, MailOutbox, db

from ..security import role_required
from . import bp, outbox, settings

PER_PAGE = 50


@bp.route("/")
@role_required("admin")
def index():
    status = request.args.get("status") or ""
    if status and status not in MAIL_STATUS_LABELS:
        status = ""
    page = query_int("page", lo=1, hi=100000) or 1
    stmt = select(MailOutbox)
    if status:
        stmt = stmt.where(MailOutbox.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(MailOutbox.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("mail/outbox.html", rows=rows, status=status, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total,
                           counts=outbox.counts(), labels=MAIL_STATUS_LABELS,
                           configured=settings.configured(current_app.config))


@bp.route("/<int:mail_id>/kirim-ulang", methods=["POST"])
@role_required("admin")
def retry(mail_id: int):
    mail = db.session.get(MailOutbox, mail_id) or abort(404)
    if outbox.retry(mail):
        db.session.commit()
        flash(f"Surel ke {mail.recipient} dimasukkan kembali ke antrean.", "success")
    else:
        flash("Surel ini tidak perlu dikirim ulang.", "info")
    return redirect(url_for("mail.index"), code=303)

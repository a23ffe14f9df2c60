"""The reviewer asks an OPD for evidence on a tag's figure (and withdraws the request): thin
views over services/evidence_requests.py, back to the review page."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import ServiceError
from app.cycle import evidence_requests as service
from forms.evidence_request import CancelEvidenceRequestForm, EvidenceRequestForm
from forms.review import DecisionForm
from models import SubActivity, Submission, Tag, db
from models.evidence import EvidenceRequest

from ..refusals import refused
from ..security import load_for, role_required
from . import bp
from .views import _load, _render


def _with_review_page(sub: Submission, back: str):
    """Sent from the review page's decision form (issue 23), the request carries the comments
    typed on every row: the page is rendered again with them instead of redirecting, so none
    is lost. A bare request (the row's note only) is redirected as before."""
    if "general" not in request.form:
        return redirect(back)
    return _render(_load(sub.id), form=DecisionForm())


@bp.route("/<int:submission_id>/minta-bukti/<int:tag_id>", methods=["POST"])
@role_required("secretariat")
def request_evidence(submission_id: int, tag_id: int):
    sub = load_for(Submission, submission_id)
    formdata = request.form.copy()
    if f"note-{tag_id}" in formdata:  # the row's box on the review page names its tag
        formdata["note"] = formdata[f"note-{tag_id}"]
    form = EvidenceRequestForm(formdata=formdata)
    back = url_for("review.detail", submission_id=sub.id) + f"#tag-{tag_id}"
    if not form.validate_on_submit():
        if form.errors.keys() - {"csrf_token"}:
            flash(" ".join(form.note.errors), "danger")
            return _with_review_page(sub, back)
        abort(400)
    if sub.status == "verified":
        return refused("Laporan ini sudah diverifikasi; buka kembali terlebih dahulu untuk "
                       "meminta bukti dukung.", 409, back)
    if db.session.scalar(select(Tag.id).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
                         .where(Tag.id == tag_id, SubActivity.opd_id == sub.opd_id)) is None:
        abort(404)  # not a tag of this report's OPD
    try:
        service.create(tag_id, sub.quarter, form.note.data, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return _with_review_page(sub, back)
    flash("Permintaan bukti dukung dikirim ke OPD."
          + (" Kembalikan laporan agar OPD dapat mengunggahnya." if sub.status == "submitted"
             else ""), "success")
    return _with_review_page(sub, back)


@bp.route("/permintaan-bukti/<int:request_id>/batal", methods=["POST"])
@role_required("secretariat")
def cancel_evidence_request(request_id: int):
    req = load_for(EvidenceRequest, request_id)
    if not CancelEvidenceRequestForm().validate_on_submit():
        abort(400)
    sub = db.session.scalar(select(Submission).where(
        Submission.opd_id == req.opd_id, Submission.quarter_id == req.quarter_id))
    back = (url_for("review.detail", submission_id=sub.id) + f"#tag-{req.tag_id}" if sub
            else url_for("review.queue"))
    try:
        service.cancel(req, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "warning")
        return redirect(back)
    flash("Permintaan bukti dukung dibatalkan.", "success")
    return redirect(back)

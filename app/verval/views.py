"""Verval pages. The desa operator: its campaigns, its desa's sheet (find by NIK or row, one small
form per household), submit. The secretariat: open a campaign, progress per desa and kecamatan,
review a desa. Thin: load, check, parse, one service, commit."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.clock import today
from app.core.errors import ServiceError, StaleError
from app.core.input_guards import query_int
from forms.verval import STATUS_CHOICES, CampaignForm, RecordForm, ReviewForm, SubmitForm
from models import VERVAL_STATUS_LABELS, VervalCampaign, VervalVillage, Village, db
from models.verval import DESA_STATE_LABELS
from reports.queries import verval as progress

from ..exports import wants_xlsx, xlsx_response
from ..refusals import race_as_stale
from ..security import role_required
from . import bp, campaigns, exports, recording, review
from .access import load_cv

ROLES = ("desa", "secretariat")


@bp.route("/")
@role_required(*ROLES)
def home():
    if current_user.role == "secretariat":
        return redirect(url_for("verval.campaign_list"))
    rows = campaigns.campaigns_of_village(current_user.village_id)
    return render_template("verval/desa_home.html", rows=rows, today=today(),
                           village=db.session.get(Village, current_user.village_id))


@bp.route("/desa/<int:cv_id>")
@role_required(*ROLES)
def sheet(cv_id: int):
    cv = load_cv(cv_id)
    page = query_int("halaman", lo=1, hi=100_000) or 1
    only_open = request.args.get("belum") == "1"
    rows, count = progress.records(cv.id, page, only_open)
    summary = progress.by_village(cv.campaign, today(), village_id=cv.village_id)[0]
    return render_template(
        "verval/sheet.html", cv=cv, rows=rows, count=count, page=page, only_open=only_open,
        pages=max(1, -(-count // progress.PAGE_SIZE)), summary=summary, form=RecordForm(),
        statuses=STATUS_CHOICES, labels=VERVAL_STATUS_LABELS, submit_form=SubmitForm(),
        review_form=ReviewForm())


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/desa/<int:cv_id>/catat", methods=["POST"])
@role_required("desa")
def record(cv_id: int):
    cv = load_cv(cv_id)
    form = RecordForm()
    page = form.page.data if (form.page.data or "").isdigit() else "1"
    back = url_for("verval.sheet", cv_id=cv.id, halaman=page)
    if not form.validate_on_submit():
        return _answer(False, "Formulir tidak sah atau kedaluwarsa; muat ulang halaman.", back,
                       400)
    try:
        with race_as_stale():
            rec = recording.record(cv, current_user, status=form.status.data,
                                   note=form.note.data, nik=form.nik.data,
                                   row_no=form.row_number(), prefix=form.prefix.data)
            prefix = recording.prefix_of(rec)
            db.session.commit()
    except StaleError as exc:  # a concurrent save of the same household won
        return _answer(False, exc.message, back, 409)
    except ServiceError as exc:
        db.session.rollback()
        return _answer(False, exc.message, back, getattr(exc, "status_code", 400))
    left = recording.unrecorded(cv)
    message = f"Tersimpan: baris {rec.row_no} ({prefix}) {rec.status_label}."
    if _wants_json():
        return jsonify(ok=True, message=message, row=rec.row_no, prefix=prefix,
                       status=rec.status, status_label=rec.status_label, unrecorded=left)
    flash(message, "success")
    return redirect(f"{back}#r{rec.row_no}", code=303)


def _answer(ok: bool, message: str, back: str, status: int):
    if _wants_json():
        return jsonify(ok=ok, message=message), status
    flash(message, "danger")
    return redirect(back, code=303)


@bp.route("/desa/<int:cv_id>/ajukan", methods=["POST"])
@role_required("desa")
def submit(cv_id: int):
    cv = load_cv(cv_id)
    if not SubmitForm().validate_on_submit():
        abort(400)
    return _transition(cv, lambda: review.submit(cv, current_user),
                       "Hasil verval diajukan ke sekretariat.")


@bp.route("/desa/<int:cv_id>/setujui", methods=["POST"])
@role_required("secretariat")
def approve(cv_id: int):
    cv = load_cv(cv_id)
    if not ReviewForm().validate_on_submit():
        abort(400)
    return _transition(cv, lambda: review.approve(cv, current_user),
                       "Hasil verval desa disetujui; cakupan rumah tangga diperbarui.")


@bp.route("/desa/<int:cv_id>/kembalikan", methods=["POST"])
@role_required("secretariat")
def return_(cv_id: int):
    cv = load_cv(cv_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    return _transition(cv, lambda: review.return_(cv, current_user, form.note.data),
                       "Hasil verval desa dikembalikan.")


def _transition(cv: VervalVillage, action, done: str):
    try:
        with race_as_stale():
            action()
            db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(done, "success")
    return redirect(url_for("verval.sheet", cv_id=cv.id), code=303)


# --- secretariat -----------------------------------------------------------------------------

@bp.route("/kampanye", methods=["GET", "POST"])
@role_required("secretariat")
def campaign_list():
    form = CampaignForm()
    villages = db.session.scalars(select(Village).order_by(Village.code)).all()
    form.villages.choices = [(v.id, f"{v.code} {v.name}") for v in villages]
    if form.validate_on_submit():
        chosen = None if form.scope.data == "all" else list(form.villages.data or [])
        try:
            campaign = campaigns.open_campaign(form.name.data, form.deadline.data, chosen,
                                               current_user)
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(exc.message)
        else:
            db.session.commit()
            flash("Kampanye verval dibuka; operator desa diberi tahu.", "success")
            return redirect(url_for("verval.campaign", campaign_id=campaign.id), code=303)
    rows = db.session.scalars(select(VervalCampaign).order_by(VervalCampaign.id.desc())).all()
    return render_template("verval/campaigns.html", form=form, rows=rows,
                           snap=campaigns.current_snapshot())


@bp.route("/kampanye/<int:campaign_id>")
@role_required("secretariat")
def campaign(campaign_id: int):
    c = db.session.get(VervalCampaign, campaign_id) or abort(404)
    on = today()
    district_id = query_int("kecamatan", lo=1, hi=2_147_483_647)
    villages = progress.by_village(c, on, district_id=district_id)
    districts = progress.by_district(c, on)
    if wants_xlsx():
        return xlsx_response(exports.tables(c, villages, districts, district_id),
                             f"verval-{c.id}-per-desa.xlsx")
    return render_template("verval/campaign.html", c=c, villages=villages,
                           districts=districts, total=progress.total(districts), on=on,
                           district_id=district_id, labels=VERVAL_STATUS_LABELS,
                           state_labels=DESA_STATE_LABELS)

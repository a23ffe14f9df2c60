"""Realization entry for one OPD and quarter: the sheet, save, copy the previous quarter, submit.

Thin: every route loads, checks the OPD (per object), calls a service, commits once.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from forms.realization import CopyPreviousForm, SheetForm, SubmitForm, parse_sheet
from models import Opd, Quarter, db

from ..input_guards import query_int
from ..refusals import race_as_stale, refused
from ..security import check_opd_access, role_required
from ..services import LockedError, ServiceError, StaleError, workflow
from ..services import realization as service
from ..services.reference import fiscal_year, reporting_quarter
from . import bp

entry_roles = role_required("opd", "secretariat")


def pick_quarter():
    """The fiscal year (`?tahun=`, default the current one) and quarter (`?triwulan=`)."""
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    number = query_int("triwulan")
    if number is None:
        quarter = reporting_quarter(fy)
    else:
        quarter = service.quarter_in(fy, number)
    if quarter is None:
        abort(404)
    return fy, quarter


def _target(opd_id: int, quarter_id: int) -> tuple[Opd, Quarter]:
    check_opd_access(opd_id, write=True)
    return db.get_or_404(Opd, opd_id), db.get_or_404(Quarter, quarter_id)


def _back(opd: Opd, quarter: Quarter) -> str:
    return url_for("realization.index", opd=opd.id, triwulan=quarter.number,
                   tahun=quarter.fiscal_year.year)


def render_sheet(opd, quarter, *, raw=None, errors=None, stale=(), problems=None, status=200):
    rows = service.sheet(opd.id, quarter)
    opds = []
    if current_user.role != "opd":
        opds = db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all()
    submission = workflow.find(opd.id, quarter.id)
    try:  # a sheet that cannot be saved opens read-only, saying why
        service.ensure_writable(opd.id, quarter, current_user)
        lock_reason = None
    except LockedError as exc:
        lock_reason = exc.message
    return render_template(
        "realization/index.html", opd=opd, quarter=quarter, fy=quarter.fiscal_year, rows=rows,
        opds=opds, submission=submission, previous=service.previous_quarter(quarter),
        locked=lock_reason is not None, lock_reason=lock_reason, raw=raw or {}, errors=errors or {},
        stale=set(stale), problems=problems, form=SheetForm(), copy_form=CopyPreviousForm(),
        submit_form=SubmitForm(), can_submit=submission is None or workflow.can(
            current_user, "submit", submission)), status


@bp.route("/")
@entry_roles
def index():
    fy, quarter = pick_quarter()
    if current_user.role == "opd":
        opd_id = query_int("opd") or current_user.opd_id
    else:
        opd_id = query_int("opd")
        if opd_id is None:
            opds = db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all()
            return render_template("realization/pick.html", opds=opds, fy=fy, quarter=quarter)
    check_opd_access(opd_id)
    return render_sheet(db.get_or_404(Opd, opd_id), quarter)


@bp.route("/<int:opd_id>/<int:quarter_id>", methods=["POST"])
@entry_roles
def save(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    if not SheetForm().validate_on_submit():
        abort(400)
    tags = service.opd_tags(opd.id, quarter.fiscal_year_id)
    rows, raw, errors = parse_sheet(request.form, tags)
    if errors:
        flash("Periksa isian yang ditandai; tidak ada yang disimpan.", "danger")
        return render_sheet(opd, quarter, raw=raw, errors=errors)
    try:
        with race_as_stale():
            saved = service.save_sheet(opd.id, quarter, rows, current_user)
            db.session.commit()
    except LockedError as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except StaleError as exc:
        db.session.rollback()
        # A lost race names no row: every row of this save shows its stored values again.
        stale = exc.current or [r.tag_id for r in rows]
        flash(exc.message, "danger")
        keep = {k: v for k, v in raw.items() if k not in set(stale)}
        return render_sheet(opd, quarter, raw=keep, stale=stale, status=409)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message + " Tidak ada yang disimpan.", "danger")
        return render_sheet(opd, quarter, raw=raw)
    flash(f"Realisasi disimpan ({saved} tagging berubah)." if saved
          else "Tidak ada perubahan.", "success" if saved else "info")
    return redirect(_back(opd, quarter))


@bp.route("/<int:opd_id>/<int:quarter_id>/salin", methods=["POST"])
@entry_roles
def copy_previous(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    if not CopyPreviousForm().validate_on_submit():
        abort(400)
    try:
        with race_as_stale():
            copied = service.copy_previous(opd.id, quarter, current_user)
            db.session.commit()
    except (LockedError, StaleError) as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(_back(opd, quarter))
    flash(f"{copied} tagging diisi dari triwulan sebelumnya; periksa dan sesuaikan." if copied
          else "Tidak ada yang disalin: semua tagging sudah terisi atau triwulan sebelumnya "
               "kosong.", "success" if copied else "info")
    return redirect(_back(opd, quarter))


@bp.route("/<int:opd_id>/<int:quarter_id>/ajukan", methods=["POST"])
@entry_roles
def submit(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        with race_as_stale():
            sub = workflow.ensure_started(opd.id, quarter, current_user)
            workflow.submit(sub, current_user, version=version)
            db.session.commit()
    except (workflow.NotAllowedError, workflow.WrongStateError) as exc:
        db.session.rollback()
        return refused(exc.message, exc.status_code, _back(opd, quarter))
    except StaleError as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except workflow.NotReadyError as exc:
        db.session.rollback()
        # Nothing is submitted, but the refreshed anomaly flags are true: keep them, so the
        # sheet marks the rows the refusal names.
        service.refresh_anomalies(opd.id, quarter)
        db.session.commit()
        flash(exc.message, "danger")
        return render_sheet(opd, quarter, problems=exc.errors)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return render_sheet(opd, quarter, problems=exc.errors)
    flash(f"Laporan {quarter.label} diajukan ke Sekretariat TKPKD"
          + (" (melewati batas waktu)." if sub.is_late else "."), "success")
    return redirect(_back(opd, quarter))

"""Import pages: upload, preview (nothing written but the file), commit (all or nothing; a
large file as a job whose state the status page shows), the template."""
import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.budget.services.sipd_import import apply_plan, build_plan, done_message
from app.core.errors import ServiceError
from forms.budget import ConfirmForm, ImportForm
from models import FiscalYear, Opd, db

from ..jobs import imports
from ..security import check_opd_access
from . import bp, uploads
from .template_xlsx import build_template
from .views import fiscal_year_from_args, list_url, opd_from_args, writer


@bp.route("/impor", methods=["GET", "POST"])
@writer
def import_upload():
    fy = fiscal_year_from_args() or abort(404)
    opd = opd_from_args(write=True)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Pilih berkas .xlsx atau .csv."]
        else:
            data = upload.read()
            plan = build_plan(upload.filename, data, opd.id, fy.id)
            token = None
            if plan.ok:
                token = uploads.save(data, upload.filename, user_id=current_user.id,
                                     opd_id=opd.id, fiscal_year_id=fy.id, rows=len(plan.rows))
                db.session.commit()  # the file, for the commit (on any node or worker)
            return render_template("budget/import_preview.html", plan=plan, opd=opd, fy=fy,
                                   token=token, filename=upload.filename, confirm=ConfirmForm())
    return render_template("budget/import.html", form=form, opd=opd, fy=fy)


@bp.route("/impor/<token>", methods=["POST"])
@writer
def import_commit(token: str):
    stored = uploads.load(token, current_user.id)
    if stored is None:
        flash("Berkas pratinjau tidak ditemukan atau sudah kedaluwarsa. Unggah ulang berkas.",
              "danger")
        return redirect(url_for("budget.index"))
    check_opd_access(stored.opd_id, write=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    opd = db.session.get(Opd, stored.opd_id) or abort(404)
    fy = db.session.get(FiscalYear, stored.fiscal_year_id) or abort(404)
    if imports.runs_as_job(stored.rows):
        imports.start(stored)  # commits, then queues: written by a worker, all or nothing
        return redirect(url_for("budget.import_status", job_id=stored.id), code=303)
    plan = build_plan(stored.filename, stored.data, opd.id, fy.id)  # the file, read again
    try:
        with db.session.begin_nested():
            counts = apply_plan(plan, opd.id, fy.id, note=f"Impor berkas {stored.filename}")
    except ServiceError:
        return render_template("budget/import_preview.html", plan=plan, opd=opd, fy=fy,
                               token=None, filename=stored.filename,
                               confirm=ConfirmForm()), 409
    uploads.discard(stored)
    db.session.commit()
    flash(done_message(counts), "success")
    return redirect(list_url(opd.id, fy))


@bp.route("/impor/pekerjaan/<int:job_id>")
@writer
def import_status(job_id: int):
    """A queued import's state; the page reloads itself until the job has finished."""
    job = imports.job_of(job_id, current_user, "sipd") or abort(404)
    db.session.commit()  # a stalled job has just been marked failed
    fy = db.session.get(FiscalYear, job.fiscal_year_id)
    return render_template("budget/import_job.html", job=job, title="Impor sub kegiatan",
                           back_url=list_url(job.opd_id, fy) if fy else url_for("budget.index"),
                           back_label="Ke daftar sub kegiatan")


@bp.route("/impor/templat")
@login_required
def import_template():
    return send_file(io.BytesIO(build_template()), as_attachment=True,
                     download_name="templat-sub-kegiatan-tagar.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

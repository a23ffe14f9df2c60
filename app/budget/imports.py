"""Import pages: upload, preview (nothing written), commit (all or nothing), the template."""
import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from forms.budget import ConfirmForm, ImportForm
from models import FiscalYear, Opd, db

from ..security import check_opd_access
from ..services import ServiceError
from ..services.sipd_import import apply_plan, build_plan
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
                                     opd_id=opd.id, fiscal_year_id=fy.id)
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
    meta, data = stored
    check_opd_access(meta["opd_id"], write=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    opd = db.session.get(Opd, meta["opd_id"]) or abort(404)
    fy = db.session.get(FiscalYear, meta["fiscal_year_id"]) or abort(404)
    plan = build_plan(meta["filename"], data, opd.id, fy.id)  # the file, read again here
    try:
        with db.session.begin_nested():
            counts = apply_plan(plan, opd.id, fy.id, note=f"Impor berkas {meta['filename']}")
    except ServiceError:
        return render_template("budget/import_preview.html", plan=plan, opd=opd, fy=fy,
                               token=None, filename=meta["filename"],
                               confirm=ConfirmForm()), 409
    db.session.commit()
    uploads.discard(token)
    flash(f"Impor selesai: {counts['created']} dibuat, {counts['updated']} diubah, "
          f"{counts['unchanged']} tidak berubah.", "success")
    return redirect(list_url(opd.id, fy))


@bp.route("/impor/templat")
@login_required
def import_template():
    return send_file(io.BytesIO(build_template()), as_attachment=True,
                     download_name="templat-sub-kegiatan-tagar.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

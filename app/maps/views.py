"""The boundary import page: upload, preview (matched, unmatched, desa without a boundary,
refused features), then an all-or-nothing commit of the prepared plan kept between the two
(app/setup/uploads.py, kind "maps": bound to the user, a day at most)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.core.errors import ServiceError, StaleError
from app.setup import uploads
from forms.maps import BoundaryConfirmForm, BoundaryUploadForm
from models import AreaBoundary, Village, db

from ..refusals import race_as_stale, refused
from ..security import role_required
from . import EDITORS, bp, importer

RACED = "Batas wilayah sedang diubah pengguna lain pada saat yang sama; tidak ada yang disimpan."


def _status() -> dict:
    desa = db.session.scalar(select(func.count()).select_from(Village)) or 0
    rows = dict(db.session.execute(select(AreaBoundary.level, func.count()).group_by(
        AreaBoundary.level)).all())
    fictional = db.session.scalar(select(func.count()).select_from(AreaBoundary).where(
        AreaBoundary.fictional.is_(True))) or 0
    return {"desa": desa, "with_desa": rows.get("desa", 0),
            "with_kecamatan": rows.get("kecamatan", 0), "fictional": fictional}


@bp.route("/", methods=["GET", "POST"])
@role_required(*EDITORS)
def upload():
    form = BoundaryUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        if not file or not file.filename:
            form.file.errors = ["Pilih berkas .geojson, .json atau .zip."]
        else:
            data = file.read(importer.MAX_READ + 1)
            try:
                plan = importer.build_plan(data, file.filename, form.code_property.data or None)
            except ServiceError as exc:
                getattr(form, exc.field or "file", form.file).errors = [exc.message]
                return render_template("maps/upload.html", form=form, status=_status()), 422
            token = None
            if plan.ok:
                token = uploads.save("maps", importer.pack(plan), file.filename, current_user.id)
                db.session.commit()
            return render_template("maps/preview.html", plan=plan, token=token,
                                   confirm=BoundaryConfirmForm())
    return render_template("maps/upload.html", form=form, status=_status())


@bp.route("/<token>", methods=["POST"])
@role_required(*EDITORS)
def commit(token: str):
    if not BoundaryConfirmForm().validate_on_submit():
        abort(400)
    stored = uploads.load(token, current_user.id, "maps")
    if stored is None:
        flash("Pratinjau tidak ditemukan atau sudah kedaluwarsa. Unggah ulang berkas.", "danger")
        return redirect(url_for("maps.upload"))
    try:
        plan = importer.unpack(stored.data)
        with race_as_stale():  # two imports of the same areas at the same moment
            with db.session.begin_nested():
                summary = importer.apply_plan(plan, actor=current_user)
            uploads.discard(stored)
            db.session.commit()
    except StaleError:
        return refused(f"{RACED} Unggah ulang berkas.", 409, url_for("maps.upload"))
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("maps.upload"))
    flash(f"Batas wilayah tersimpan: {summary['desa']} desa, {summary['kecamatan']} kecamatan "
          f"dari berkas; {summary['kecamatan_derived']} batas kecamatan dibentuk dari desanya.",
          "success")
    return redirect(url_for("maps.upload"))

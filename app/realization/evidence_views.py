"""Evidence files on the realization sheet: upload to a tag's figure, download (to whoever may
see the OPD), remove while the report is still open. Thin, like the sheet's own views."""
from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from app.core.errors import LockedError, ServiceError, StaleError
from app.cycle import evidence as service
from app.cycle import figures
from app.cycle import realization as sheet_service
from forms.realization import parse_sheet
from models import Evidence, Opd, Quarter, db

from ..refusals import race_as_stale, refused
from ..security import check_opd_access, load_for, role_required
from . import bp, layout
from .views import render_sheet

entry_roles = role_required("opd", "secretariat")


def _back(opd_id: int, quarter: Quarter, tag_id: int | None = None) -> str:
    return url_for("realization.index", opd=opd_id, triwulan=quarter.number,
                   tahun=quarter.fiscal_year.year) + (f"#tag-{tag_id}" if tag_id else "")


@bp.route("/<int:opd_id>/<int:quarter_id>/bukti/<int:tag_id>", methods=["POST"])
@entry_roles
def upload_evidence(opd_id: int, quarter_id: int, tag_id: int):
    check_opd_access(opd_id, write=True)
    quarter = db.get_or_404(Quarter, quarter_id)
    # The sheet's "Unggah" sends the whole sheet (its file field is named for the tag); the
    # API-like form of old sends one field named "file".
    upload = request.files.get(f"file-{tag_id}") or request.files.get("file")
    back = _back(opd_id, quarter, tag_id)
    if upload is None or not upload.filename:
        flash("Pilih berkas bukti (PDF, JPG, atau PNG) terlebih dahulu.", "warning")
        return _sheet_or(back, opd_id, quarter)
    try:
        with race_as_stale():
            r = service.realization_of(tag_id, quarter.id, opd_id)
            ev = service.attach(r, upload.stream, upload.filename, current_user)
            db.session.commit()
    except (LockedError, StaleError) as exc:
        upload.close()
        db.session.rollback()
        return refused(exc.message, 409, back)
    except ServiceError as exc:
        upload.close()  # a large upload is spooled to a temporary file: let it go now
        db.session.rollback()
        flash(exc.message, "danger")
        return _sheet_or(back, opd_id, quarter)
    upload.close()
    flash(f"Bukti {ev.filename} diunggah.", "success")
    return _sheet_or(back, opd_id, quarter)


def _sheet_or(back: str, opd_id: int, quarter: Quarter):
    """Never lose what was typed on the sheet (issue 23): figures and explanations that came
    with the upload and differ from what is stored are shown again, not saved (an upload is
    not a save); with nothing unsaved, back to the sheet as before."""
    tags = figures.opd_tags(opd_id, quarter.fiscal_year_id)
    parsed, raw, errors = parse_sheet(request.form, tags)
    typed = layout.unsaved(sheet_service.sheet(opd_id, quarter), parsed, errors)
    if not typed:
        return redirect(back)
    flash("Isian lembar yang belum disimpan tetap ditampilkan; tekan \"Simpan\" untuk "
          "menyimpannya.", "warning")
    return render_sheet(db.get_or_404(Opd, opd_id), quarter,
                        raw={k: v for k, v in raw.items() if k in typed})


@bp.route("/bukti/<int:evidence_id>")
@login_required
def download_evidence(evidence_id: int):
    ev = load_for(Evidence, evidence_id)
    path = service.path_of(ev)
    if not path.is_file():
        abort(404)
    # Read whole (files are bounded, a few MB): no file handle outlives the request.
    return send_file(BytesIO(path.read_bytes()), mimetype=ev.content_type, as_attachment=True,
                     download_name=ev.filename, max_age=0)


@bp.route("/bukti/<int:evidence_id>/hapus", methods=["POST"])
@entry_roles
def delete_evidence(evidence_id: int):
    ev = load_for(Evidence, evidence_id, write=True)
    r = ev.realization
    quarter, opd_id, tag_id = r.quarter, ev.opd_id, r.tag_id
    back = _back(opd_id, quarter, tag_id)
    try:
        with race_as_stale():
            path = service.detach(ev, current_user)
            db.session.commit()
    except (LockedError, StaleError) as exc:
        db.session.rollback()
        return refused(exc.message, 409, back)
    path.unlink(missing_ok=True)  # only once the removal is committed
    flash("Bukti dihapus.", "success")
    return redirect(back)

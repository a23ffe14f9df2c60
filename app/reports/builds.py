"""Report builds on the web: start one from the report form, poll its state, download its file.

The form's request becomes a build (app/reports/build_service.py) that the job queue works; a
request that
matches a finished build gets its file at once. Every build is loaded through `load_for`, so an
OPD user reaches only its own OPD's builds (a kabupaten-wide build belongs to no OPD: 403).
"""
from io import BytesIO

from flask import current_app, flash, jsonify, redirect, send_file, url_for
from flask_login import current_user

from app.core.errors import ServiceError
from app.reports.build_service import queued_id, refresh, request_build
from models import ReportBuild, db
from reports.content.kemenko import VARIANTS
from reports.render import FILE_TYPES

from ..jobs import enqueue
from ..security import load_for, role_required
from . import bp

ROLES = ("opd", "secretariat", "viewer", "admin")
QUEUE_DOWN = "Antrean pekerjaan tidak dapat dihubungi. Coba lagi beberapa saat lagi."


def start_build(form):
    """The response to a valid report form: the file when it is ready, else a redirect to the
    page that shows the build's progress. None (with the error on its field) for a bad choice."""
    try:
        build, created = request_build(
            form.fmt.data, user=current_user, year=form.year.data, variant=form.variant.data,
            quarter=form.quarter.data, semester=form.semester.data,
            opd_id=form.opd_id.data or None, include_unverified=form.include_unverified.data,
            number=(form.number.data or "").strip(), addressees=form.addressees.data or (),
            theme_id=form.theme_id.data or None, framework=form.framework.data or "")
    except ServiceError as exc:
        db.session.rollback()
        field = getattr(form, {"opd": "opd_id"}.get(exc.field, exc.field or ""), form.variant)
        field.errors = [*field.errors, exc.message]
        return None
    db.session.commit()
    if created:
        build_id = queued_id(build)
        try:
            enqueue("report.build", build_id)
        except Exception:
            current_app.logger.exception("enqueue of report build %s failed", build_id)
            build.status, build.error = "failed", QUEUE_DOWN
            db.session.commit()
        db.session.refresh(build)  # an immediate-mode job has already run, in its own session
    if build.status == "done":
        return _send(build)
    if build.status == "failed":
        flash(f"Laporan gagal disusun: {build.error}", "error")
    else:
        flash("Laporan sedang disusun. Unduhan dimulai otomatis setelah selesai; tautan unduh "
              "juga muncul di daftar di bawah.", "info")
    return redirect(url_for("reports.index", _anchor=f"build-{build.id}"), code=303)


@bp.context_processor
def _labels():
    return {"variant_labels": VARIANTS}


def _send(build: ReportBuild):
    return send_file(BytesIO(build.data), mimetype=FILE_TYPES[build.kind], as_attachment=True,
                     download_name=build.file_name)


def status_of(build: ReportBuild) -> dict:
    """What the page's poller (and the API) shows of a build."""
    return {
        "id": build.id, "status": build.status, "status_label": build.status_label,
        "progress": build.progress, "error": build.error or None,
        "file_name": build.file_name or None, "size": build.size,
        "download_url": url_for("reports.build_file", build_id=build.id)
        if build.status == "done" else None,
    }


def watched(build: ReportBuild) -> ReportBuild:
    """A build as it really is: one whose worker stopped answering is failed with the reason,
    one whose queue entry was lost is queued again (build_service.refresh)."""
    state = refresh(build)
    if state is None:
        return build
    db.session.commit()
    if state == "requeue":
        try:
            enqueue("report.build", build.id)
        except Exception:  # still queued: the next poll or request tries again
            current_app.logger.warning("re-enqueue of report build %s failed", build.id)
    return build


@bp.route("/bangun/<int:build_id>")
@role_required(*ROLES)
def build_status(build_id: int):
    return jsonify(status_of(watched(load_for(ReportBuild, build_id))))


@bp.route("/bangun/<int:build_id>/berkas")
@role_required(*ROLES)
def build_file(build_id: int):
    build = load_for(ReportBuild, build_id)
    if build.status != "done":
        return redirect(url_for("reports.index", _anchor=f"build-{build.id}"))
    return _send(build)

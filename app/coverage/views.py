"""Household coverage pages: the coverage view, the secretariat's BNBA import, pseudonymous list
and cek NIK, and the OPDs' beneficiary lists. Thin: load, check, parse, one service, commit."""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import ServiceError
from app.core.input_guards import INT32_MAX, query_int
from app.core.money import format_number
from app.reference.service import current_fiscal_year, fiscal_year, reporting_quarter
from forms.coverage import (
    BnbaConfirmForm,
    BnbaForm,
    ConfirmForm,
    ListForm,
    LookupForm,
    RealizationForm,
)
from models import District, FiscalYear, Opd, SubActivity, Tag, db
from reports.queries import coverage as report

from ..exports import wants_xlsx, xlsx_response
from ..jobs import imports
from ..security import check_opd_access, load_for, role_required
from . import beneficiaries, bnba, bp, exports, lookup, views_support

READERS = ("secretariat", "viewer", "admin", "opd")


def _year() -> FiscalYear | None:
    year = query_int("tahun")
    return (fiscal_year(year) if year is not None else None) or current_fiscal_year()


@bp.route("/")
@role_required(*READERS)
def index():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    quarter = query_int("triwulan", lo=1, hi=4) or getattr(reporting_quarter(fy), "number", 4)
    district_id = query_int("kecamatan", lo=1, hi=INT32_MAX)
    figures = views_support.figures(fy, quarter, district_id)
    all_districts = db.session.scalars(select(District).order_by(District.code)).all()
    if wants_xlsx() and figures["snap"] is not None:
        return xlsx_response(
            exports.coverage_tables(fy, quarter, _name(all_districts, district_id), figures),
            f"cakupan-rumah-tangga-{fy.year}-tw{quarter}.xlsx")
    return render_template(
        "coverage/index.html", fy=fy, quarter=quarter, district_id=district_id, **figures,
        years=db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all(),
        all_districts=all_districts)


def _name(districts, district_id: int | None) -> str | None:
    if district_id is None:
        return None
    return next((d.name for d in districts if d.id == district_id), "(tidak dikenal)")


@bp.route("/belum-terjangkau")
@role_required("secretariat")
def unreached():
    fy = _year()
    snap = report.current_snapshot()
    if fy is None or snap is None:
        return render_template("dashboard/empty.html")
    quarter = query_int("triwulan", lo=1, hi=4) or getattr(reporting_quarter(fy), "number", 4)
    district_id = query_int("kecamatan", lo=1, hi=INT32_MAX)
    page = query_int("halaman", lo=1, hi=100_000) or 1
    rows, count = report.unreached(snap.id, fy.id, quarter, page, district_id)
    all_districts = db.session.scalars(select(District).order_by(District.code)).all()
    if wants_xlsx():
        every = report.unreached_all(snap.id, fy.id, quarter, district_id)
        exports.audit_unreached_download(snap, fy, quarter, district_id, len(every))
        db.session.commit()
        return xlsx_response([exports.unreached_table(
            fy, quarter, snap, _name(all_districts, district_id), every, count)],
            f"belum-terjangkau-{fy.year}-tw{quarter}.xlsx")
    pages = max(1, -(-count // report.PAGE_SIZE))
    return render_template("coverage/unreached.html", fy=fy, quarter=quarter, snap=snap,
                           rows=rows, count=count, page=page, pages=pages,
                           district_id=district_id, all_districts=all_districts)


# --- BNBA import (secretariat) ---------------------------------------------------------------

@bp.route("/bnba", methods=["GET", "POST"])
@role_required("secretariat")
def bnba_import():
    fy = current_fiscal_year()
    if fy is None:
        return render_template("dashboard/empty.html")
    form, result, confirm = BnbaForm(), None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # Read into memory, hash as it streams; the upload itself is never saved.
            result = bnba.preview(form.source.data, form.taken_on.data, upload.filename or "",
                                  upload.read(), form.columns() or None)
        except ServiceError as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            job = imports.store("bnba", user_id=current_user.id, fiscal_year_id=fy.id,
                                filename=f"{result.source} {result.taken_on.isoformat()}",
                                data=result.staged, payload=bnba.payload(result),
                                rows=result.members)
            db.session.commit()
            confirm = BnbaConfirmForm(formdata=None, token=job.token)  # defaults, not the upload
            form.offer(result.header)
            for name, i in result.columns.items():
                getattr(form, f"col_{name}").data = str(i)
    return render_template("coverage/bnba.html", form=form, result=result, confirm=confirm,
                           names=views_support.village_names(result.villages if result else {}),
                           snapshots=views_support.snapshots())


@bp.route("/bnba/simpan", methods=["POST"])
@role_required("secretariat")
def bnba_confirm():
    form = BnbaConfirmForm()
    job = imports.pending(form.token.data or "", current_user.id, "bnba") \
        if form.validate_on_submit() else None
    if job is None:
        flash("Pratinjau tidak sah atau kedaluwarsa; unggah ulang berkas.", "danger")
        return redirect(url_for("coverage.bnba_import"))
    if form.update_lokus.data:
        job.payload = bnba.with_lokus(job.payload, job.fiscal_year_id)
    if imports.runs_as_job(job.rows):
        imports.start(job)  # commits, then queues: written by a worker, all or nothing
        return redirect(url_for("coverage.bnba_status", job_id=job.id), code=303)
    try:
        snap = bnba.apply(job.data, job.payload, user=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("coverage.bnba_import"))
    imports.discard(job)
    db.session.commit()
    flash(bnba.done_message(snap), "success")
    return redirect(url_for("coverage.index"), code=303)


@bp.route("/bnba/pekerjaan/<int:job_id>")
@role_required("secretariat")
def bnba_status(job_id: int):
    job = imports.job_of(job_id, current_user, "bnba") or abort(404)
    db.session.commit()  # a stalled job has just been marked failed
    return render_template("budget/import_job.html", job=job, title="Impor BNBA",
                           back_url=url_for("coverage.index"), back_label="Ke cakupan")


# --- cek NIK (secretariat) -------------------------------------------------------------------

@bp.route("/cek-nik", methods=["GET", "POST"])
@role_required("secretariat")
def check_nik():
    form, result = LookupForm(), None
    if form.validate_on_submit():
        try:
            result = lookup.lookup(form.nik.data, current_user)
        except ServiceError as exc:
            db.session.rollback()
            form.nik.errors = [*form.nik.errors, exc.message]
        else:
            db.session.commit()
        form.nik.data = ""  # never echoed back into the page
    return render_template("coverage/check.html", form=form, result=result)


# --- beneficiary lists (the tag's OPD, or the secretariat) -----------------------------------

@bp.route("/penerima")
@role_required("opd", "secretariat")
def lists():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    opd_id = current_user.opd_id if current_user.role == "opd" else query_int(
        "opd", lo=1, hi=INT32_MAX)
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all() \
        if current_user.role == "secretariat" else []
    if opd_id is None and opds:
        opd_id = opds[0].id
    check_opd_access(opd_id)
    tags = db.session.scalars(
        select(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fy.id)
        .order_by(SubActivity.code, Tag.id)).all()
    return render_template("coverage/lists.html", fy=fy, tags=tags, opds=opds, opd_id=opd_id,
                           lists=views_support.lists_by_tag([t.id for t in tags]),
                           snap=report.current_snapshot())


@bp.route("/penerima/<int:tag_id>", methods=["GET", "POST"])
@role_required("opd", "secretariat")
def list_upload(tag_id: int):
    tag = load_for(Tag, tag_id, write=True)
    form, result, confirm = ListForm(), None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = beneficiaries.preview(tag, int(form.quarter.data), upload.filename or "",
                                           upload.read(), form.col_nik.index())
        except ServiceError as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            data, payload = beneficiaries.staged(result)
            job = imports.store("benef", user_id=current_user.id, opd_id=tag.opd_id,
                                fiscal_year_id=tag.sub_activity.fiscal_year_id,
                                filename=f"Penerima TW {result.quarter}", data=data,
                                payload=payload, rows=result.matched_households)
            db.session.commit()
            confirm = ConfirmForm(token=job.token)
            form.col_nik.offer(result.header)
            form.col_nik.data = str(result.column) if result.header else ""
    return render_template("coverage/list_upload.html", tag=tag, form=form, result=result,
                           confirm=confirm, lists=beneficiaries.lists_of(tag),
                           use=RealizationForm())


@bp.route("/penerima/<int:tag_id>/simpan", methods=["POST"])
@role_required("opd", "secretariat")
def list_confirm(tag_id: int):
    tag = load_for(Tag, tag_id, write=True)
    form = ConfirmForm()
    job = imports.pending(form.token.data or "", current_user.id, "benef") \
        if form.validate_on_submit() else None
    if job is None or job.opd_id != tag.opd_id:
        flash("Pratinjau tidak sah atau kedaluwarsa; unggah ulang berkas.", "danger")
        return redirect(url_for("coverage.list_upload", tag_id=tag.id))
    if imports.runs_as_job(job.rows):
        imports.start(job)
        return redirect(url_for("coverage.list_status", job_id=job.id), code=303)
    try:
        bl = beneficiaries.apply(tag, job.data, job.payload, user=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("coverage.list_upload", tag_id=tag.id))
    imports.discard(job)
    db.session.commit()
    flash(beneficiaries.done_message(bl), "success")
    return redirect(url_for("coverage.list_upload", tag_id=tag.id), code=303)


@bp.route("/penerima/pekerjaan/<int:job_id>")
@role_required("opd", "secretariat")
def list_status(job_id: int):
    job = imports.job_of(job_id, current_user, "benef") or abort(404)
    db.session.commit()
    return render_template("budget/import_job.html", job=job, title="Daftar penerima",
                           back_url=url_for("coverage.lists"), back_label="Ke daftar penerima")


@bp.route("/penerima/<int:tag_id>/realisasi", methods=["POST"])
@role_required("opd", "secretariat")
def list_to_realization(tag_id: int):
    """Take the realization's reached count to date from the matched households."""
    tag = load_for(Tag, tag_id, write=True)
    form = RealizationForm()
    quarter = query_int_form(form)
    if quarter is None:
        abort(400)
    try:
        reached = beneficiaries.use_for_realization(tag, quarter, current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(f"Capaian realisasi TW {quarter} diisi {format_number(reached)} rumah tangga "
              "dari daftar penerima.", "success")
    return redirect(url_for("coverage.list_upload", tag_id=tag.id), code=303)


def query_int_form(form: RealizationForm) -> int | None:
    if not form.validate_on_submit():
        return None
    raw = form.quarter.data or ""
    return int(raw) if raw in ("1", "2", "3", "4") else None

"""Lokus desa: convergence and gaps (read), and the data behind them (secretariat writes)."""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import ServiceError
from app.core.input_guards import INT32_MAX, query_int
from app.core.table_xlsx import Column, Table
from app.lokus.services import lokus_data
from app.reference.service import current_fiscal_year, fiscal_year, reporting_quarter
from forms.lokus import ConfirmImportForm, ImportForm, LokusForm
from models import SOURCE_KINDS, District, FiscalYear, Village, VillageYear, db
from reports.content.kemenko import ROMAN
from reports.queries import convergence as sources_report
from reports.queries import lokus as lokus_report
from reports.queries.rollup import RollupFilter

from ..exports import wants_xlsx, xlsx_response
from ..jobs import imports
from ..security import role_required
from . import bp

READERS = ("secretariat", "viewer", "admin")


def _year(args) -> FiscalYear | None:
    year = query_int("tahun")
    return (fiscal_year(year) if year is not None else None) or current_fiscal_year()


def _int_arg(name, lo, hi):
    return query_int(name, lo=lo, hi=hi)


@bp.route("/")
@role_required(*READERS)
def index():
    fy = _year(request.args)
    if fy is None:
        return render_template("dashboard/empty.html")
    quarter = _int_arg("triwulan", 1, 4) or getattr(reporting_quarter(fy), "number", 4)
    district_id = _int_arg("kecamatan", 1, INT32_MAX)
    # A desa's share comes only from tags that reach it, so the kecamatan filter of the rollup
    # leaves the figures of that kecamatan's desa unchanged.
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter, district_id=district_id)
    # Issue 17: every source counts (Dana Desa, BAZNAS, CSR, ...) unless ?sumber=apbd.
    other = request.args.get("sumber") != "apbd"
    villages = lokus_report.priority_villages(f, other_sources=other)
    gaps = lokus_report.gaps(fy.id, district_id, other_sources=other)
    districts = lokus_report.by_district(fy.id, district_id, other_sources=other)
    split = lokus_sources(fy.id, quarter, district_id, villages) if other else []
    if wants_xlsx():
        district = db.session.get(District, district_id) if district_id else None
        filters = [("Tahun anggaran", str(fy.year)), ("Triwulan", f"TW {ROMAN[quarter]}"),
                   ("Kecamatan", district.name if district else "semua"),
                   ("Sumber", "semua sumber" if other else "APBD kabupaten saja")]
        extra = ([sources_report.sources_table(split, sources_report.total_row(split), filters)]
                 if split else [])
        return xlsx_response(_tables(filters, villages, gaps, districts) + extra,
                             f"lokus-desa-tagar-{fy.year}-tw{quarter}.xlsx")
    return render_template(
        "lokus/index.html", fy=fy, quarter=quarter, district_id=district_id,
        villages=villages, gaps=gaps, districts=districts, other_sources=other, split=split,
        split_total=sources_report.total_row(split) if split else None,
        source_labels=SOURCE_KINDS,
        years=db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all(),
        all_districts=db.session.scalars(select(District).order_by(District.code)).all())


def lokus_sources(fy_id: int, quarter: int, district_id, villages) -> list:
    """The split by source at the priority villages shown: APBD kabupaten (the desa shares of
    the tags, as the table below) and each other source."""
    apbd_planned = sum((v.tagged for v in villages), Decimal("0.00"))
    apbd_realized = sum((v.realized for v in villages), Decimal("0.00"))
    reached = sum(1 for v in villages if v.tags)
    return sources_report.split(
        apbd_planned, apbd_realized,
        sources_report.other_sources(fy_id, quarter, district_id, priority_only=True),
        apbd_villages=reached)


def _tables(filters, villages, gaps, districts) -> list[Table]:
    """The page's three tables as sheets, in the page's order, each with a total row."""
    def total(rows, attr):
        return sum(getattr(r, attr) for r in rows)

    count = "count"
    return [
        Table(title="Kesenjangan: desa lokus dengan rumah tangga desil 1 tanpa intervensi",
              sheet="Kesenjangan", filters=filters,
              columns=[Column("Kode", width=16), Column("Desa"), Column("Kecamatan"),
                       Column("Rumah tangga desil 1", count)],
              rows=[[g.code, g.name, g.district, g.households] for g in gaps],
              total=["Jumlah", f"{len(gaps)} desa", "", total(gaps, "households")]),
        Table(title="Per kecamatan", sheet="Per kecamatan", filters=filters,
              columns=[Column("Kecamatan"), Column("Desa lokus", count),
                       Column("Rumah tangga desil 1", count), Column("Desa terjangkau", count),
                       Column("Konvergensi 3 strategi", count),
                       Column("Desa tanpa intervensi", count),
                       Column("Rumah tangga di desa tanpa intervensi", count)],
              rows=[[d.name, d.villages, d.households, d.reached, d.converged, d.gaps,
                     d.gap_households] for d in districts],
              total=["Jumlah", *(total(districts, a) for a in (
                  "villages", "households", "reached", "converged", "gaps",
                  "gap_households"))]),
        Table(title="Desa lokus dan intervensi yang menjangkaunya", sheet="Desa lokus",
              filters=filters,
              columns=[Column("Kode", width=16), Column("Desa"), Column("Kecamatan"),
                       Column("RT desil 1", count), Column("Tagging", count),
                       Column("Anggaran", "money"), Column("Realisasi", "money"),
                       Column("Strategi", width=12), Column("Konvergensi (dari 3)", count),
                       Column("Tercapai", count), Column("Sasaran", count)],
              rows=[[v.code, v.name, v.district, v.households, v.tags, v.tagged, v.realized,
                     " ".join(str(s) if s in v.strategies else "–" for s in (1, 2, 3)),
                     v.convergence, v.reached, v.target] for v in villages],
              total=["Jumlah", f"{len(villages)} desa", "",
                     # A tag reaching several desa counts in each: no sum of "Tagging".
                     total(villages, "households"), "", total(villages, "tagged"),
                     total(villages, "realized"),
                     "", "", total(villages, "reached"), total(villages, "target")]),
    ]


def _village_table(fy: FiscalYear):
    """Every desa with its status for the year (one query)."""
    stmt = (select(Village.id, Village.code, Village.name, District.name.label("district"),
                   VillageYear.is_priority, VillageYear.desil1_households, VillageYear.source,
                   VillageYear.decree)
            .join(District, District.id == Village.district_id)
            .outerjoin(VillageYear, (VillageYear.village_id == Village.id)
                       & (VillageYear.fiscal_year_id == fy.id))
            .order_by(District.code, Village.code))
    return db.session.execute(stmt).all()


@bp.route("/data", methods=["GET", "POST"])
@role_required(*READERS)
def data():
    fy = _year(request.args)
    if fy is None:
        return render_template("dashboard/empty.html")
    table = _village_table(fy)
    can_edit = current_user.role == "secretariat"
    if request.method == "POST" and not can_edit:
        abort(403)  # viewers and admins read the lokus data; only the secretariat sets it
    decree = next((r.decree for r in table if r.is_priority and r.decree), "")
    form = LokusForm(data={"decree": decree, "rows": [
        {"village_id": str(r.id), "is_priority": bool(r.is_priority),
         "households": str(r.desil1_households or 0)} for r in table]})
    if can_edit and form.validate_on_submit():
        rows = [lokus_data.VillageInput(int(r.village_id.data), bool(r.is_priority.data),
                                        int(r.households.data)) for r in form.rows]
        try:
            changed = lokus_data.set_villages(fy, rows, form.decree.data or "")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(f"Data lokus {fy.year} disimpan ({changed} desa berubah).", "success")
            return redirect(url_for("lokus.data", tahun=fy.year))
    elif can_edit and form.is_submitted():
        flash("Periksa isian yang ditandai; tidak ada yang disimpan.", "danger")
    info = {r.id: r for r in table}
    return render_template("lokus/data.html", fy=fy, form=form, info=info, can_edit=can_edit)


@bp.route("/impor", methods=["GET", "POST"])
@role_required("secretariat")
def import_file():
    fy = _year(request.args)
    if fy is None:
        return render_template("dashboard/empty.html")
    form, result, confirm = ImportForm(), None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # Read into memory and count; the upload is never saved anywhere.
            result = lokus_data.preview(form.source.data, upload.filename or "",
                                        upload.read())
        except ServiceError as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            confirm = ConfirmImportForm(token=lokus_data.sign(fy, result))
    names = {}
    if result is not None and result.counts:
        names = {r.id: r for r in db.session.execute(
            select(Village.id, Village.code, Village.name, District.name.label("district"))
            .join(District, District.id == Village.district_id)
            .where(Village.id.in_(result.counts)).order_by(Village.code))}
    return render_template("lokus/import.html", fy=fy, form=form, result=result,
                           confirm=confirm, names=names)


@bp.route("/impor/simpan", methods=["POST"])
@role_required("secretariat")
def import_confirm():
    fy = _year(request.args)
    form = ConfirmImportForm()
    if fy is None or not form.validate_on_submit():
        flash("Pratinjau tidak sah; unggah ulang berkas.", "danger")
        return redirect(url_for("lokus.import_file"))
    try:
        signed = lokus_data.verified(fy, form.token.data)
        if imports.runs_as_job(len(signed["counts"])):
            # Only the signed counts are stored for the worker, never the file.
            job = imports.store("lokus", user_id=current_user.id, fiscal_year_id=fy.id,
                                filename=f"{signed['source']} {fy.year}",
                                payload=form.token.data, rows=len(signed["counts"]))
            imports.start(job)  # commits, then queues: written by a worker, all or nothing
            return redirect(url_for("lokus.import_status", job_id=job.id), code=303)
        n = lokus_data.apply(fy, form.token.data)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("lokus.import_file", tahun=fy.year))
    db.session.commit()
    flash(lokus_data.done_message(n), "success")
    return redirect(url_for("lokus.data", tahun=fy.year))


@bp.route("/impor/pekerjaan/<int:job_id>")
@role_required("secretariat")
def import_status(job_id: int):
    """A queued import's state; the page reloads itself until the job has finished."""
    job = imports.job_of(job_id, current_user, "lokus") or abort(404)
    db.session.commit()  # a stalled job has just been marked failed
    fy = db.session.get(FiscalYear, job.fiscal_year_id)
    return render_template("budget/import_job.html", job=job, title="Impor data P3KE/DTSEN",
                           back_url=url_for("lokus.data", tahun=fy.year if fy else None),
                           back_label="Ke data lokus desa")

"""Federation pages. Kabupaten mode: the secretariat's "send to the province" page (download a
signed bundle). Province mode: dashboard across kabupaten with drill-down, compliance, manual
upload, the registry, and the governor's semester report (PDF/XLSX)."""
from flask import abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.clock import today
from app.core.errors import ServiceError
from app.core.input_guards import query_int
from app.core.table_xlsx import Column, Table
from models import FederationBundle, FederationExport, FederationMember, FiscalYear, db
from reports.province import queries as province

from ..exports import wants_xlsx, xlsx_response
from ..security import role_required
from ..templating import datetime_id
from . import bp, bundle, content, province_mode, receive, refusals

PROVINCE_READERS = ("provinsi", "viewer", "admin")
PERIOD_CHOICES = [("quarter:1", "Triwulan I"), ("quarter:2", "Triwulan II"),
                  ("semester:1", "Semester 1 (s.d. TW II)"), ("quarter:3", "Triwulan III"),
                  ("quarter:4", "Triwulan IV"), ("semester:2", "Semester 2 (s.d. TW IV)")]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _province():
    if not province_mode():
        abort(404)


def _kabupaten():
    if province_mode():
        abort(404)


def _parse_period(raw: str) -> tuple[str, int] | None:
    kind, _, number = (raw or "").partition(":")
    if (raw or "") not in dict(PERIOD_CHOICES):
        return None
    return kind, int(number)


# --- kabupaten: send to the province ---------------------------------------------------------

@bp.route("/federasi/kirim", methods=["GET", "POST"])
@role_required("secretariat")
def export():
    """Download a signed bundle of a verified period (for upload at the province by hand)."""
    _kabupaten()
    years = db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()
    error, status = None, 200
    chosen = {"year": request.form.get("year", ""), "period": request.form.get("period", "")}
    if request.method == "POST":
        period = _parse_period(chosen["period"])
        year = chosen["year"]
        if period is None or not year.isdigit() or int(year) not in years:
            error, status = "Pilih tahun anggaran dan periode yang tersedia.", 422
        else:
            try:
                data, row = content.export(int(year), *period, user=current_user)
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                error, status = exc.message, 409
            except IntegrityError:  # another export took the same sequence number just now
                db.session.rollback()
                error, status = "Bundel lain sedang dibuat bersamaan; coba lagi.", 409
            else:
                name = (f"bundel-{row.fiscal_year}-{row.period_kind}{row.period_number}-"
                        f"{row.sequence}.json")
                return current_app.response_class(data, mimetype="application/json", headers={
                    "Content-Disposition": f'attachment; filename="{name}"'})
    recent = db.session.scalars(select(FederationExport).order_by(
        FederationExport.id.desc()).limit(20)).all()
    try:  # shown so the secretariat can hand it to the province; the private key stays put
        public_key = bundle.public_b64(bundle.load_private_key())
    except bundle.KeyProblem:
        public_key = None
    return render_template("federation/export.html", years=years, periods=PERIOD_CHOICES,
                           chosen=chosen, error=error, recent=recent, public_key=public_key,
                           code=current_app.config.get("FEDERATION_CODE") or ""), status


# --- province ----------------------------------------------------------------------------------

def _year_quarter():
    years = sorted({y for y in db.session.scalars(select(FederationBundle.fiscal_year)
                                                  .distinct())}, reverse=True)
    year = query_int("tahun", lo=2000, hi=2100) or (years[0] if years else today().year)
    quarter = query_int("triwulan", lo=1, hi=4)
    if quarter is None:
        latest = db.session.scalar(select(FederationBundle.quarter).where(
            FederationBundle.fiscal_year == year).order_by(FederationBundle.quarter.desc())
            .limit(1))
        quarter = latest or 1
    return years, year, quarter


@bp.route("/provinsi/")
@role_required(*PROVINCE_READERS)
def dashboard():
    _province()
    years, year, quarter = _year_quarter()
    if wants_xlsx():
        from reports.province import report as province_report

        return xlsx_response(province_report.dashboard_tables(year, quarter),
                             f"rekap-provinsi-{year}-tw{quarter}.xlsx")
    return render_template(
        "federation/dashboard.html", years=years, year=year, quarter=quarter, roman=ROMAN,
        total=province.province_total(year, quarter),
        strategies=province.by_dimension(year, quarter, "strategy"),
        kinds=province.by_dimension(year, quarter, "tag_kind"),
        members=province.by_kabupaten(year, quarter),
        lokus=province.lokus_by_kabupaten(year, quarter))


@bp.route("/provinsi/kabupaten/<int:member_id>")
@role_required(*PROVINCE_READERS)
def member(member_id: int):
    """One kabupaten's own rows for the quarter: OPDs, strategies, lokus desa, the matrix."""
    _province()
    kab = db.session.get(FederationMember, member_id) or abort(404)
    years, year, quarter = _year_quarter()
    chosen = province.chosen_bundles(year, quarter)
    bundle_id = db.session.scalar(select(chosen.c.bundle_id).where(
        chosen.c.member_id == kab.id))
    found = db.session.get(FederationBundle, bundle_id) if bundle_id else None
    history = db.session.scalars(select(FederationBundle).where(
        FederationBundle.member_id == kab.id, FederationBundle.fiscal_year == year)
        .order_by(FederationBundle.id.desc()).limit(50)).all()
    rows = {}
    if found:
        rows = {d: province.bundle_rows(found.id, d) for d in (
            "total", "strategy", "tag_kind", "opd", "funding_source", "district")}
    return render_template(
        "federation/member.html", kab=kab, years=years, year=year, quarter=quarter,
        roman=ROMAN, bundle=found, rows=rows, history=history,
        refused=refusals.recent(kab.id, limit=20),
        warnings=receive.warnings(found) if found else [],
        lokus=province.bundle_lokus(found.id) if found else [],
        coverage=province.bundle_coverage(found.id) if found else None,
        **_matrix_page(found))


MATRIX_PAGE = 100


def _matrix_page(found) -> dict:
    """The matrix a hundred rows a page (?halaman=N): a big kabupaten has thousands."""
    total = province.bundle_matrix_count(found.id) if found else 0
    pages = max(1, -(-total // MATRIX_PAGE))
    page = min(query_int("halaman", lo=1, hi=10**6, default=1), pages)
    rows = (province.bundle_matrix(found.id, limit=MATRIX_PAGE,
                                   offset=(page - 1) * MATRIX_PAGE) if found else [])
    first = (page - 1) * MATRIX_PAGE + 1 if rows else 0
    return {"matrix": rows, "matrix_total": total, "matrix_page": page, "matrix_pages": pages,
            "matrix_first": first, "matrix_last": first + len(rows) - 1 if rows else 0}


@bp.route("/provinsi/bundel/<int:bundle_id>/laporan.pdf")
@role_required(*PROVINCE_READERS)
def report_pdf(bundle_id: int):
    """The kabupaten's own report PDF that came with a bundle (its hash signed in it)."""
    _province()
    row = db.session.get(FederationBundle, bundle_id)
    if row is None or not row.has_pdf:
        abort(404)
    name = (row.report_name or f"laporan-{row.id}.pdf").replace('"', "")
    return current_app.response_class(row.report_pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/provinsi/kepatuhan")
@role_required(*PROVINCE_READERS)
def compliance():
    _province()
    years, year, _ = _year_quarter()
    days = current_app.config["FEDERATION_DEADLINE_DAYS"]
    periods = [(k, n, "Semester " + str(n) if k == "semester" else "TW " + ROMAN[n],
                province.deadline(year, k, n, days)) for k, n in province.PERIODS]
    rows = province.compliance(year, days, today())
    if wants_xlsx():
        return xlsx_response([_compliance_table(year, days, periods, rows)],
                             f"kepatuhan-kabupaten-{year}.xlsx")
    return render_template("federation/compliance.html", years=years, year=year,
                           periods=periods, days=days, rows=rows, today=today(),
                           days_past=province.days_past)


def _compliance_table(year, days, periods, rows) -> Table:
    on = today()

    def cell(c, due):
        if c is None:
            return "belum"
        if c == "late":
            return f"terlambat {province.days_past(due, on)} hari, belum dikirim"
        state = f"terlambat {c.days_late} hari" if c.late else "tepat waktu"
        return (f"{state}, {datetime_id(c.received_at)}"
                + (f" ({c.count} kiriman)" if c.count > 1 else ""))
    return Table(
        f"Kepatuhan pengiriman bundel {year}",
        [Column("Kode", width=10), Column("Kabupaten/Kota"),
         *[Column(f"{label} (batas {due:%d/%m/%Y})", width=26) for _, _, label, due in periods]],
        [[m.code, m.name, *[cell(cells[k, n], due) for k, n, _, due in periods]]
         for m, cells in rows],
        filters=[("Tahun", str(year)), ("Batas kirim", f"{days} hari setelah akhir periode")])


@bp.route("/provinsi/daftar", methods=["GET", "POST"])
@role_required("provinsi", "admin")
def members():
    """The registry: the administrator adds a kabupaten/kota and sees its push token once."""
    _province()
    error, token, status = None, None, 200
    form = {k: request.form.get(k, "") for k in ("code", "name", "public_key")}
    if request.method == "POST":
        if current_user.role != "admin":
            abort(403)
        try:
            added, token = receive.register(form["code"], form["name"], form["public_key"],
                                            user=current_user)
        except ServiceError as exc:
            db.session.rollback()
            error, status = exc.message, 422
        else:
            db.session.commit()
            form = {"code": added.code, "name": added.name, "public_key": ""}
    rows = db.session.scalars(select(FederationMember).order_by(FederationMember.code)).all()
    return render_template("federation/members.html", rows=rows, form=form, error=error,
                           token=token), status


@bp.route("/provinsi/laporan")
@role_required(*PROVINCE_READERS)
def report():
    """The governor's semester report from the bundles: a page, or ?format=pdf|xlsx."""
    _province()
    years, year, _ = _year_quarter()
    semester = query_int("semester", lo=1, hi=2, default=1)
    fmt = request.args.get("format", "")
    from reports.province import report as province_report

    try:
        data = province_report.content(year, semester)
    except province_report.NoBundles as exc:  # nothing to sign: no "Rp 0" report
        return render_template("federation/report.html", years=years, year=year,
                               semester=semester, data=None, empty=str(exc)), \
            (404 if fmt in ("pdf", "xlsx") else 200)
    if fmt in ("pdf", "xlsx"):
        from reports.province.report_pdf import build as build_pdf

        body = build_pdf(data) if fmt == "pdf" else province_report.xlsx(data)
        mimetype = ("application/pdf" if fmt == "pdf" else
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"laporan-gubernur-{year}-semester-{semester}.{fmt}"
        return current_app.response_class(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    return render_template("federation/report.html", years=years, year=year,
                           semester=semester, data=data)

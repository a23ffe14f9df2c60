"""Province pages for what arrives by hand or is refused (issue 18, issue 30): *Unggah
Bundel* (a bundle and its PDF carried on a stick), the report PDF of an accepted bundle sent
later (checked against the hash the bundle signed), and *Ditolak*, every refused push or
upload on record."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.input_guards import query_int
from models import FederationBundle, FederationMember, db

from ..security import role_required
from . import body, bp, inbox, province_mode, receive, refusals, schema

PROVINCE_READERS = ("provinsi", "viewer", "admin")


def _province():
    if not province_mode():
        abort(404)


@bp.route("/provinsi/unggah", methods=["GET", "POST"])
@role_required("provinsi")
def upload():
    """A bundle brought by hand where there is no network between the two instances. The
    same file again (say, now with its PDF) is not a replay: its PDF joins the bundle."""
    _province()
    error, status = None, 200
    if request.method == "POST":
        file = request.files.get("bundle")
        if file is None or not file.filename:
            error, status = "Pilih berkas bundel (.json).", 422
        else:
            limit = body.max_bytes()
            try:
                # A file as exported (.json) or compressed with gzip (.json.gz).
                raw = body.maybe_gunzip(_read_at_most(file.stream, limit), limit)
            except receive.BundleRefused as exc:
                inbox.refuse(exc, source="upload", size=request.content_length or 0,
                             address=request.remote_addr or "", user=current_user)
                error, status = exc.message, exc.status
            else:
                row = receive.already_received(raw)
                if row is not None:
                    flash(f"Bundel {row.member.name} {row.period_label} {row.fiscal_year} "
                          f"(urutan {row.sequence}) sudah diterima sebelumnya.", "info")
                    _attach_uploaded_report(row, request.files.get("report"))
                    return _to_member(row)
                try:
                    row = inbox.accept_and_commit(
                        raw, source="upload", user=current_user, max_bytes=limit,
                        max_depth=current_app.config["API_MAX_JSON_DEPTH"],
                        address=request.remote_addr or "")
                except receive.BundleRefused as exc:
                    error, status = exc.message, exc.status
                else:
                    flash(f"Bundel {row.member.name} {row.period_label} {row.fiscal_year} "
                          "diterima.", "success")
                    for warning in receive.warnings(row):
                        flash(warning, "warning")
                    _attach_uploaded_report(row, request.files.get("report"))
                    return _to_member(row)
    return render_template("federation/upload.html", error=error), status


def _to_member(row):
    return redirect(url_for(".member", member_id=row.member_id, tahun=row.fiscal_year,
                            triwulan=row.quarter, _anchor="riwayat"), 303)


def _read_at_most(stream, limit: int) -> bytes:
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise body.too_large(limit)
    return raw


@bp.url_value_preprocessor
def _big_bundles(endpoint, values):
    """A province secretariat's upload may be as large as a pushed bundle (the general
    upload limit is smaller). Runs before every before_request, CSRF's included, which parses
    the form first."""
    if (endpoint == "federation.upload" and request.method == "POST"
            and current_user.is_authenticated and current_user.role == "provinsi"):
        request.max_content_length = max(current_app.config.get("MAX_CONTENT_LENGTH") or 0,
                                         body.max_bytes() + schema.MAX_REPORT_BYTES + 65536)


def _attach_uploaded_report(row, file) -> None:
    """The report PDF uploaded beside its bundle (optional): kept only when its hash is the
    one the bundle signed; the bundle stands either way (it is already committed), and a
    wrong file blocks nothing: the right one may follow, with the bundle or on its own."""
    if file is None or not file.filename:
        if row.report_sha256 and not row.has_pdf:
            flash("Bundel menyebut laporan PDF; unggah berkasnya (di sini bersama bundel, atau "
                  "di riwayat bundel kabupaten/kota) untuk menyimpannya.", "warning")
        return
    data = file.stream.read(schema.MAX_REPORT_BYTES + 1)
    try:
        if len(data) > schema.MAX_REPORT_BYTES:
            raise receive.BundleRefused("Berkas PDF terlalu besar.", 413)
        receive.attach_report(row, data, user=current_user)
        db.session.commit()
    except receive.BundleRefused as exc:
        db.session.rollback()
        flash(f"Laporan PDF tidak disimpan: {exc.message}", "error")
    else:
        flash("Laporan PDF disimpan.", "success")


@bp.route("/provinsi/bundel/<int:bundle_id>/laporan", methods=["POST"])
@role_required("provinsi")
def upload_report(bundle_id: int):
    """The report PDF of an accepted bundle, sent after it."""
    _province()
    row = db.session.get(FederationBundle, bundle_id) or abort(404)
    file = request.files.get("report")
    if file is None or not file.filename:
        flash("Pilih berkas laporan PDF.", "error")
    else:
        _attach_uploaded_report(row, file)
    return _to_member(row)


@bp.route("/provinsi/ditolak")
@role_required(*PROVINCE_READERS)
def refused():
    """Every refused push or upload, newest first (the last 200; one kabupaten: ?kab=ID)."""
    _province()
    member_id = query_int("kab", lo=1, hi=2**31)
    kab = db.session.get(FederationMember, member_id) if member_id else None
    return render_template("federation/refused.html", kab=kab,
                           rows=refusals.recent(kab.id if kab else None))

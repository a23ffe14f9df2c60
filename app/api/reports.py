"""The Kemenko PMK report as a background build: request it, poll it, download its file.

A request whose build (same options, same letter date, same data version) is already finished
is answered 200 with it, and its file is ready; otherwise 202 with the queued (or running) build
to poll. An OPD user may ask only for its own OPD's report, and read only its own OPD's builds.
"""
from io import BytesIO

from flask import send_file, url_for
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from app.reports.build_service import queued_id, request_build
from models import BUILD_STATUSES, ReportBuild, db
from reports.content.kemenko import ADDRESSEES, VARIANTS
from reports.render import FILE_TYPES

from ..jobs import enqueue
from .errors import documented, run
from .fields import Schema, UtcDateTime
from .schemas import between, one_of
from .scope import ID, READ_DENIED, load

blp = Blueprint("api_reports", __name__, url_prefix="/reports",
                description="Laporan ke Kemenko PMK (PDF/XLSX), disusun di latar belakang.")

NOT_READY = "Laporan belum selesai disusun; tanyakan statusnya lagi nanti."
QUEUE_DOWN = "Antrean pekerjaan tidak dapat dihubungi. Coba lagi beberapa saat lagi."


def blueprints():
    return [blp]


class ReportRequestSchema(Schema):
    format = fields.String(load_default="pdf", validate=one_of(tuple(FILE_TYPES)))
    variant = fields.String(required=True, validate=one_of(tuple(VARIANTS)))
    year = fields.Integer(required=True, validate=between(2000, 2100))
    quarter = fields.Integer(allow_none=True, load_default=None, validate=between(1, 4),
                             metadata={"description": "Untuk quarterly dan opd"})
    semester = fields.Integer(allow_none=True, load_default=None, validate=between(1, 2),
                              metadata={"description": "Untuk semester"})
    opd_id = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "Satu OPD (wajib untuk opd); kosong: seluruh kabupaten"})
    include_unverified = fields.Boolean(load_default=False, metadata={
        "description": "Sertakan data belum diverifikasi (laporan bertanda DRAFT)"})
    number = fields.String(load_default="", validate=validate.Length(
        max=80, error="Paling banyak 80 karakter."), metadata={"description": "Nomor surat"})
    addressees = fields.List(
        fields.String(validate=one_of(tuple(ADDRESSEES))), load_default=list,
        validate=validate.Length(max=len(ADDRESSEES)), metadata={
            "description": "Ditujukan kepada (kode: " + ", ".join(ADDRESSEES) + "); kosong: "
                           "bawaan Pengaturan. Varian gubernur selalu kepada Gubernur."})
    theme_id = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "Hanya tagging tema ini (issue 17); kosong: semua tagging"})
    framework = fields.String(load_default="", validate=validate.Length(max=40), metadata={
        "description": "Kerangka strategi, mis. permendagri_53_2020; kosong: Inpres 4/2022"})


class ReportBuildSchema(Schema):
    id = fields.Integer()
    format = fields.String(attribute="kind")
    variant = fields.String()
    year = fields.Integer()
    quarter = fields.Integer(allow_none=True)
    semester = fields.Integer(allow_none=True)
    opd_id = fields.Integer(allow_none=True)
    include_unverified = fields.Boolean()
    number = fields.String()
    theme_id = fields.Integer(allow_none=True)
    framework = fields.String(attribute="framework_code")
    addressees = fields.Method("_addressees", metadata={
        "type": "array", "items": {"type": "string"},
        "description": "Penerima surat (kode); kosong: bawaan Pengaturan"})
    letter_date = fields.Date()
    data_version = fields.Integer()
    status = fields.String(metadata={"enum": list(BUILD_STATUSES)})
    progress = fields.Integer(metadata={"description": "0-100"})
    error = fields.String(allow_none=True, metadata={"description": "Alasan bila failed"})
    file_name = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    pages = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    started_at = UtcDateTime(allow_none=True)
    finished_at = UtcDateTime(allow_none=True)
    file_url = fields.Method("_file_url", allow_none=True,
                             metadata={"description": "Alamat unduhan bila done"})

    def _addressees(self, build):
        if build.variant == "gubernur":  # the governor's report goes to the governor only
            return ["gubernur"]
        return [c for c in (build.addressees or "").split(",") if c]

    def _file_url(self, build):
        return (url_for("api_reports.get_file", build_id=build.id)
                if build.status == "done" else None)


def _guard(opd_id: int | None) -> None:
    """Like the report page: an OPD user gets its own OPD's report, never the kabupaten's."""
    if current_user.role == "opd" and opd_id != current_user.opd_id:
        abort(403, message=READ_DENIED)


@blp.route("", methods=["POST"])
@blp.arguments(ReportRequestSchema)
@blp.response(202, ReportBuildSchema, description="Disusun di latar belakang: tanyakan statusnya")
@blp.alt_response(200, schema=ReportBuildSchema,
                  description="Sudah tersedia (permintaan dan data yang sama): unduh berkasnya")
@documented(blp, 403, 422, 503)
def create(data):
    """Minta laporan. `variant`: quarterly (wajib `quarter`), semester (wajib `semester`),
    gubernur (laporan semester kepada Gubernur, Inpres 8/2025; wajib `semester`), opd (wajib
    `opd_id` dan `quarter`), plan. `addressees` memilih penerima surat. Permintaan yang sama
    dengan data yang tidak berubah menerima susunan yang sama (200 bila sudah selesai)."""
    _guard(data["opd_id"])
    build, created = run(lambda: request_build(
        data["format"], user=current_user, year=data["year"], variant=data["variant"],
        quarter=data["quarter"], semester=data["semester"], opd_id=data["opd_id"],
        include_unverified=data["include_unverified"], number=data["number"].strip(),
        addressees=data["addressees"], theme_id=data["theme_id"],
        framework=data["framework"]),
        field_map={"opd": "opd_id", "fmt": "format", "theme": "theme_id"})
    if created:
        try:
            enqueue("report.build", queued_id(build))
        except Exception:
            build.status, build.error = "failed", QUEUE_DOWN
            db.session.commit()
            abort(503, message=QUEUE_DOWN)
        db.session.refresh(build)
    headers = {"Location": url_for("api_reports.get_build", build_id=build.id)}
    return build, (200 if build.status == "done" else 202), headers


@blp.route(f"/<{ID}:build_id>")
@blp.response(200, ReportBuildSchema)
@documented(blp, 403, 404)
def get_build(build_id):
    """Status satu susunan laporan: queued, running (dengan `progress`), done (dengan
    `file_url`) atau failed (dengan `error`)."""
    from app.reports.builds import watched

    return watched(load(ReportBuild, build_id))


@blp.route(f"/<{ID}:build_id>/file")
@blp.doc(responses={"200": {
    "description": "Berkas PDF, atau XLSX menurut `format` susunan",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in FILE_TYPES.values()}}})
@documented(blp, 403, 404, 409)
def get_file(build_id):
    """Unduh berkas laporan yang sudah selesai (409 bila belum atau gagal)."""
    build = load(ReportBuild, build_id)
    if build.status != "done":
        abort(409, message=build.error if build.status == "failed" else NOT_READY)
    return send_file(BytesIO(build.data), mimetype=FILE_TYPES[build.kind], as_attachment=True,
                     download_name=build.file_name)

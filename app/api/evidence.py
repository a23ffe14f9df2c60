"""Evidence files (bukti dukung) of a tag's realization for a quarter: list, upload, download.

The UI's rules and service (services/evidence.py): a file is judged by its content (PDF, JPG or
PNG), bounded in size, attached only while the quarter is open for the OPD (409 once submitted
or verified), readable by whoever may read the OPD, and an upload fulfils the reviewer's open
request for that figure.
"""
from io import BytesIO

from flask import request, send_file, url_for
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import fields

from app.cycle import evidence as service
from models import Evidence, Tag

from .errors import documented, run
from .fields import Schema, UtcDateTime
from .realizations import _quarter
from .scope import ID, ensure_writer, load

blp = Blueprint("api_evidence", __name__, url_prefix="/tags",
                description="Bukti dukung realisasi satu tagging per triwulan.")
file_blp = Blueprint("api_evidence_files", __name__, url_prefix="/evidence",
                     description="Unduh berkas bukti dukung.")


def blueprints():
    return [blp, file_blp]


class EvidenceSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "Ukuran dalam byte"})
    sha256 = fields.String()
    created_at = UtcDateTime()
    file_url = fields.Function(lambda ev: url_for("api_evidence_files.get_evidence_file",
                                                  evidence_id=ev.id),
                               metadata={"type": "string"})


PATH = f"/<{ID}:tag_id>/realizations/<int(min=1, max=4):quarter>/evidence"


@blp.route(PATH)
@blp.response(200, EvidenceSchema(many=True))
@documented(blp, 403, 404)
def list_evidence(tag_id, quarter):
    """Berkas bukti dukung realisasi satu tagging s.d. triwulan `quarter`."""
    tag = load(Tag, tag_id)
    q = _quarter(tag, quarter)
    return service.by_tag(tag.opd_id, q.id).get(tag.id, [])


@blp.route(PATH, methods=["POST"])
# The file is read after the access checks (an officer of another OPD gets 403, not 422), so
# the body is documented here rather than parsed by @blp.arguments.
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "PDF, JPG, atau PNG"}}}}}})
@blp.response(201, EvidenceSchema)
@documented(blp, 403, 404, 409, 422)
def upload_evidence(tag_id, quarter):
    """Unggah satu berkas bukti (multipart, kolom `file`). Jenis dinilai dari isinya;
    realisasi harus sudah diisi (422), dan laporan yang sudah diajukan atau diverifikasi tidak
    menerima bukti baru (409)."""
    ensure_writer()
    tag = load(Tag, tag_id, write=True)
    q = _quarter(tag, quarter)
    upload = request.files.get("file")
    if upload is None:
        abort(422, message="Kirim berkas bukti pada kolom `file` (multipart/form-data).",
              errors={"files": {"file": ["Wajib diisi."]}})
    try:
        return run(lambda: service.attach(service.realization_of(tag.id, q.id, tag.opd_id),
                                          upload.stream, upload.filename or "", current_user))
    finally:
        upload.close()


# The file is served with the type it was judged to be on upload (app/cycle/evidence.py): one of
# these three, each documented, so that a client (and schemathesis) can check the answer.
FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")
BINARY = {"schema": {"type": "string", "format": "binary"}}


@file_blp.route(f"/<{ID}:evidence_id>/file")
@file_blp.doc(responses={"200": {
    "description": "Berkas PDF, JPG, atau PNG menurut `content_type` bukti",
    "content": {kind: BINARY for kind in FILE_TYPES}}})
@documented(file_blp, 403, 404)
def get_evidence_file(evidence_id):
    """Unduh satu berkas bukti dukung."""
    ev = load(Evidence, evidence_id)
    path = service.path_of(ev)
    if not path.is_file():
        abort(404, message="Berkas bukti tidak ditemukan.")
    return send_file(BytesIO(path.read_bytes()), mimetype=ev.content_type, as_attachment=True,
                     download_name=ev.filename, max_age=0)

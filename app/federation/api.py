"""The federation API: the bundle JSON Schema (public) and the province's bundle inbox.

`POST /api/v1/federation/bundles` authenticates with the kabupaten's push token (`Bearer
tgk_...`, from the registry, kept as a SHA-256 hash), not with a user token; bad tokens count
against the address like bad API tokens do (app/accounts/throttle.py). The body is bounded by
its own limit (FEDERATION_MAX_BYTES, not the API's general JSON limit) and may come
gzip-compressed (`Content-Encoding: gzip`, decompressed with the same bound: app/federation/
body.py); depth, NUL bytes and NaN are then checked on the JSON (receive.parse). Every refusal
is the API's error shape.
"""
from http import HTTPStatus

from flask import current_app, g, jsonify, request
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import RequestEntityTooLarge

from app.accounts import api_tokens, throttle
from app.core import audit
from models import FederationBundle, db

from . import api_bp, body, inbox, province_mode, receive, schema


def _error(status: int, message: str, errors: list[str] | None = None):
    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message,
            "errors": {"json": errors or [message]}}
    return jsonify(body), status


@api_bp.route("/schemas/bundle.json")
def bundle_schema():
    return jsonify(schema.SCHEMA)


def _member():
    """(the kabupaten whose push token came, None) or (None, the error answer)."""
    g._login_user = AnonymousUserMixin()  # a session cookie never acts here, nor in the audit
    header = request.headers.get("Authorization") or ""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None, _error(401, "Token kabupaten/kota diperlukan (Authorization: Bearer "
                                 "tgk_...).")
    if secret.strip().startswith(api_tokens.PREFIX):
        # A user's API token (checked, and throttled when bad, as on every other endpoint)
        # acts as a person, never as a kabupaten.
        try:
            api_tokens.authenticate(header, request.remote_addr or "")
        except api_tokens.TokenError as exc:
            response, status = _error(exc.status, exc.message)
            if exc.retry_after:
                response.headers["Retry-After"] = str(exc.retry_after)
            return None, (response, status)
        return None, _error(403, "Token pengguna tidak dapat mengirim bundel; pakai token "
                                 "kiriman kabupaten/kota (tgk_...).")
    member = receive.member_for_token(header)
    if member is None:
        address = throttle.clean_address(request.remote_addr or "")
        wait = throttle.retry_after([throttle.key("api_address", address)])
        if wait:
            response, status = _error(429, "Terlalu banyak percobaan token yang gagal dari "
                                           f"alamat ini. Coba lagi dalam "
                                           f"{throttle.wait_text(wait)}.")
            response.headers["Retry-After"] = str(wait)
            return None, (response, status)
        throttle.fail(throttle.api_address_rule(), address)
        entry = audit.record("api_auth_fail", "federation_member", None,
                             note="Token kiriman bundel tidak valid")
        entry.ip = address
        db.session.commit()
        return None, _error(401, "Token kabupaten/kota tidak valid atau sudah diganti.")
    if not province_mode():
        return None, _error(404, "Instans ini bukan instans provinsi.")
    return member, None


@api_bp.route("/federation/bundles", methods=["POST"])
def receive_bundle():
    member, refused = _member()
    if refused:
        return refused
    if not request.is_json:
        return _error(415, "Kirim bundel sebagai application/json.")
    encoding = (request.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        return _error(415, "Content-Encoding yang diterima hanya gzip (atau tanpa kompresi).")
    address = request.remote_addr or ""
    try:
        raw = _bounded_body(body.max_bytes(), gzip=encoding != "identity")
    except receive.BundleRefused as exc:  # too large or broken gzip: on record too
        inbox.refuse(exc, source="api", size=request.content_length or 0, address=address,
                     member=member)
        return _error(exc.status, exc.message, exc.details or None)
    try:
        row = inbox.accept_and_commit(
            raw, source="api", member=member, max_bytes=body.max_bytes(),
            max_depth=current_app.config["API_MAX_JSON_DEPTH"], address=address)
    except receive.BundleRefused as exc:
        return _error(exc.status, exc.message, exc.details or None)
    return jsonify({"id": row.id, "kabupaten": member.code, "fiscal_year": row.fiscal_year,
                    "period": {"kind": row.period_kind, "number": row.period_number},
                    "sequence": row.sequence, "sha256": row.sha256,
                    "report_expected": bool(row.report_sha256),
                    "warnings": receive.warnings(row),
                    "received_at": row.received_at.isoformat() + "Z"}), 201


def _bounded_body(limit: int, *, gzip: bool) -> bytes:
    """The request body, at most `limit` bytes on the wire and after decompression; the
    general upload limit (MAX_CONTENT_LENGTH) gives way to this one here only."""
    if request.content_length is not None and request.content_length > limit:
        raise body.too_large(limit)
    request.max_content_length = limit + 1  # chunked bodies: werkzeug stops reading past it
    try:
        raw = request.stream.read(limit + 1)
    except RequestEntityTooLarge:
        raise body.too_large(limit) from None
    if len(raw) > limit:
        raise body.too_large(limit)
    return body.gunzip(raw, limit) if gzip else raw


@api_bp.route("/federation/bundles/<int:bundle_id>/report", methods=["PUT"])
def receive_report(bundle_id: int):
    """The report PDF of a bundle this kabupaten sent: the file whose SHA-256 it signed."""
    member, refused = _member()
    if refused:
        return refused
    row = db.session.get(FederationBundle, bundle_id)
    if row is None or row.member_id != member.id:
        return _error(404, "Bundel tidak ditemukan.")
    if request.mimetype != "application/pdf":
        return _error(415, "Kirim laporan sebagai application/pdf.")
    data = request.get_data(cache=False)
    if len(data) > schema.MAX_REPORT_BYTES:
        return _error(413, "Berkas PDF terlalu besar.")
    try:
        receive.attach_report(row, data)
    except receive.BundleRefused as exc:
        db.session.rollback()
        return _error(exc.status, exc.message)
    db.session.commit()
    return jsonify({"id": row.id, "report_sha256": row.report_sha256, "size": len(data)}), 200


# --- OpenAPI: these views are plain Flask (the push token is not a user's), documented by hand

_ERRORS = {"400": "Isi bukan JSON/gzip yang sah, terlalu dalam, atau memuat NUL",
           "401": "Token kabupaten/kota tidak ada atau tidak valid",
           "403": "Token pengguna (tgr_), kabupaten/kota lain atau nonaktif",
           "404": "Bukan instans provinsi, atau bundel tidak ditemukan",
           "409": "Kiriman ulang, bundel lebih lama, atau versi skema usang",
           "413": "Terlalu besar (juga setelah dekompresi gzip)",
           "415": "Jenis isi atau Content-Encoding tidak diterima",
           "422": "Tanda tangan tidak sah atau tidak sesuai skema",
           "429": "Terlalu banyak token gagal dari alamat ini",
           "503": "Basis data provinsi sibuk; kirim ulang"}


def _responses(ok: dict, codes: tuple[str, ...]) -> dict:
    error = {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/TagarError"}}}}
    return {**ok, **{c: {"description": _ERRORS[c], **error} for c in codes}}


def document(spec, app, prefix: str) -> None:
    """Add the federation endpoints to the API's OpenAPI document (/api/v1/openapi.json)."""
    rules = {r.endpoint: r for r in app.url_map.iter_rules()
             if r.endpoint.startswith(api_bp.name + ".")}
    spec.components.security_scheme("federationToken", {
        "type": "http", "scheme": "bearer", "bearerFormat": "tgk_…",
        "description": "Token kiriman kabupaten/kota dari registri provinsi (bukan token "
                       "pengguna)."})
    spec.components.schema("FederationEnvelope", {
        "type": "object", "required": ["bundle", "signature"],
        "description": f"Bundel bertanda tangan Ed25519; skema JSON lengkap: "
                       f"{prefix}/schemas/bundle.json",
        "properties": {"bundle": {"type": "object", "description": "Isi bundel"},
                       "signature": {"type": "object", "description": "Tanda tangan"}}})
    spec.components.schema("FederationReceipt", {
        "type": "object", "properties": {
            "id": {"type": "integer"}, "kabupaten": {"type": "string"},
            "fiscal_year": {"type": "integer"},
            "period": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["quarter", "semester"]},
                "number": {"type": "integer"}}},
            "sequence": {"type": "integer"}, "sha256": {"type": "string"},
            "report_expected": {"type": "boolean"},
            "received_at": {"type": "string", "format": "date-time"}}})
    spec.components.schema("FederationReportReceipt", {
        "type": "object", "properties": {"id": {"type": "integer"},
                                         "report_sha256": {"type": "string"},
                                         "size": {"type": "integer"}}})
    tag = "api_federation"
    spec.tag({"name": tag, "description": "Federasi (issue 18): bundel kabupaten/kota ke "
                                          "instans provinsi."})
    spec.path(rule=rules["api_federation.bundle_schema"], operations={"get": {
        "tags": [tag], "summary": "Skema JSON bundel (publik, tanpa token).", "security": [],
        "responses": {"200": {"description": "JSON Schema (draft 2020-12)", "content": {
            "application/json": {"schema": {"type": "object"}}}}}}})
    spec.path(rule=rules["api_federation.receive_bundle"], operations={"post": {
        "tags": [tag], "security": [{"federationToken": []}],
        "summary": "Provinsi: terima bundel bertanda tangan dari kabupaten/kota.",
        "description": "Diperiksa: token, tanda tangan atas kunci terdaftar, skema, periode, "
                       "urutan (kiriman ulang ditolak). Isi boleh dikompresi gzip "
                       "(Content-Encoding: gzip); batas ukuran TAGAR_FEDERATION_MAX_BYTES "
                       "berlaku juga setelah dekompresi.",
        "parameters": [{"in": "header", "name": "Content-Encoding", "required": False,
                        "description": "gzip, atau tanpa kompresi",
                        "schema": {"type": "string", "enum": ["gzip", "x-gzip", "identity"]}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/FederationEnvelope"}}}},
        "responses": _responses({"201": {"description": "Bundel diterima", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/FederationReceipt"}}
        }}}, ("400", "401", "403", "404", "409", "413", "415", "422", "429", "503"))}})
    spec.path(rule=rules["api_federation.receive_report"], operations={"put": {
        "tags": [tag], "security": [{"federationToken": []}],
        "summary": "Provinsi: laporan PDF sebuah bundel (SHA-256-nya ditandatangani di bundel).",
        "requestBody": {"required": True, "content": {"application/pdf": {"schema": {
            "type": "string", "format": "binary"}}}},
        "responses": _responses({"200": {"description": "Laporan disimpan", "content": {
            "application/json": {"schema": {
                "$ref": "#/components/schemas/FederationReportReceipt"}}}}},
            ("401", "403", "404", "409", "413", "415", "422", "429"))}})

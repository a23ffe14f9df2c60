"""The federation API: the bundle JSON Schema (public) and the province's bundle inbox.

`POST /api/v1/federation/bundles` authenticates with the kabupaten's push token (`Bearer
tgk_...`, from the registry, kept as a SHA-256 hash), not with a user token; bad tokens count
against the address like bad API tokens do (app/services/throttle.py). Body size and depth are
bounded by app/input_guards.py before this view runs. Every refusal is the API's error shape.
"""
from http import HTTPStatus

from flask import current_app, g, jsonify, request
from flask_login import AnonymousUserMixin

from models import FederationBundle, db

from ..services import api_tokens, audit, throttle
from . import api_bp, inbox, province_mode, receive, schema


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
    try:
        row = inbox.accept_and_commit(
            request.get_data(cache=True), source="api", member=member,
            max_bytes=current_app.config["API_MAX_JSON_BYTES"],
            max_depth=current_app.config["API_MAX_JSON_DEPTH"])
    except receive.BundleRefused as exc:
        return _error(exc.status, exc.message, exc.details or None)
    return jsonify({"id": row.id, "kabupaten": member.code, "fiscal_year": row.fiscal_year,
                    "period": {"kind": row.period_kind, "number": row.period_number},
                    "sequence": row.sequence, "sha256": row.sha256,
                    "report_expected": bool(row.report_sha256),
                    "received_at": row.received_at.isoformat() + "Z"}), 201


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

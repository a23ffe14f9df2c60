"""The JSON API at /api/v1 (flask-smorest): token authentication, the UI's own services and
permission checks, one error shape."""
from flask import Flask, g, request
from flask_login import AnonymousUserMixin
from flask_smorest import Api, abort
from flask_smorest.error_handler import ErrorSchema
from marshmallow import fields

from ..extensions import csrf, db


class TagarErrorSchema(ErrorSchema):
    current = fields.Dict(metadata={
        "description": "Pada 409 karena versi usang: nilai yang tersimpan saat ini"})


class TagarApi(Api):
    """flask-smorest's error shape, plus the stored values when a version was stale."""

    ERROR_SCHEMA = TagarErrorSchema

    def handle_http_exception(self, error):
        payload, code, headers = super().handle_http_exception(error)
        data = getattr(error, "data", None) or {}
        if data.get("current") is not None:
            payload["current"] = data["current"]
        if payload.get("errors") == {"json": ["Invalid JSON body."]}:
            payload["errors"] = {"json": ["Isi permintaan bukan JSON yang sah."]}
        # Every error carries a message, also those raised by the framework (404, 405, 422).
        payload.setdefault("message", _MESSAGES.get(code, error.name))
        if code == 405:  # RFC 9110: a 405 names the methods the address accepts
            headers = {**(headers or {}), **dict(
                h for h in error.get_headers() if h[0] == "Allow")}
        return payload, code, headers


_MESSAGES = {
    400: "Permintaan tidak valid.",
    401: "Token API diperlukan.",
    403: "Anda tidak berwenang melakukan tindakan ini.",
    404: "Alamat atau data tidak ditemukan.",
    405: "Metode tidak diizinkan untuk alamat ini.",
    409: "Data telah berubah atau terkunci.",
    422: "Periksa kembali isian yang ditandai.",
    429: "Terlalu banyak permintaan. Coba lagi nanti.",
    500: "Terjadi kesalahan pada sistem.",
}


api = TagarApi()

API_PREFIX = "/api/v1"


def init_api(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Tagar API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "Penandaan anggaran kemiskinan ekstrem: data sub kegiatan, "
                                "tagging, realisasi, laporan, dan rekapitulasi."},
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "tgr_…"}}},
        "security": [{"bearerAuth": []}],
    })
    api.init_app(app)
    # Path ids use the bounded `int` converter (app/core/input_guards.py): documented as integers.
    from flask_smorest.spec.plugins import integerconverter2paramschema

    from app.core.input_guards import BoundedIntConverter

    api.register_converter(BoundedIntConverter, integerconverter2paramschema)

    from . import docs, realizations, reference, reports, rollups, sub_activities, submissions, tags

    for module in (reference, sub_activities, tags, realizations, submissions, rollups, reports):
        for blp in module.blueprints():
            api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
            # Token-authenticated and never cookie-authenticated, so CSRF does not apply.
            csrf.exempt(blp)
    from . import convergence as convergence_api  # issue 17: lokus desa, every source

    for blp in convergence_api.blueprints():
        api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
        csrf.exempt(blp)
    from . import coverage as coverage_api  # issue 16: household coverage, counts only

    for blp in coverage_api.blueprints():
        api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
        csrf.exempt(blp)
    from . import evidence as evidence_api  # issue 14: bukti dukung

    for blp in evidence_api.blueprints():
        api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
        csrf.exempt(blp)
    from . import suggestions as suggestions_api  # issue 26: screening suggestions

    for blp in suggestions_api.blueprints():
        api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
        csrf.exempt(blp)
    from . import areas as areas_api  # issue 27: boundaries as GeoJSON
    from . import verval as verval_api  # issue 28: verval by the desa

    for blp in [*areas_api.blueprints(), *verval_api.blueprints()]:
        api.register_blueprint(blp, url_prefix=API_PREFIX + blp.url_prefix)
        csrf.exempt(blp)
    app.register_blueprint(docs.bp, url_prefix=API_PREFIX)
    from ..federation import api_bp as federation_api  # issue 18: bundle schema and inbox

    app.register_blueprint(federation_api, url_prefix=API_PREFIX)
    csrf.exempt(federation_api)  # the push token authenticates, never a cookie
    from ..federation.api import document as document_federation

    document_federation(api.spec, app, API_PREFIX)  # plain Flask views, documented by hand

    @app.before_request
    def _api_token_user():
        if not request.path.startswith(API_PREFIX + "/") or request.path in _PUBLIC_PATHS \
                or request.path.startswith(_OWN_TOKEN_PREFIX):  # issue 18: push tokens
            return None
        # The session cookie never authenticates the API: only the token does.
        from app.accounts.api_tokens import TokenError, authenticate

        try:
            user = authenticate(request.headers.get("Authorization"),
                                request.remote_addr or "")
        except TokenError as exc:
            g._login_user = AnonymousUserMixin()
            extra = {"headers": {"Retry-After": str(exc.retry_after)}} if exc.retry_after else {}
            abort(exc.status, message=exc.message, **extra)
        g._login_user = user
        return None

    @app.after_request
    def _api_commit_last_used(response):
        if request.path.startswith(API_PREFIX + "/") and response.status_code < 400:
            db.session.commit()
        return response


_PUBLIC_PATHS = {f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs"}
# Issue 18: the bundle schema is public; the federation inbox checks a kabupaten's push token
# itself (app/federation/api.py), never a user's.
_PUBLIC_PATHS |= {f"{API_PREFIX}/schemas/bundle.json"}
_OWN_TOKEN_PREFIX = f"{API_PREFIX}/federation/"

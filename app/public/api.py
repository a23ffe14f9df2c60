"""The public, read-only JSON API at /terbuka/api/: no token, the portal's verified figures
(cached by data version), a strict rate limit per client address (rate_limit.py: 429 with
Retry-After), described by its own OpenAPI document at /terbuka/api/openapi.json."""
from flask import abort, jsonify, request

from app.reference.service import current_fiscal_year
from models import db
from reports.queries.public import year_of, years

from . import bp, opendata, publish
from .openapi import document
from .page_cache import public_cache
from .rate_limit import hit

PREFIX = "/terbuka/api/"
TABLE_NAMES = {"strategi": "strategy", "kelompok": "tag_kind", "opd": "opd",
               "kecamatan": "district", "desa": "village"}


@bp.before_request
def rate_limited():
    if not request.path.startswith(PREFIX):
        return None
    wait = hit(request.remote_addr or "")
    db.session.commit()  # the counter is the API's only write
    if wait:
        response = jsonify(message="Terlalu banyak permintaan. Coba lagi nanti.",
                           retry_after=wait)
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        response.headers["Cache-Control"] = "no-store"  # one address's refusal, not a page
        return response
    return None


def _error(code: int, message: str):
    response = jsonify(message=message)
    response.status_code = code
    return response


@bp.route("/api/openapi.json")
@public_cache
def api_openapi():
    return jsonify(document())


@bp.route("/api/tahun")
@public_cache
def api_years():
    current = current_fiscal_year()
    return jsonify(tahun=[{"tahun": fy.year, "berjalan": current is not None
                           and fy.id == current.id} for fy in years()])


def _figures(tahun: int):
    fy = year_of(tahun)
    if fy is None:
        abort(_error(404, "Tahun anggaran tidak ditemukan."))
    raw = request.args.get("triwulan")
    if raw is None:
        quarter = publish.latest_quarter(fy)
    elif raw in ("1", "2", "3", "4"):
        quarter = int(raw)
    else:
        abort(_error(422, "triwulan harus 1, 2, 3 atau 4."))
    return publish.figures(fy, quarter)


@bp.route("/api/<int:tahun>")
@public_cache
def api_year(tahun: int):
    return jsonify(_figures(tahun))


@bp.route("/api/<int:tahun>/<string:name>")
@public_cache
def api_table(tahun: int, name: str):
    content = _figures(tahun)
    if name in TABLE_NAMES:
        rows = content["tabel"][TABLE_NAMES[name]]
    elif name in ("tren", "konvergensi", "rumah-tangga"):
        rows = opendata.rows_of(name, content)[1]
    else:
        abort(_error(404, "Tabel tidak dikenal."))
    return jsonify(tahun=content["tahun"], triwulan=content["triwulan"],
                   verifikasi_terakhir=content["verifikasi_terakhir"], baris=rows,
                   jumlah=content["ringkasan"])

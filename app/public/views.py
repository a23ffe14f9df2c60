"""The portal's pages: /terbuka/ (the current year), /terbuka/<tahun>/?triwulan=N.

Every address of the blueprint answers 404 while the portal is off, whoever asks (the guard
below runs before any view). Pages read only `publish.figures` (verified figures, cached by
data version) and never the signed-in user: the portal's own base template has no navigation
of the application.
"""
from decimal import Decimal

from flask import abort, g, render_template, request

from app.core.money import format_number, format_percent, format_rupiah
from app.reference.service import current_fiscal_year
from reports.queries.public import TABLES, year_of, years

from . import bp, portal, publish
from .page_cache import public_cache

TABLE_TITLES = {
    "strategy": "Menurut strategi",
    "tag_kind": "Menurut kelompok penandaan",
    "opd": "Menurut perangkat daerah (OPD)",
    "district": "Menurut kecamatan",
    "village": "Menurut desa/kelurahan",
}
CODE_HEADS = {"strategy": "Strategi", "tag_kind": "Kelompok", "opd": "Kode OPD",
              "district": "Kode wilayah", "village": "Kode wilayah"}


@bp.before_request
def closed_is_404():
    is_open, g.public_portal_stamp, g.public_data_version = portal.state()
    if not is_open:
        abort(404)


@bp.context_processor
def formatting():
    def rp(text):
        return "-" if text is None else format_rupiah(Decimal(text))

    def pct(text):
        return "-" if text is None else format_percent(Decimal(text), 2)

    return {"rp": rp, "pct": pct, "num": format_number, "pemda": portal.pemda(),
            "license": portal.portal_or_default()}


def _quarter(fy) -> int:
    raw = request.args.get("triwulan", "")
    if raw in ("1", "2", "3", "4"):
        return int(raw)
    return publish.latest_quarter(fy)


@bp.route("/")
@public_cache
def home():
    fy = current_fiscal_year()
    if fy is None:
        return render_template("public/empty.html")
    return _year_page(fy)


@bp.route("/<int:tahun>/")
@public_cache
def year(tahun: int):
    fy = year_of(tahun)
    if fy is None:
        abort(404)
    return _year_page(fy)


def _year_page(fy):
    quarter = _quarter(fy)
    content = publish.figures(fy, quarter)
    return render_template("public/year.html", c=content, fy=fy, quarter=quarter,
                           years=[y.year for y in years()], tables=TABLES,
                           titles=TABLE_TITLES, code_heads=CODE_HEADS)


@bp.route("/tentang")
@public_cache
def about():
    return render_template("public/about.html")

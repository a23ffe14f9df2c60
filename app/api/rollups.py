"""Plan versus realization from `reports.queries.rollup`, the module the dashboard and the report
use, read with the dashboard's rules: an OPD user gets the kabupaten aggregates, but the detail
groupings (sub-activity, tag) only of its own OPD, and no other OPD's filter."""
from flask_login import current_user
from flask_smorest import Blueprint, abort

from app.reference.service import reporting_quarter
from models import SubActivity, Theme, db
from reports.queries.frameworks import framework_of, rollup_by_framework
from reports.queries.rollup import RollupFilter, rollup, total

from . import schemas as s
from .errors import documented
from .scope import READ_DENIED, fiscal_year, load

blp = Blueprint("api_rollups", __name__, url_prefix="/rollups",
                description="Rekapitulasi rencana dan realisasi (angka yang sama dengan dasbor).")

DETAIL = ("sub_activity", "tag")


def blueprints():
    return [blp]


def rollup_filter(args) -> RollupFilter:
    fy = fiscal_year(args.get("year"))
    quarter = args.get("quarter")
    if quarter is None:  # like the dashboard: the quarter being reported on
        rq = reporting_quarter(fy)
        quarter = rq.number if rq else 4
    opd_id = args.get("opd_id")
    sub_id = args.get("sub_activity_id")
    if sub_id is not None:
        sa = load(SubActivity, sub_id)
        if sa.fiscal_year_id != fy.id:
            abort(422, message="Sub kegiatan bukan dari tahun anggaran ini.",
                  errors={"query": {"sub_activity_id": ["Bukan dari tahun anggaran ini."]}})
        if opd_id is not None and opd_id != sa.opd_id:
            abort(422, message="Sub kegiatan bukan milik OPD yang disaring.",
                  errors={"query": {"sub_activity_id": ["Bukan milik OPD yang disaring."]}})
        opd_id = sa.opd_id
    if current_user.role == "opd":
        if opd_id is not None and opd_id != current_user.opd_id:
            abort(403, message=READ_DENIED)
        if args["by"] in DETAIL:
            opd_id = current_user.opd_id
    return RollupFilter(
        fiscal_year_id=fy.id, quarter=quarter, flow=args["flow"],
        strategy_code=args.get("strategy"), tag_kind_code=args.get("kind"), opd_id=opd_id,
        funding_source_id=args.get("funding_source_id"), district_id=args.get("district_id"),
        verified_only=args["verified_only"], sub_activity_id=sub_id,
        theme_id=_theme_id(args.get("theme_id")))


def _theme_id(theme_id: int | None) -> int | None:
    """Issue 17: a theme filter names an existing theme, else 422."""
    if theme_id is not None and db.session.get(Theme, theme_id) is None:
        abort(422, message="Tema tidak ditemukan.",
              errors={"query": {"theme_id": ["Tema tidak ditemukan."]}})
    return theme_id


def _rows(f: RollupFilter, args) -> list:
    """The rows; with `framework` (by=strategy only) by that framework's strategies."""
    if not args.get("framework"):
        return rollup(f, args["by"])
    fw = framework_of(args["framework"])
    if fw is None or args["by"] != "strategy":
        message = ("Kerangka tidak dikenal." if fw is None
                   else "Parameter framework hanya berlaku dengan by=strategy.")
        abort(422, message=message, errors={"query": {"framework": [message]}})
    return rollup_by_framework(f, fw.id)


@blp.route("")
@blp.arguments(s.RollupArgs, location="query")
@blp.response(200, s.RollupSchema)
@documented(blp, 403, 404)
def get_rollup(args):
    """Anggaran ditandai, realisasi, serapan, fisik, sasaran dan capaian, dikelompokkan `by`
    (strategy, tag_kind, opd, funding_source, sub_activity, tag, district, village), s.d.
    triwulan atau arus triwulan (`flow`). `total` selalu sama dengan jumlah semua baris (kecuali
    kolom `tags` pada district/village); baris dipaginasi, `total` tidak."""
    f = rollup_filter(args)
    rows = _rows(f, args)
    page, per_page = args["page"], args["per_page"]
    return {
        "year": fiscal_year(args.get("year")).year, "quarter": f.quarter, "flow": f.flow,
        "by": args["by"], "verified_only": f.verified_only,
        "rows": rows[(page - 1) * per_page:page * per_page], "total": total(f),
        "meta": {"page": page, "per_page": per_page, "total": len(rows),
                 "pages": (len(rows) + per_page - 1) // per_page},
    }

"""Household coverage (issue 16): the coverage page's counts, never an identifier or a hash."""
from flask_smorest import Blueprint
from marshmallow import fields

from app.reference.service import reporting_quarter
from reports.queries import coverage as report

from ..coverage.views_support import figures
from .errors import documented
from .fields import Money, Schema
from .schemas import between
from .scope import fiscal_year

blp = Blueprint("api_coverage", __name__, url_prefix="/coverage",
                description="Cakupan rumah tangga desil 1 dari daftar penerima (jumlah saja).")


def blueprints():
    return [blp]


class CoverageArgs(Schema):
    year = fields.Integer(metadata={"description": "Bawaan: tahun berjalan"})
    quarter = fields.Integer(validate=between(1, 4), metadata={
        "description": "Daftar penerima s.d. triwulan ini (bawaan: triwulan pelaporan)"})


class CoverageReachSchema(Schema):
    name = fields.String()
    code = fields.String()
    households = fields.Integer(metadata={"description": "Rumah tangga desil 1"})
    unreached = fields.Integer()
    by_one = fields.Integer(metadata={"description": "Dijangkau tepat 1 strategi"})
    by_two = fields.Integer()
    by_three = fields.Integer()


class CoverageOverlapSchema(Schema):
    strategy = fields.Integer()
    aid_type = fields.String()
    households = fields.Integer()
    opds = fields.Integer()


class CoverageSpendSchema(Schema):
    strategy = fields.Integer()
    tags = fields.Integer()
    households = fields.Integer()
    realized = Money()
    per_household = Money(allow_none=True)


class CoverageTrendSchema(Schema):
    taken_on = fields.Date()
    source = fields.String()
    desil1 = fields.Integer()
    after_verval = fields.Integer(metadata={
        "description": "Desil 1 dikurangi yang dikeluarkan verval desa yang disetujui"})


class CoverageSchema(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    snapshot_date = fields.Date(allow_none=True)
    snapshot_source = fields.String(allow_none=True)
    total = fields.Nested(CoverageReachSchema, allow_none=True)
    districts = fields.List(fields.Nested(CoverageReachSchema))
    villages = fields.List(fields.Nested(CoverageReachSchema))
    overlaps = fields.List(fields.Nested(CoverageOverlapSchema))
    spend = fields.List(fields.Nested(CoverageSpendSchema))
    trend = fields.List(fields.Nested(CoverageTrendSchema))


def _reach(r: report.ReachRow) -> dict:
    return {"name": r.name, "code": r.code, "households": r.households,
            "unreached": r.by_count[0], "by_one": r.by_count[1], "by_two": r.by_count[2],
            "by_three": r.by_count[3]}


@blp.route("")
@blp.arguments(CoverageArgs, location="query")
@blp.response(200, CoverageSchema)
@documented(blp, 404)
def get_coverage(args):
    """Desil-1 households reached by 0-3 strategies per kecamatan and desa, the same aid from
    several OPDs, spend per reached household, and the trend per BNBA snapshot."""
    fy = fiscal_year(args.get("year"))
    quarter = args.get("quarter") or getattr(reporting_quarter(fy), "number", 4)
    f = figures(fy, quarter, None)
    snap = f["snap"]
    out = {"year": fy.year, "quarter": quarter, "snapshot_date": None, "snapshot_source": None,
           "total": None, "districts": [], "villages": [], "overlaps": [], "spend": [],
           "trend": []}
    if snap is None:
        return out
    out.update(
        snapshot_date=snap.taken_on, snapshot_source=snap.source, total=_reach(f["total"]),
        districts=[_reach(d) for d in f["districts"]],
        villages=[_reach(v) for v in f["villages"]],
        overlaps=[vars(o) for o in f["overlaps"]],
        spend=[{"strategy": s.strategy, "tags": s.tags, "households": s.households,
                "realized": s.realized, "per_household": s.per_household} for s in f["spend"]],
        trend=[{"taken_on": p.taken_on, "source": p.source, "desil1": p.desil1,
                "after_verval": p.after_verval}
               for p in f["trend"]])
    return out

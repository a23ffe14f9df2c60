"""Issue 17: the lokus desa convergence with every source (or APBD kabupaten only), the split
by source and the gaps: what the lokus page shows, for the secretariat, viewers and admins."""
from decimal import Decimal

from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import fields

from app.reference.service import reporting_quarter
from models import SOURCE_KINDS
from reports.queries import convergence as sources_report
from reports.queries import lokus as lokus_report
from reports.queries.rollup import RollupFilter

from .errors import documented
from .fields import Money, Schema
from .schemas import between
from .scope import fiscal_year

blp = Blueprint("api_convergence", __name__, url_prefix="/lokus",
                description="Konvergensi desa lokus dengan semua sumber dana (issue 17).")

READERS = ("secretariat", "viewer", "admin")


def blueprints():
    return [blp]


class LokusConvergenceArgs(Schema):
    year = fields.Integer(metadata={"description": "Bawaan: tahun berjalan"})
    quarter = fields.Integer(validate=between(1, 4))
    district_id = fields.Integer()
    apbd_only = fields.Boolean(load_default=False, metadata={
        "description": "true: APBD kabupaten saja (bawaan: semua sumber)"})


class LokusSourceSchema(Schema):
    code = fields.String()
    label = fields.String()
    interventions = fields.Integer()
    villages = fields.Integer()
    planned = Money()
    realized = Money()
    households = fields.Integer()


class LokusOtherSourceSchema(Schema):
    source = fields.String()
    label = fields.String()
    planned = Money()
    realized = Money()


class LokusConvergenceVillageSchema(Schema):
    village_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    district = fields.String()
    households = fields.Integer()
    convergence = fields.Integer()
    strategies = fields.List(fields.Integer())
    tagged = Money(metadata={"description": "APBD kabupaten (porsi desa)"})
    realized = Money()
    other = fields.List(fields.Nested(LokusOtherSourceSchema))
    other_households = fields.Integer()


class LokusGapSchema(Schema):
    village_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    district = fields.String()
    households = fields.Integer()


class LokusConvergenceSchema(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    apbd_only = fields.Boolean()
    sources = fields.List(fields.Nested(LokusSourceSchema))
    villages = fields.List(fields.Nested(LokusConvergenceVillageSchema))
    gaps = fields.List(fields.Nested(LokusGapSchema))


@blp.route("/convergence")
@blp.arguments(LokusConvergenceArgs, location="query")
@blp.response(200, LokusConvergenceSchema)
@documented(blp, 403, 404)
def get_convergence(args):
    """Per desa lokus: strategi yang hadir (konvergensi dari 3), anggaran APBD kabupaten dan
    sumber lain; pembagian menurut sumber; kesenjangan."""
    if current_user.role not in READERS:
        abort(403, message="Hanya Sekretariat, pimpinan dan admin.")
    fy = fiscal_year(args.get("year"))
    quarter = args.get("quarter") or getattr(reporting_quarter(fy), "number", 4)
    district_id, other = args.get("district_id"), not args["apbd_only"]
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter, district_id=district_id)
    villages = lokus_report.priority_villages(f, other_sources=other)
    sources = []
    if other:
        sources = sources_report.split(
            sum((v.tagged for v in villages), Decimal("0.00")),
            sum((v.realized for v in villages), Decimal("0.00")),
            sources_report.other_sources(fy.id, quarter, district_id, priority_only=True),
            apbd_villages=sum(1 for v in villages if v.tags))
    return {
        "year": fy.year, "quarter": quarter, "apbd_only": not other, "sources": sources,
        "villages": [{
            "village_id": v.village_id, "code": v.code, "name": v.name, "district": v.district,
            "households": v.households, "convergence": v.convergence,
            "strategies": sorted(v.strategies), "tagged": v.tagged, "realized": v.realized,
            "other": [{"source": k, "label": SOURCE_KINDS[k], "planned": p, "realized": r}
                      for k, (p, r) in v.other.items()],
            "other_households": v.other_households} for v in villages],
        "gaps": [{"village_id": g.id, "code": g.code, "name": g.name, "district": g.district,
                  "households": g.households}
                 for g in lokus_report.gaps(fy.id, district_id, other_sources=other)],
    }

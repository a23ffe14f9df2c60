"""Reference data: OPDs, strategies, tag kinds, funding sources, fiscal years, kecamatan, desa."""
from flask_smorest import Blueprint
from sqlalchemy import and_, func, select

from models import (
    District,
    FiscalYear,
    FundingSource,
    Opd,
    Strategy,
    TagKind,
    Village,
    VillageYear,
    db,
)

from . import schemas as s
from .errors import documented
from .paging import page_of

blp = Blueprint("api_reference", __name__, url_prefix="/reference",
                description="Data referensi (semua peran dapat membaca).")


def blueprints():
    return [blp]


@blp.route("/opds")
@blp.response(200, s.OpdSchema(many=True))
@documented(blp)
def opds():
    return db.session.scalars(select(Opd).order_by(Opd.code)).all()


@blp.route("/strategies")
@blp.response(200, s.StrategySchema(many=True))
@documented(blp)
def strategies():
    return db.session.scalars(select(Strategy).order_by(Strategy.code)).all()


@blp.route("/tag-kinds")
@blp.response(200, s.TagKindSchema(many=True))
@documented(blp)
def tag_kinds():
    return db.session.scalars(select(TagKind).order_by(TagKind.sort_order)).all()


@blp.route("/funding-sources")
@blp.response(200, s.FundingSourceSchema(many=True))
@documented(blp)
def funding_sources():
    return db.session.scalars(select(FundingSource).order_by(FundingSource.code)).all()


@blp.route("/fiscal-years")
@blp.response(200, s.FiscalYearSchema(many=True))
@documented(blp)
def fiscal_years():
    return db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all()


@blp.route("/districts")
@blp.response(200, s.DistrictSchema(many=True))
@documented(blp)
def districts():
    return db.session.scalars(select(District).order_by(District.code)).all()


@blp.route("/villages")
@blp.arguments(s.VillageArgs, location="query")
@blp.response(200, s.page_schema(s.VillageSchema))
@documented(blp)
def villages(args):
    year = db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == args["year"])) \
        if args.get("year") else None
    vy = and_(VillageYear.village_id == Village.id, VillageYear.fiscal_year_id == year)
    stmt = (select(Village, func.coalesce(VillageYear.is_priority, False),
                   func.coalesce(VillageYear.desil1_households, 0))
            .outerjoin(VillageYear, vy).order_by(Village.code))
    if args.get("district_id"):
        stmt = stmt.where(Village.district_id == args["district_id"])
    if args.get("priority") is not None:
        stmt = stmt.where(func.coalesce(VillageYear.is_priority, False) == args["priority"])

    def row(r):
        v, prio, hh = r
        return {"id": v.id, "code": v.code, "name": v.name, "kind": v.kind,
                "district_id": v.district_id, "is_priority": bool(prio), "desil1_households": hh}

    return page_of(stmt, args, row)

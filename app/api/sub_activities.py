"""Sub-activities: list, read, create, replace, delete, through `services.subactivities`."""
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.budget.services.subactivities import (
    create_sub_activity,
    delete_sub_activity,
    update_sub_activity,
)
from models import FiscalYear, FundingSource, Opd, SubActivity, db

from . import inputs as i
from . import schemas as s
from .errors import documented, refuse, run
from .paging import page_of
from .scope import ID, ensure_writer, fiscal_year, load, opd_scope, write_guard

blp = Blueprint("api_sub_activities", __name__, url_prefix="/sub-activities",
                description="Sub kegiatan DPA OPD (pagu murni dan perubahan) beserta tagging-nya.")

FIELD_MAP = {"funding_source_id": "funding_source_code"}


def blueprints():
    return [blp]


@blp.route("")
@blp.arguments(s.SubActivityArgs, location="query")
@blp.response(200, s.page_schema(s.SubActivitySchema))
@documented(blp, 403, 404)
def list_sub_activities(args):
    """Daftar sub kegiatan satu tahun anggaran (OPD: hanya miliknya)."""
    fy = fiscal_year(args.get("year"))
    stmt = (select(SubActivity).where(SubActivity.fiscal_year_id == fy.id)
            .options(selectinload(SubActivity.funding_source),
                     selectinload(SubActivity.fiscal_year))
            .order_by(SubActivity.opd_id, SubActivity.code, SubActivity.id))
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(or_(SubActivity.code.ilike(like), SubActivity.name.ilike(like)))
    return page_of(stmt, args)


@blp.route(f"/<{ID}:sub_activity_id>")
@blp.response(200, s.SubActivityDetailSchema)
@documented(blp, 403, 404)
def get_sub_activity(sub_activity_id):
    """Satu sub kegiatan dengan tagging dan lokus desanya."""
    return load(SubActivity, sub_activity_id)


def _values(data: dict) -> dict:
    """The body as the service's values: the funding source by code, as the form gives its id."""
    values = {k: v for k, v in data.items() if k not in ("version", "opd_id", "year")}
    code = values.pop("funding_source_code", None)
    values["funding_source_id"] = None
    if code:
        fs = db.session.scalar(select(FundingSource.id).where(FundingSource.code == code))
        if fs is None:
            refuse(422, "Periksa kembali isian yang ditandai.",
                   funding_source_code=["Sumber dana tidak dikenal."])
        values["funding_source_id"] = fs
    return values


@blp.route("", methods=["POST"])
@blp.arguments(i.SubActivityCreateSchema)
@blp.response(201, s.SubActivityDetailSchema)
@documented(blp, 403, 409, 422)
def create(data):
    """Tambah sub kegiatan (peran OPD untuk OPD-nya, atau Sekretariat)."""
    ensure_writer()
    opd_id = data.get("opd_id") or current_user.opd_id
    if opd_id is None:
        refuse(422, "Periksa kembali isian yang ditandai.", opd_id=["Wajib diisi."])
    write_guard(opd_id)
    if db.session.get(Opd, opd_id) is None:
        refuse(422, "Periksa kembali isian yang ditandai.", opd_id=["OPD tidak ditemukan."])
    fy = (db.session.scalar(select(FiscalYear).where(FiscalYear.year == data["year"]))
          if data.get("year") else fiscal_year(None))
    if fy is None:
        refuse(422, "Periksa kembali isian yang ditandai.",
               year=["Tahun anggaran tidak ditemukan."])
    values = _values(data)
    return run(lambda: create_sub_activity(opd_id, fy.id, values, note="API"),
               field_map=FIELD_MAP)


@blp.route(f"/<{ID}:sub_activity_id>", methods=["PUT"])
@blp.arguments(i.SubActivityInSchema)
@blp.response(200, s.SubActivityDetailSchema)
@documented(blp, 403, 404, 409, 422)
def replace(data, sub_activity_id):
    """Ubah sub kegiatan: kirim semua isian dan `version` yang dibaca (usang: 409)."""
    sa = load(SubActivity, sub_activity_id, write=True)
    if data.get("version") is None:
        refuse(422, "Sertakan version yang dibaca.", version=["Wajib diisi."])
    values = _values(data)
    run(lambda: update_sub_activity(sa, values, data["version"], note="API"),
        field_map=FIELD_MAP, current=lambda: s.SubActivityDetailSchema().dump(sa))
    return sa


@blp.route(f"/<{ID}:sub_activity_id>", methods=["DELETE"])
@blp.arguments(i.VersionArgs, location="query")
@blp.response(204)
@documented(blp, 403, 404, 409, 422)
def delete(args, sub_activity_id):
    """Hapus sub kegiatan yang belum memiliki realisasi."""
    sa = load(SubActivity, sub_activity_id, write=True)
    run(lambda: delete_sub_activity(sa, args["version"]),
        current=lambda: s.SubActivityDetailSchema().dump(sa))

"""Realization to date per tag and quarter: list, read, and write through
`services.realization.save_sheet` (the UI's save: lock, closed quarter, version, anomalies, audit,
and the OPD's submission started as a draft)."""
from flask_login import current_user
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cycle import figures
from app.cycle import realization as service
from models import Quarter, Realization, SubActivity, Tag, db

from . import inputs as i
from . import schemas as s
from .errors import documented, run
from .paging import page_of
from .scope import ID, ensure_writer, fiscal_year, load, opd_scope

blp = Blueprint("api_realizations", __name__, url_prefix="/realizations",
                description="Realisasi kumulatif (s.d. triwulan) per tagging.")
tag_blp = Blueprint("api_tag_realizations", __name__, url_prefix="/tags",
                    description="Realisasi satu tagging per triwulan: baca dan isi.")


def blueprints():
    return [blp, tag_blp]


@blp.route("")
@blp.arguments(s.RealizationArgs, location="query")
@blp.response(200, s.page_schema(s.RealizationSchema))
@documented(blp, 403, 404)
def list_realizations(args):
    """Daftar realisasi satu tahun anggaran, dapat disaring triwulan, OPD, dan tagging."""
    fy = fiscal_year(args.get("year"))
    stmt = (select(Realization)
            .join(Quarter, Quarter.id == Realization.quarter_id)
            .join(Tag, Tag.id == Realization.tag_id)
            .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(Quarter.fiscal_year_id == fy.id)
            .options(selectinload(Realization.quarter), selectinload(Realization.villages))
            .order_by(Quarter.number, Realization.tag_id))
    if args.get("quarter"):
        stmt = stmt.where(Quarter.number == args["quarter"])
    if args.get("tag_id"):
        stmt = stmt.where(Realization.tag_id == args["tag_id"])
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return page_of(stmt, args)


def _quarter(tag: Tag, number: int) -> Quarter:
    quarter = figures.quarter_in(tag.sub_activity.fiscal_year, number)
    if quarter is None:
        abort(404, message="Triwulan tidak ditemukan.")
    return quarter


def _current(tag: Tag, quarter: Quarter) -> Realization | None:
    return db.session.scalar(select(Realization).where(
        Realization.tag_id == tag.id, Realization.quarter_id == quarter.id))


@tag_blp.route(f"/<{ID}:tag_id>/realizations/<int(min=1, max=4):quarter>")
@tag_blp.response(200, s.RealizationSchema)
@documented(tag_blp, 403, 404)
def get_realization(tag_id, quarter):
    """Realisasi satu tagging s.d. triwulan `quarter` (1-4); 404 bila belum diisi."""
    tag = load(Tag, tag_id)
    found = _current(tag, _quarter(tag, quarter))
    if found is None:
        abort(404, message="Realisasi triwulan ini belum diisi.")
    return found


@tag_blp.route(f"/<{ID}:tag_id>/realizations/<int(min=1, max=4):quarter>", methods=["PUT"])
@tag_blp.arguments(i.RealizationInSchema)
@tag_blp.response(200, s.RealizationSchema)
@documented(tag_blp, 403, 404, 409, 422)
def put_realization(data, tag_id, quarter):
    """Isi atau ubah realisasi s.d. triwulan. Kirim `version` yang dibaca (0 bila belum ada):
    versi usang atau triwulan yang sudah diajukan/diverifikasi/ditutup dijawab 409. Anomali
    (mis. melebihi nilai tagging, kumulatif turun) tidak ditolak tetapi dikembalikan dan wajib
    dijelaskan (`explanation`) sebelum laporan diajukan."""
    ensure_writer()
    tag = load(Tag, tag_id, write=True)
    q = _quarter(tag, quarter)
    row = service.RowInput(
        tag_id=tag.id, version=data["version"], amount=data["amount"],
        physical_progress=data["physical_progress"], reached_count=data["reached_count"],
        villages={v["village_id"]: v["reached_count"] for v in data["villages"]},
        problems=data["problems"].strip(), follow_up=data["follow_up"].strip(),
        explanation=data["explanation"].strip())

    def current():
        found = _current(tag, q)
        return s.RealizationSchema().dump(found) if found is not None else {"version": 0}

    run(lambda: service.save_sheet(tag.opd_id, q, [row], current_user),
        field_map={"villages": "villages"}, current=current)
    return _current(tag, q)

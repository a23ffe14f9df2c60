"""Tags and their lokus desa: list, read, create, replace, delete, through
`services.subactivity_tags` (allocation room, lock, version, audit: the UI's rules)."""
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.budget.services.subactivity_tags import delete_tag, save_tag
from models import Strategy, SubActivity, Tag, TagKind, TagVillage, db

from . import inputs as i
from . import schemas as s
from .errors import documented, refuse, run
from .paging import page_of
from .scope import ID, ensure_writer, fiscal_year, load, opd_scope

blp = Blueprint("api_tags", __name__, url_prefix="/tags",
                description="Tagging sub kegiatan (strategi, kelompok, nilai, sasaran) dan lokus "
                            "desanya.")

FIELD_MAP = {"strategy_id": "strategy_code", "tag_kind_id": "tag_kind_code"}


class TagCreateSchema(i.TagInSchema):
    sub_activity_id = fields.Integer(required=True)


def blueprints():
    return [blp]


def tag_query(args):
    fy = fiscal_year(args.get("year"))
    stmt = (select(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(SubActivity.fiscal_year_id == fy.id)
            .options(selectinload(Tag.strategy), selectinload(Tag.tag_kind),
                     selectinload(Tag.sub_activity),
                     selectinload(Tag.villages).selectinload(TagVillage.village))
            .order_by(SubActivity.code, Tag.id))
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    if args.get("strategy"):
        stmt = stmt.join(Strategy, Strategy.id == Tag.strategy_id).where(
            Strategy.code == args["strategy"])
    if args.get("kind"):
        stmt = stmt.join(TagKind, TagKind.id == Tag.tag_kind_id).where(
            TagKind.code == args["kind"])
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(or_(SubActivity.code.ilike(like), Tag.description.ilike(like)))
    return stmt


@blp.route("")
@blp.arguments(s.TagArgs, location="query")
@blp.response(200, s.page_schema(s.TagSchema))
@documented(blp, 403, 404)
def list_tags(args):
    """Daftar tagging satu tahun anggaran, dapat disaring strategi dan kelompok."""
    return page_of(tag_query(args), args)


@blp.route(f"/<{ID}:tag_id>")
@blp.response(200, s.TagSchema)
@documented(blp, 403, 404)
def get_tag(tag_id):
    """Satu tagging dengan lokus desanya."""
    return load(Tag, tag_id)


def _values(data: dict) -> tuple[dict, list[dict]]:
    """The body as the service's values: strategy and tag kind by code (the form gives ids)."""
    values = {k: v for k, v in data.items()
              if k not in ("version", "villages", "sub_activity_id", "strategy_code",
                           "tag_kind_code", "drop_realized_villages")}
    values["strategy_id"] = db.session.scalar(
        select(Strategy.id).where(Strategy.code == data["strategy_code"]))
    values["tag_kind_id"] = db.session.scalar(
        select(TagKind.id).where(TagKind.code == data["tag_kind_code"]))
    return values, [dict(v) for v in data["villages"]]


def _saved(result) -> Tag:
    tag, warnings = result
    tag.warnings = warnings  # answered alongside the tag, never stored
    return tag


@blp.route("", methods=["POST"])
@blp.arguments(TagCreateSchema)
@blp.response(201, s.TagSavedSchema)
@documented(blp, 403, 404, 409, 422)
def create(data):
    """Tambah tagging pada sub kegiatan; nilainya tidak boleh melampaui sisa pagu."""
    ensure_writer()
    sa = load(SubActivity, data["sub_activity_id"], write=True)
    values, villages = _values(data)
    return _saved(run(lambda: save_tag(sa, None, values, villages), field_map=FIELD_MAP))


@blp.route(f"/<{ID}:tag_id>", methods=["PUT"])
@blp.arguments(i.TagInSchema)
@blp.response(200, s.TagSavedSchema)
@documented(blp, 403, 404, 409, 422)
def replace(data, tag_id):
    """Ubah tagging dan lokusnya (daftar desa lengkap) dengan `version` yang dibaca."""
    tag = load(Tag, tag_id, write=True)
    if data.get("version") is None:
        refuse(422, "Sertakan version yang dibaca.", version=["Wajib diisi."])
    values, villages = _values(data)
    return _saved(run(lambda: save_tag(tag.sub_activity, tag, values, villages,
                                       data.get("version"),
                                       drop_realized=data["drop_realized_villages"]),
                      field_map=FIELD_MAP, current=lambda: s.TagSchema().dump(tag)))


@blp.route(f"/<{ID}:tag_id>", methods=["DELETE"])
@blp.arguments(i.VersionArgs, location="query")
@blp.response(204)
@documented(blp, 403, 404, 409, 422)
def delete(args, tag_id):
    """Hapus tagging yang belum memiliki realisasi."""
    tag = load(Tag, tag_id, write=True)
    run(lambda: delete_tag(tag, args["version"]), current=lambda: s.TagSchema().dump(tag))

"""Sub-activities, tags, realizations, submissions and rollups, through the same services and
per-object checks as the UI."""
from flask_login import current_user
from flask_smorest import Blueprint, abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from models import (
    FiscalYear,
    Quarter,
    Realization,
    Strategy,
    SubActivity,
    Submission,
    Tag,
    TagKind,
    TagVillage,
    db,
)

from ..security import can_access_opd, load_for
from ..services.reference import current_fiscal_year
from . import schemas as s
from .paging import page_of

sub_blp = Blueprint("api_sub_activities", __name__, url_prefix="/sub-activities",
                    description="Sub kegiatan dan tagging-nya.")
tag_blp = Blueprint("api_tags", __name__, url_prefix="/tags",
                    description="Tagging dan lokus desanya.")
real_blp = Blueprint("api_realizations", __name__, url_prefix="/realizations",
                     description="Realisasi kumulatif per tagging dan triwulan.")
subm_blp = Blueprint("api_submissions", __name__, url_prefix="/submissions",
                     description="Laporan triwulan OPD dan transisi statusnya.")
roll_blp = Blueprint("api_rollups", __name__, url_prefix="/rollups",
                     description="Rekapitulasi rencana dan realisasi (angka dasbor).")


def blueprints():
    return [sub_blp, tag_blp, real_blp, subm_blp, roll_blp]


def fiscal_year(year: int | None) -> FiscalYear:
    if year is None:
        fy = current_fiscal_year()
    else:
        fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
    if fy is None:
        abort(404, message="Tahun anggaran tidak ditemukan.")
    return fy


def opd_scope(opd_id: int | None) -> int | None:
    """The OPD a list is limited to: an opd user's own, whatever it asks for."""
    if current_user.role == "opd":
        if opd_id is not None and opd_id != current_user.opd_id:
            abort(403, message="Anda hanya dapat membaca data OPD Anda sendiri.")
        return current_user.opd_id
    return opd_id


def write_guard(opd_id: int) -> None:
    if not can_access_opd(current_user, opd_id, write=True):
        abort(403, message="Anda tidak berwenang mengubah data OPD ini.")


@sub_blp.route("")
@sub_blp.arguments(s.SubActivityArgs, location="query")
@sub_blp.response(200, s.page_schema(s.SubActivitySchema))
def list_sub_activities(args):
    fy = fiscal_year(args.get("year"))
    stmt = (select(SubActivity).where(SubActivity.fiscal_year_id == fy.id)
            .options(selectinload(SubActivity.funding_source), selectinload(
                SubActivity.fiscal_year))
            .order_by(SubActivity.opd_id, SubActivity.code))
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(or_(SubActivity.code.ilike(like), SubActivity.name.ilike(like)))
    return page_of(stmt, args)


@sub_blp.route("/<int:sub_activity_id>")
@sub_blp.response(200, s.SubActivityDetailSchema)
def get_sub_activity(sub_activity_id):
    return load_for(SubActivity, sub_activity_id)


def _tag_query(args):
    fy = fiscal_year(args.get("year"))
    stmt = (select(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(SubActivity.fiscal_year_id == fy.id)
            .options(selectinload(Tag.strategy), selectinload(Tag.tag_kind),
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


@tag_blp.route("")
@tag_blp.arguments(s.TagArgs, location="query")
@tag_blp.response(200, s.page_schema(s.TagSchema))
def list_tags(args):
    return page_of(_tag_query(args), args)


@tag_blp.route("/<int:tag_id>")
@tag_blp.response(200, s.TagSchema)
def get_tag(tag_id):
    return load_for(Tag, tag_id)


@real_blp.route("")
@real_blp.arguments(s.RealizationArgs, location="query")
@real_blp.response(200, s.page_schema(s.RealizationSchema))
def list_realizations(args):
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
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return page_of(stmt, args)


@subm_blp.route("")
@subm_blp.arguments(s.SubmissionArgs, location="query")
@subm_blp.response(200, s.page_schema(s.SubmissionSchema))
def list_submissions(args):
    fy = fiscal_year(args.get("year"))
    stmt = (select(Submission).join(Quarter, Quarter.id == Submission.quarter_id)
            .where(Quarter.fiscal_year_id == fy.id)
            .options(selectinload(Submission.quarter).selectinload(Quarter.fiscal_year))
            .order_by(Quarter.number, Submission.opd_id))
    if args.get("quarter"):
        stmt = stmt.where(Quarter.number == args["quarter"])
    if args.get("status"):
        stmt = stmt.where(Submission.status == args["status"])
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(Submission.opd_id == opd_id)
    return page_of(stmt, args)


@subm_blp.route("/<int:submission_id>")
@subm_blp.response(200, s.SubmissionSchema)
def get_submission(submission_id):
    return load_for(Submission, submission_id)

"""Quarterly submissions of the OPDs: list, read (with history and review comments), and the
transitions the caller's role allows, through `services.workflow`."""
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cycle import workflow
from models import Quarter, Submission, SubmissionEvent, db

from . import inputs as i
from . import schemas as s
from .errors import documented, run
from .paging import page_of
from .scope import ID, fiscal_year, load, opd_scope

blp = Blueprint("api_submissions", __name__, url_prefix="/submissions",
                description="Laporan triwulan OPD: draf, diajukan, dikembalikan, terverifikasi.")


def blueprints():
    return [blp]


@blp.route("")
@blp.arguments(s.SubmissionArgs, location="query")
@blp.response(200, s.page_schema(s.SubmissionSchema))
@documented(blp, 403, 404)
def list_submissions(args):
    """Daftar laporan triwulan satu tahun anggaran (OPD: hanya miliknya)."""
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


def _detail(sub: Submission) -> Submission:
    db.session.scalars(select(Submission).where(Submission.id == sub.id).options(
        selectinload(Submission.events).selectinload(SubmissionEvent.actor),
        selectinload(Submission.comments))).one()
    sub.allowed_actions = [a for a in ("submit", "verify", "return", "reopen")
                           if workflow.can(current_user, a, sub)]
    return sub


@blp.route(f"/<{ID}:submission_id>")
@blp.response(200, s.SubmissionDetailSchema)
@documented(blp, 403, 404)
def get_submission(submission_id):
    """Satu laporan dengan riwayat status, catatan verifikator, dan transisi yang boleh
    dilakukan pemilik token."""
    return _detail(load(Submission, submission_id))


def _transition(sub: Submission, data: dict):
    action, note, version = data["action"], data["note"], data["version"]
    if action in ("submit", "resubmit"):
        return workflow.submit(sub, current_user, version=version)
    if action == "verify":
        return workflow.verify(sub, current_user, note=note, version=version)
    if action == "return":
        return workflow.return_(sub, current_user, general=note,
                                tag_comments=data["tag_comments"], version=version)
    return workflow.reopen(sub, current_user, reason=note, version=version)


@blp.route(f"/<{ID}:submission_id>/transitions", methods=["POST"])
@blp.arguments(i.TransitionInSchema)
@blp.response(200, s.SubmissionDetailSchema)
@documented(blp, 403, 404, 409, 422)
def transition(data, submission_id):
    """Ubah status laporan. `submit`/`resubmit`: OPD pemilik atau Sekretariat (ditolak 422 bila
    ada tagging tanpa realisasi atau anomali tanpa penjelasan). `verify`, `return` (wajib
    `note`, boleh `tag_comments`), `reopen` (wajib `note` sebagai alasan): Sekretariat.
    Peran lain: 403; status yang tidak sesuai atau `version` usang: 409."""
    sub = load(Submission, submission_id)
    run(lambda: _transition(sub, data), field_map={"general": "note", "reason": "note"},
        current=lambda: s.SubmissionSchema().dump(sub))
    return _detail(sub)

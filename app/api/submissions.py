"""Quarterly submissions of the OPDs: list, read (with history and review comments), and the
transitions the caller's role allows, through `services.workflow`."""
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import and_, literal, or_, select
from sqlalchemy.orm import selectinload

from app.core.clock import today
from app.cycle import compliance, workflow
from models import Opd, Quarter, Submission, SubmissionEvent, db

from . import inputs as i
from . import schemas as s
from .errors import documented, run
from .paging import page_of
from .scope import ID, fiscal_year, load, opd_scope

blp = Blueprint("api_submissions", __name__, url_prefix="/submissions",
                description="Laporan triwulan OPD: draf, diajukan, dikembalikan, terverifikasi.")


def blueprints():
    return [blp]


class Lateness:
    """A submission as the API shows it: its own fields, plus `is_late` and `days_overdue`
    from the one lateness rule (app.cycle.compliance.days_overdue), so a draft or a report
    never started is late once its deadline has passed, as the compliance board says."""

    def __init__(self, sub: Submission | None, quarter: Quarter, opd_id: int, on=None):
        self._sub, self.quarter, self.opd_id = sub, quarter, opd_id
        self.days_overdue = compliance.days_overdue(quarter, sub, on or today())
        self.is_late = self.days_overdue is not None
        if sub is None:  # never started: no row, no id, nothing submitted
            self.id, self.status, self.version = None, "not_started", 0
            self.submitted_at = self.first_submitted_at = self.verified_at = None

    def __getattr__(self, name):
        return getattr(self._sub, name)


@blp.route("")
@blp.arguments(s.SubmissionArgs, location="query")
@blp.response(200, s.page_schema(s.SubmissionSchema))
@documented(blp, 403, 404)
def list_submissions(args):
    """Daftar laporan triwulan satu tahun anggaran (OPD: hanya miliknya). Termasuk triwulan
    yang lewat tenggat tanpa laporan sama sekali (`status` `not_started`, `id` null). `is_late`
    dan `days_overdue` memakai aturan yang sama dengan papan kepatuhan: laporan yang belum
    diajukan terlambat sejak hari setelah tenggat, dihitung sampai hari ini."""
    fy = fiscal_year(args.get("year"))
    on = today()
    stmt = (select(Opd.id, Quarter, Submission).select_from(Opd)
            .join(Quarter, Quarter.fiscal_year_id == fy.id)
            .outerjoin(Submission, and_(Submission.opd_id == Opd.id,
                                        Submission.quarter_id == Quarter.id))
            .where(or_(Submission.id.is_not(None),
                       and_(Opd.is_active, Quarter.deadline < literal(on))))
            .options(selectinload(Quarter.fiscal_year))
            .order_by(Quarter.number, Opd.id))
    if args.get("quarter"):
        stmt = stmt.where(Quarter.number == args["quarter"])
    if args.get("status") == "not_started":
        stmt = stmt.where(Submission.id.is_(None))
    elif args.get("status"):
        stmt = stmt.where(Submission.status == args["status"])
    opd_id = opd_scope(args.get("opd_id"))
    if opd_id:
        stmt = stmt.where(Opd.id == opd_id)
    return page_of(stmt, args, transform=lambda r: Lateness(r[2], r[1], r[0], on))


def _detail(sub: Submission) -> Submission:
    db.session.scalars(select(Submission).where(Submission.id == sub.id).options(
        selectinload(Submission.events).selectinload(SubmissionEvent.actor),
        selectinload(Submission.comments))).one()
    sub.allowed_actions = [a for a in ("submit", "verify", "return", "reopen")
                           if workflow.can(current_user, a, sub)]
    return Lateness(sub, sub.quarter, sub.opd_id)


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

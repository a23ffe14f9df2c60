"""The secretariat's side: the queue of a quarter, the review page of one submission with its
decisions (verify, return, reopen), and the compliance board."""
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.errors import ServiceError, StaleError
from app.core.input_guards import query_int
from app.core.table_xlsx import Column, Table
from app.cycle import compliance, evidence, evidence_requests, figures, workflow
from app.cycle import realization as realization_service
from app.reference.service import fiscal_year, reporting_quarter
from forms.evidence_request import EvidenceRequestForm
from forms.review import (
    BulkVerifyForm,
    DecisionForm,
    ReopenForm,
    bulk_ids,
    tag_comments,
    version_of,
)
from models import STATUS_LABELS, ReviewComment, Submission, SubmissionEvent, db

from ..exports import wants_xlsx, xlsx_response, yes_no
from ..refusals import race_as_stale, refused
from ..security import load_for, role_required
from ..templating import datetime_id
from . import bp


def _fiscal_year():
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    return fy


QUEUE_STATUSES = {"none": "Belum mulai", **STATUS_LABELS}


def _queue_filters() -> dict:
    """The queue's filters from the query string; unknown values are ignored."""
    status = request.args.get("status", "")
    return {"status": status if status in QUEUE_STATUSES else "",
            "opd": query_int("opd", lo=1),
            "late": request.args.get("terlambat") == "1",
            "anomalies": request.args.get("anomali") == "1"}


def _keep(row: dict, f: dict) -> bool:
    sub = row["submission"]
    return ((not f["status"] or (sub.status if sub else "none") == f["status"])
            and (f["opd"] is None or row["opd"].id == f["opd"])
            and (not f["late"] or row["overdue"])
            and (not f["anomalies"] or row["anomalies"]))


@bp.route("/")
@role_required("secretariat")
def queue():
    fy = _fiscal_year()
    number = query_int("triwulan")
    quarter = (figures.quarter_in(fy, number) if number
               else reporting_quarter(fy))
    if quarter is None:
        abort(404)
    rows = compliance.queue(quarter)
    filters = _queue_filters()
    kept = [r for r in rows if _keep(r, filters)]
    if wants_xlsx():
        return xlsx_response([_queue_table(fy, quarter, filters, rows, kept)],
                             f"antrean-verifikasi-{fy.year}-tw{quarter.number}.xlsx")
    return render_template("review/queue.html", fy=fy, quarter=quarter, filters=filters,
                           rows=kept, total=len(rows),
                           opds=[r["opd"] for r in rows], statuses=QUEUE_STATUSES,
                           bulk_form=BulkVerifyForm())


def _queue_table(fy, quarter, filters: dict, rows: list, kept: list) -> Table:
    """The queue as the page shows it (its filters applied), for the secretariat's sheet."""
    opd = next((r["opd"] for r in rows if r["opd"].id == filters["opd"]), None)

    def timing(r):
        sub = r["submission"]
        if r["overdue"]:
            return f"Terlambat {r['overdue']} hari"
        return "Tepat waktu" if sub and sub.first_submitted_at else "-"

    def submitted(sub):
        return datetime_id(sub.submitted_at) if sub else "-"

    return Table(
        title=f"Verifikasi laporan {quarter.label} {fy.year}", sheet="Antrean verifikasi",
        filters=[("Tahun anggaran", str(fy.year)), ("Triwulan", quarter.label),
                 ("Batas penyampaian", quarter.deadline.strftime("%d-%m-%Y")),
                 ("Status", QUEUE_STATUSES.get(filters["status"], "semua status")
                  if filters["status"] else "semua status"),
                 ("OPD", opd.name if opd else "semua OPD"),
                 ("Hanya yang terlambat", yes_no(filters["late"])),
                 ("Hanya yang beranomali", yes_no(filters["anomalies"])),
                 ("Ditampilkan", f"{len(kept)} dari {len(rows)} OPD")],
        columns=[Column("Kode OPD", width=24), Column("Perangkat daerah", width=40),
                 Column("Status", width=16), Column("Diajukan", width=18),
                 Column("Ketepatan", width=20), Column("Hari terlambat", "count"),
                 Column("Tagging terisi", "count"), Column("Jumlah tagging", "count"),
                 Column("Anomali", "count")],
        rows=[[r["opd"].code, r["opd"].name,
               STATUS_LABELS[r["submission"].status] if r["submission"] else "Belum mulai",
               submitted(r["submission"]), timing(r), r["overdue"] or 0, r["filled"], r["tags"],
               r["anomalies"]] for r in kept])


@bp.route("/verifikasi-massal", methods=["POST"])
@role_required("secretariat")
def bulk_verify():
    """Verify the ticked clean reports; the others are named with the reason they were not."""
    form = BulkVerifyForm()
    if not form.validate_on_submit():
        abort(400)
    back = request.form.get("back", "")
    if not back.startswith("/verifikasi/") or back.startswith("//"):
        back = url_for("review.queue")
    picked = bulk_ids(request.form)
    if not picked:
        flash("Pilih paling sedikit satu laporan untuk diverifikasi.", "warning")
        return redirect(back)
    versions = dict(picked)
    subs = db.session.scalars(select(Submission).where(Submission.id.in_(list(versions)))
                              .options(joinedload(Submission.opd),
                                       joinedload(Submission.quarter))
                              .order_by(Submission.id)).all()
    try:
        with race_as_stale():
            result = workflow.verify_many([(s, versions[s.id]) for s in subs], current_user)
            db.session.commit()
    except workflow.NotAllowedError as exc:
        db.session.rollback()
        return refused(exc.message, exc.status_code, back)
    except StaleError as exc:
        db.session.rollback()
        return refused(exc.message, 409, back)
    if result.verified:
        flash(f"{len(result.verified)} laporan diverifikasi dan dikunci: "
              + "; ".join(_name(s) for s in result.verified) + ".", "success")
    if result.refused:
        flash("Tidak diverifikasi: " + "; ".join(f"{_name(s)} ({why})"
                                                 for s, why in result.refused) + ".", "warning")
    return redirect(back)


def _name(sub: Submission) -> str:
    return f"{sub.opd.short_name or sub.opd.name} {sub.quarter.label}"


def _load(submission_id: int) -> Submission:
    sub = load_for(Submission, submission_id)
    # The history with its actors and comments, in two queries rather than one per event.
    db.session.scalars(select(Submission).where(Submission.id == sub.id).options(
        selectinload(Submission.events).joinedload(SubmissionEvent.actor),
        selectinload(Submission.comments).joinedload(ReviewComment.author),
        joinedload(Submission.opd), joinedload(Submission.quarter))).one()
    return sub


def _render(sub: Submission, form=None, reopen_form=None, status=200):
    rows = realization_service.sheet(sub.opd_id, sub.quarter)
    by_tag = {}
    for c in sub.comments:
        by_tag.setdefault(c.tag_id, []).append(c)
    form = form or DecisionForm(version=sub.version)
    reopen_form = reopen_form or ReopenForm(version=sub.version)
    return render_template(
        "review/detail.html", sub=sub, quarter=sub.quarter, opd=sub.opd, rows=rows,
        previous=figures.previous_quarter(sub.quarter), comments=by_tag,
        anomalies=sum(1 for r in rows if r.current is not None and r.current.anomalies),
        form=form, reopen_form=reopen_form, evidence=evidence.by_tag(sub.opd_id, sub.quarter_id),
        evidence_requests=evidence_requests.open_by_tag(sub.opd_id, sub.quarter_id),
        request_form=EvidenceRequestForm(), can_request=sub.status != "verified"
        and current_user.role == "secretariat",
        can_decide=workflow.can(current_user, "verify", sub),
        can_reopen=workflow.can(current_user, "reopen", sub)), status


@bp.route("/<int:submission_id>")
@login_required
def detail(submission_id: int):
    return _render(_load(submission_id))


def _decide(submission_id: int, action: str):
    sub = _load(submission_id)
    form = ReopenForm() if action == "reopen" else DecisionForm()
    if not form.validate_on_submit():
        if form.errors.keys() - {"csrf_token"}:
            return _render(sub, **({"reopen_form": form} if action == "reopen"
                                   else {"form": form}))
        abort(400)
    back = url_for("review.detail", submission_id=sub.id)
    version = version_of(form)
    try:
        with race_as_stale():
            if action == "verify":
                workflow.verify(sub, current_user, note=form.general.data, version=version)
            elif action == "return":
                workflow.return_(sub, current_user, general=form.general.data,
                                 tag_comments=tag_comments(request.form), version=version)
            else:
                workflow.reopen(sub, current_user, reason=form.reason.data, version=version)
            db.session.commit()
    except (workflow.NotAllowedError, workflow.WrongStateError) as exc:
        db.session.rollback()
        return refused(exc.message, exc.status_code, back)
    except StaleError as exc:
        db.session.rollback()
        return refused(exc.message, 409, back)
    except ServiceError as exc:
        db.session.rollback()
        sub = _load(submission_id)
        target = ReopenForm() if action == "reopen" else DecisionForm()
        target.version.data = sub.version
        getattr(target, exc.field or ("reason" if action == "reopen" else "general")
                ).errors = [exc.message]
        return _render(sub, **({"reopen_form": target} if action == "reopen"
                               else {"form": target}))
    messages = {"verify": "Laporan diverifikasi dan dikunci.",
                "return": "Laporan dikembalikan ke OPD dengan catatan.",
                "reopen": "Laporan dibuka kembali dan dikembalikan ke OPD."}
    flash(messages[action], "success")
    return redirect(back)


@bp.route("/<int:submission_id>/verifikasi", methods=["POST"])
@login_required
def verify(submission_id: int):
    return _decide(submission_id, "verify")


@bp.route("/<int:submission_id>/kembalikan", methods=["POST"])
@login_required
def return_(submission_id: int):
    return _decide(submission_id, "return")


@bp.route("/<int:submission_id>/buka-kembali", methods=["POST"])
@login_required
def reopen(submission_id: int):
    return _decide(submission_id, "reopen")


@bp.route("/kepatuhan", endpoint="compliance")
@role_required("secretariat", "viewer", "admin")
def compliance_board():
    fy = _fiscal_year()
    rows = compliance.board(fy)
    if request.args.get("format") == "xlsx":
        return send_file(BytesIO(compliance.board_xlsx(fy, rows)), as_attachment=True,
                         download_name=f"kepatuhan-tagar-{fy.year}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")
    return render_template("review/compliance.html", fy=fy, rows=rows)

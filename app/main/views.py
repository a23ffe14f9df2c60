from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.cycle import compliance
from app.cycle import notifications as notifications
from app.main import leader, overview
from app.reference.service import current_fiscal_year, reporting_quarter
from models import Opd, Submission, db

from ..security import load_for
from . import bp


@bp.route("/")
@login_required
def home():
    if current_app.config.get("TAGAR_MODE") == "province" and current_user.role in (
            "provinsi", "viewer", "admin"):  # issues 18, 30: the province pages are the home
        return redirect(url_for("federation.dashboard"))
    fy = current_fiscal_year()
    quarter = reporting_quarter(fy) if fy else None
    ctx = {"fy": fy, "quarter": quarter}
    if fy is None:
        return render_template("main/home_empty.html", **ctx)
    role = current_user.role
    if role == "opd" and notifications.remind_once_a_day(current_user.opd_id, current_user.id):
        db.session.commit()  # idempotent: the deadline notices exist once per user and quarter
    ctx["latest_notifications"] = notifications.latest(current_user.id)
    if role == "opd":
        rows = overview.opd_sub_activities(current_user.opd_id, fy.id)
        subs = compliance.year_submissions(current_user.opd_id, fy)  # one statement for both
        submission = subs.get(quarter.id) if quarter is not None else None
        totals = overview.opd_budget_totals(current_user.opd_id, fy.id)
        return render_template(
            "main/home_opd.html", rows=rows, totals=totals, submission=submission,
            opd=db.session.get(Opd, current_user.opd_id),
            notices=compliance.returned_notices(current_user.opd_id, fy),
            overdue_quarters=compliance.overdue_quarters(current_user.opd_id, fy, subs=subs),
            headline=overview.headline(fy, quarter, current_user.opd_id), **ctx)
    if role == "secretariat":
        return render_template(
            "main/home_secretariat.html",
            statuses=overview.submission_statuses(quarter) if quarter else [],
            partition=overview.opd_partition(quarter) if quarter else None,
            anomalies=overview.anomaly_count(fy.id, quarter_id=quarter.id) if quarter else 0,
            new_submissions=compliance.new_submissions(fy, limit=None),
            headline=overview.headline(fy, quarter), leader=leader.summary(fy, quarter), **ctx)
    return render_template("main/home_viewer.html", headline=overview.headline(fy, quarter),
                           leader=leader.summary(fy, quarter),
                           partition=overview.opd_partition(quarter) if quarter else None,
                           **ctx)


@bp.route("/opd/<int:opd_id>")
@login_required
def opd_detail(opd_id: int):
    """One OPD's tagged sub-activities and its reports per quarter (guarded per object)."""
    opd = load_for(Opd, opd_id)
    fy = current_fiscal_year()
    rows = overview.opd_sub_activities(opd.id, fy.id) if fy else []
    submissions = {}
    if fy:
        submissions = {s.quarter_id: s for s in db.session.scalars(select(Submission).where(
            Submission.opd_id == opd.id,
            Submission.quarter_id.in_([q.id for q in fy.quarters])))}
    totals = overview.opd_budget_totals(opd.id, fy.id) if fy else {}
    return render_template("main/opd_detail.html", opd=opd, fy=fy, rows=rows, totals=totals,
                           submissions=submissions)

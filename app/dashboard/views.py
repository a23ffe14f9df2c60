"""The plan-versus-realization dashboard and the anomaly list (thin: parse, check, render)."""
from flask import flash, render_template, request
from flask_login import current_user, login_required

from ..services import anomalies as anomaly_rules
from . import bp, filters, page


@bp.route("/")
@login_required
def index():
    q = filters.parse(request.args, current_user)
    if q.fy is None:
        return render_template("dashboard/empty.html")
    return render_template("dashboard/index.html", **page.build(q))


@bp.route("/anomali")
@login_required
def anomalies():
    q = filters.parse(request.args, current_user)
    if q.fy is None:
        return render_template("dashboard/empty.html")
    # The quarter filter is optional here: without `triwulan` every quarter is listed.
    quarter = q.filt.quarter if request.args.get("triwulan") else None
    rows = page.anomaly_list(q.fy.id, quarter, page.own_opd(q.filt.opd_id))
    if q.ignored:  # this page has no filter form to show them beside
        flash(f"Filter berikut tidak dikenali dan diabaikan: {', '.join(q.ignored)}.", "warning")
    return render_template("dashboard/anomalies.html", q=q, rows=rows, quarter=quarter,
                           describe=anomaly_rules.describe)

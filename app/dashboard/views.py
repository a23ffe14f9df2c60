"""The plan-versus-realization dashboard and the anomaly list (thin: parse, check, render)."""
from dataclasses import replace

from flask import flash, render_template, request
from flask_login import current_user, login_required

from app.cycle import anomalies as anomaly_rules
from models import Opd, db

from ..exports import wants_xlsx, xlsx_response
from . import bp, filters, page, tables


@bp.route("/")
@login_required
def index():
    q = filters.parse(request.args, current_user)
    if q.fy is None:
        return render_template("dashboard/empty.html")
    if wants_xlsx():  # every row (no "Lainnya" row): a sheet has room for all of them
        ctx = page.build(replace(q, show_all=True, args={**q.args, "semua": 1}))
        return xlsx_response(tables.dashboard(ctx),
                             f"dasbor-tagar-{q.fy.year}-tw{q.filt.quarter}.xlsx")
    return render_template("dashboard/index.html", **page.build(q))


@bp.route("/anomali")
@login_required
def anomalies():
    q = filters.parse(request.args, current_user)
    if q.fy is None:
        return render_template("dashboard/empty.html")
    # The quarter filter is optional here: without `triwulan` every quarter is listed.
    quarter = q.filt.quarter if request.args.get("triwulan") else None
    opd_id = page.own_opd(q.filt.opd_id)
    rows = page.anomaly_list(q.fy.id, quarter, opd_id)
    if wants_xlsx():
        opd = db.session.get(Opd, opd_id) if opd_id else None
        return xlsx_response([tables.anomalies(q, quarter, opd.name if opd else None, rows)],
                             f"anomali-tagar-{q.fy.year}.xlsx")
    if q.ignored:  # this page has no filter form to show them beside
        flash(f"Filter berikut tidak dikenali dan diabaikan: {', '.join(q.ignored)}.", "warning")
    return render_template("dashboard/anomalies.html", q=q, rows=rows, quarter=quarter,
                           describe=anomaly_rules.describe)

"""What the dashboard shows, assembled from the rollup: a fixed number of SQL statements
whatever the size of the data (a test counts them)."""
from dataclasses import replace
from decimal import Decimal

from flask_login import current_user
from sqlalchemy import select

from app.core.cache import cached
from app.core.clock import today
from app.cycle import compliance
from app.main import overview
from models import ZERO, Opd, Quarter, Realization, SubActivity, Submission, Tag, db
from models.data_version import current_version
from reports.queries import budget_stages, rollup, verified
from reports.queries import convergence as sources_report
from reports.queries.rollup import RollupRow

from .. import charts
from .filters import SORTS, DashboardQuery, options

NOTE_FLOW = "arus triwulan (selisih dari triwulan sebelumnya)"
NOTE_TO_DATE = "kumulatif s.d. akhir triwulan"


def opd_statuses(fy, quarter: int) -> dict[int, tuple[str | None, int | None]]:
    """OPD id -> (submission status, days overdue) for the quarter, one query. Every active
    OPD is listed: one that never opened its sheet is late once the deadline has passed."""
    q = next((qq for qq in fy.quarters if qq.number == quarter), None)
    if q is None:
        return {}
    stmt = (select(Opd.id, Submission).select_from(Opd)
            .outerjoin(Submission, (Submission.opd_id == Opd.id)
                       & (Submission.quarter_id == q.id))
            .where(Opd.is_active))
    on = today()
    return {opd_id: (sub.status if sub else None, compliance.days_overdue(q, sub, on))
            for opd_id, sub in db.session.execute(stmt)}


def own_opd(opd_id: int | None) -> int | None:
    """The OPD whose detail may be listed: an OPD user's own, whatever was asked."""
    return current_user.opd_id if current_user.role == "opd" else opd_id


def _may_open(opd_id) -> bool:
    return current_user.role != "opd" or opd_id == current_user.opd_id


# A kabupaten has ~18 OPDs and ~15 kecamatan; a province-wide database has thousands. Past this
# many rows the page shows the first ones and one "Lainnya" row (so the table still sums to its
# total), with a link to show all.
ROW_LIMIT = 60


def _limit(rows: list, q: DashboardQuery, noun: str) -> list:
    if q.show_all or len(rows) <= ROW_LIMIT:
        return rows
    shown, rest = rows[:ROW_LIMIT], [r for r, _ in rows[ROW_LIMIT:]]
    tagged = sum((r.tagged for r in rest), ZERO)
    realized = sum((r.realized for r in rest), ZERO)
    other = RollupRow(
        key=None, code="", label=f"Lainnya: {len(rest)} {noun} (tampilkan semua)",
        tags=sum(r.tags for r in rest), tagged=tagged, realized=realized,
        absorption=(realized * 100 / tagged).quantize(Decimal("0.01")) if tagged else None,
        physical=None, target=sum(r.target for r in rest), reached=sum(r.reached for r in rest))
    return shown + [(other, q.url(semua=1))]


def build(q: DashboardQuery) -> dict:
    """The page's context: the filter choices (small reference reads), and the figures from
    the cache, computed when the data version or the filters changed (app/core/cache.py).
    The figures every user of the same filters sees are one entry whatever the user (issue 25:
    at 08:00 on deadline day 18 OPDs' officers asked for them under 18 keys); what is the
    user's own (the OPD's detail, its anomalies, which OPD rows open) is a small entry per
    scope."""
    opts = options()
    short = {o.id: o.short_name or o.name for o in opts["opds"]}
    scope = ["opd", current_user.opd_id] if current_user.role == "opd" else ["all"]
    parts = {"args": q.args, "today": today(), "version": current_version()}
    shared = cached("dashboard", parts, lambda: figures(q, short))
    own = cached("dashboard-own", {**parts, "scope": scope}, lambda: own_figures(q))
    # An OPD user opens only its own OPD's row ("Lainnya", key None, stays a link).
    by_opd = [(r, link if r.key is None or _may_open(r.key) else None)
              for r, link in shared["by_opd"]]
    ctx = {"q": q, "f": q.filt, "opts": opts, "short": short,
           "mode": NOTE_FLOW if q.filt.flow else NOTE_TO_DATE,
           "sort_labels": {k: v[0] for k, v in SORTS.items()},
           **shared, **own, "by_opd": by_opd}
    if q.detail_opd_id is not None:
        ctx["detail_opd"] = next((o for o in opts["opds"] if o.id == q.detail_opd_id), None)
    return ctx


def own_figures(q: DashboardQuery) -> dict:
    """What depends on who asks: the quarter's anomalies as the home counts them (an OPD
    user's own) and the drill-down into one OPD's sub-activities and tags."""
    f = q.filt
    ctx = {"anomalies": overview.anomaly_count(
        f.fiscal_year_id, opd_id=own_opd(f.opd_id),
        quarter_id=next((qq.id for qq in q.fy.quarters if qq.number == f.quarter), -1))}
    detail = q.detail_filter()
    if detail is not None:
        ctx["by_sub"] = [(r, q.url(sub=r.key)) for r in rollup.rollup(detail, "sub_activity")]
        if q.sub is not None:
            ctx["by_tag"] = rollup.rollup(replace(detail, sub_activity_id=q.sub.id), "tag")
    return ctx


def figures(q: DashboardQuery, short: dict) -> dict:
    """The figures of the page every user of the same filters sees: plain data (rows, links,
    charts), nothing of the user's (own_figures)."""
    f = q.filt
    total = rollup.total(f)
    by_strategy = [(r, q.url(strategi=int(r.code))) for r in rollup.rollup(f, "strategy")]
    label, key, reverse = SORTS[q.sort]
    opd_rows = sorted(rollup.rollup(f, "opd"), key=key, reverse=reverse)
    by_opd = _limit([(r, q.url(opd=r.key, sub=None)) for r in opd_rows], q, "OPD")
    index = rollup.incentive_index(f)
    trend = rollup.trend(f)
    # A quarter not yet ended has no figure to date (a missing row counts as 0), so the
    # semester figures that need it are shown as "-" rather than as a fall.
    ended = {qq.number for qq in q.fy.quarters if qq.end_date < today()}
    semesters = {
        "s1": trend[1].realized if 2 in ended else None,
        "s2": trend[3].realized - trend[1].realized if 4 in ended else None,
        "all": trend[3].realized if 4 in ended else None,
    }
    ctx = {
        "total": total, "targets": rollup.targets_by_unit(f),
        "by_strategy": by_strategy, "by_opd": by_opd, "index": index, "trend": trend,
        "semesters": semesters, "statuses": opd_statuses(q.fy, f.quarter),
        "by_kind": [(k["row"], q.url(jenis=k["code"])) for k in index["kinds"]],
        "by_fund": [(r, q.url(dana=r.key) if r.key else None)
                    for r in rollup.rollup(f, "funding_source")],
        "by_district": _limit([(r, q.url(kecamatan=r.key) if r.key else None)
                               for r in rollup.rollup(f, "district")], q, "kecamatan"),
        "carried": _carried(f),
        "sources": _sources(f, total),
        "budget_stages": budget_stages.dashboard_summary(q.fy, f.quarter, today()),
    }
    ctx["sources_total"] = _sources_total(ctx["sources"])
    ctx["charts"] = {
        "strategy": charts.plan_vs_real(
            [(r.label, r.tagged, r.realized) for r, _ in by_strategy], chart_id="ch-strategy",
            title="Anggaran ditandai dan realisasi per strategi"),
        "opd": charts.plan_vs_real(
            [(short.get(r.key, r.label), r.tagged, r.realized) for r, _ in by_opd],
            chart_id="ch-opd", title="Anggaran ditandai dan realisasi per OPD"),
        "kind": charts.percent_bars(
            [(k["label"], k["absorption"]) for k in index["kinds"]], chart_id="ch-kind",
            title="Serapan per kelompok penandaan"),
        "trend": charts.plan_vs_real(
            [(r.label, r.tagged, r.realized) for r in trend], chart_id="ch-trend",
            title="Realisasi kumulatif per triwulan"),
        "legend": charts.legend("ch"),
    }
    return ctx


def _sources(f, total) -> list:
    """Issue 17: APBD kabupaten (the figures above) beside each other source at the desa; empty
    when no other source has interventions (or the view is narrowed to APBD-only detail)."""
    if f.flow or f.opd_id is not None or f.theme_id is not None or f.strategy_code:
        return []
    others = sources_report.other_sources(f.fiscal_year_id, f.quarter, f.district_id)
    return sources_report.split(total.tagged, total.realized, others) if others else []


def _sources_total(rows: list):
    return sources_report.total_row(rows) if rows else None


def _carried(f) -> dict:
    """The OPDs whose figures at the quarter are carried forward (the one rule and its signs,
    reports/queries/verified.py), with or without the verified filter: {"marks": {opd id:
    sign}, "legends": [...], "note": the sentence above them}; empty when none is."""
    carried = verified.carried_forward(f.fiscal_year_id, f.quarter, f.opd_id,
                                       verified_only=f.verified_only)
    if not carried:
        return {"marks": {}, "legends": [], "note": ""}
    roman = verified.ROMAN[f.quarter]
    note = (f"{len(carried)} perangkat daerah belum diverifikasi untuk Triwulan {roman}; "
            "angkanya adalah angka s.d. triwulan terakhir yang telah diverifikasi."
            if f.verified_only else
            f"{len(carried)} perangkat daerah belum mengisi angka Triwulan {roman} untuk "
            "sebagian atau semua tagging; angkanya adalah angka s.d. triwulan terakhir yang "
            "diisi (dibawa).")
    return {"marks": verified.marks(carried),
            "legends": verified.legends(carried, f.quarter, f.verified_only), "note": note}


def anomaly_list(fy_id: int, quarter: int | None, opd_id: int | None, limit: int = 1000):
    """Every realization carrying anomaly codes, with what a reviewer needs to judge it."""
    stmt = (
        select(Realization.id, Realization.anomalies, Realization.explanation,
               Realization.amount, Realization.physical_progress, Realization.reached_count,
               Tag.id.label("tag_id"), Tag.description, Tag.amount.label("tagged"),
               Tag.target_count, SubActivity.code, SubActivity.name.label("sub_name"),
               Opd.id.label("opd_id"), Opd.code.label("opd_code"),
               Opd.short_name, Opd.name.label("opd_name"), Quarter.number)
        .join(Quarter, Quarter.id == Realization.quarter_id)
        .join(Tag, Tag.id == Realization.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .join(Opd, Opd.id == SubActivity.opd_id)
        .where(Quarter.fiscal_year_id == fy_id, Realization.anomalies != "")
        .order_by(Quarter.number.desc(), Opd.code, SubActivity.code, Tag.id)
        .limit(limit)
    )
    if quarter is not None:
        stmt = stmt.where(Quarter.number == quarter)
    if opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == opd_id)
    return db.session.execute(stmt).all()

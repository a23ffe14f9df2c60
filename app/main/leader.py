"""The leader's one screen (issue 23): how much, where, who and the trend, for the viewer's and
the secretariat's home. Every figure comes from the functions the dashboard and the review
queue use (the rollup, `compliance.queue`), so the home never disagrees with them."""
from decimal import Decimal

from flask import url_for
from flask_login import current_user

from app.core.clock import today
from app.cycle import compliance
from models import Quarter
from reports.queries import rollup
from reports.queries.rollup_base import RollupFilter

RANKED = 8  # kecamatan shown on the home; the dashboard lists every one


def _days_since(moment) -> int:
    return max((today() - (moment.date() if moment else today())).days, 0)


def who(quarter: Quarter) -> dict:
    """OPDs late for the quarter (most days first) and reports waiting for verification
    (longest wait first), each with a link: the report when there is one, else the OPD."""
    late, waiting = [], []
    for r in compliance.queue(quarter):
        sub, opd = r["submission"], r["opd"]
        link = (url_for("review.detail", submission_id=sub.id) if sub
                else url_for("main.opd_detail", opd_id=opd.id))
        if r["overdue"] and (sub is None or sub.status in ("draft", "returned")):
            late.append({"name": opd.short_name or opd.name, "full": opd.name,
                         "days": r["overdue"], "url": link,
                         "status": sub.status if sub else None})
        elif sub is not None and sub.status == "submitted":
            waiting.append({"name": opd.short_name or opd.name, "full": opd.name,
                            "days": _days_since(sub.submitted_at), "url": link,
                            "late": r["overdue"]})
    late.sort(key=lambda x: -x["days"])
    waiting.sort(key=lambda x: -x["days"])
    return {"late": late, "waiting": waiting}


def summary(fy, quarter: Quarter | None) -> dict:
    """The figures of the leader's screen for the reporting quarter (None: nothing yet)."""
    if quarter is None:
        return {}
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter.number)
    total = rollup.total(f)
    verified = rollup.total(RollupFilter(fiscal_year_id=fy.id, quarter=quarter.number,
                                         verified_only=True))
    share = (verified.realized * 100 / total.realized).quantize(Decimal("0.1")) \
        if total.realized else None
    districts = [r for r in rollup.rollup(f, "district") if r.key is not None and r.tagged]
    districts.sort(key=lambda r: (r.absorption is None, -(r.absorption or 0)))
    trend = rollup.trend(f)[:quarter.number]  # quarters not yet reached have no figure
    return {
        "total": total, "verified": verified, "verified_share": share,
        "districts": districts[:RANKED], "district_count": len(districts),
        "trend": trend,
        "who": who(quarter),
        "links_to_review": current_user.role == "secretariat",
    }

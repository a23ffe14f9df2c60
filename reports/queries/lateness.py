"""Who reported late, for the report's compliance annex: every active OPD's report of each
quarter up to the report's, with the days it was (or still is) overdue.

Days overdue have one definition, `app.cycle.compliance.days_overdue` (the board, the queue
and the homes use it): a submitted report counts the days from the deadline to its first
submission; one not yet submitted counts to the report's letter date, so a report rebuilt with
the same letter date says the same."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, true

from app.cycle.compliance import days_overdue
from models import STATUS_LABELS, Opd, Quarter, Submission, db


@dataclass(frozen=True)
class LateReport:
    opd_id: int
    opd_code: str
    opd_name: str
    quarter: int
    status: str  # what became of the report: "Belum disampaikan", "Terverifikasi", ...
    days: int


def late_reports(fiscal_year_id: int, up_to: int, on: date,
                 opd_id: int | None = None) -> list[LateReport]:
    """The late reports of quarters 1..`up_to`, by quarter then OPD code (one statement)."""
    stmt = (select(Opd, Quarter, Submission).select_from(Opd).join(Quarter, true())
            .outerjoin(Submission, (Submission.opd_id == Opd.id)
                       & (Submission.quarter_id == Quarter.id))
            .where(Opd.is_active, Quarter.fiscal_year_id == fiscal_year_id,
                   Quarter.number <= up_to)
            .order_by(Quarter.number, Opd.code))
    if opd_id is not None:
        stmt = stmt.where(Opd.id == opd_id)
    out = []
    for opd, quarter, sub in db.session.execute(stmt):
        days = days_overdue(quarter, sub, on)
        if days:
            status = ("Belum disampaikan" if sub is None or sub.status == "draft"
                      else STATUS_LABELS[sub.status])
            out.append(LateReport(opd.id, opd.code, opd.name, quarter.number, status, days))
    return out

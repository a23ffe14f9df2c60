"""Who has reported: the review queue of a quarter, the OPD x quarter board (and its XLSX), and
the notices on the home pages. Counts and sums come from SQL; Python only lays them out.

Lateness: a report first submitted after the deadline day is late (stored on the submission,
judged once); a report *not yet submitted* -- a draft, or no row at all because the OPD never
opened the sheet -- is late from the day after the deadline, counted to today.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.core import table_xlsx
from app.core.clock import WIB
from app.core.clock import today as _today
from app.core.table_xlsx import Column, Table
from models import (
    STATUS_LABELS,
    ZERO,
    FiscalYear,
    Opd,
    Quarter,
    Realization,
    ReviewComment,
    SubActivity,
    Submission,
    Tag,
    db,
)

SEMESTER_QUARTER = {1: 2, 2: 4}  # semester -> the quarter whose figure to date it is


DUE_SOON_DAYS = 7  # the OPD home warns this many days before the deadline


def days_overdue(quarter: Quarter, sub: Submission | None, on: date | None = None) -> int | None:
    """Days past the deadline of a late report (at its first submission, or to date when not yet
    submitted); None when it is on time or not yet due."""
    if _was_submitted(sub):
        if not sub.is_late:
            return None
        at = sub.first_submitted_at or sub.submitted_at
        return max(1, ((at + WIB).date() - quarter.deadline).days) if at else 1
    days = ((on or _today()) - quarter.deadline).days
    return days if days > 0 else None


def _was_submitted(sub: Submission | None) -> bool:
    return sub is not None and (sub.first_submitted_at is not None or sub.status != "draft")


def days_left(quarter: Quarter, sub: Submission | None, on: date | None = None) -> int | None:
    """Days until the deadline of a report not yet submitted, within the warning window."""
    if _was_submitted(sub):
        return None
    days = (quarter.deadline - (on or _today())).days
    return days if 0 <= days <= DUE_SOON_DAYS else None


def late_condition(quarter: Quarter, on: date | None = None):
    """SQL: the (outer-joined) submission of an active OPD is late for `quarter`."""
    if (on or _today()) > quarter.deadline:
        never = Submission.first_submitted_at.is_(None) & or_(
            Submission.status.is_(None), Submission.status == "draft")
        return or_(Submission.is_late.is_(True), never)
    return Submission.is_late.is_(True)


def late_count(quarter: Quarter) -> int:
    """Active OPDs late for the quarter, including those with no submission row at all."""
    return db.session.scalar(
        select(func.count(Opd.id)).select_from(Opd)
        .outerjoin(Submission, (Submission.opd_id == Opd.id)
                   & (Submission.quarter_id == quarter.id))
        .where(Opd.is_active, late_condition(quarter)))


def _per_opd(stmt) -> dict[int, object]:
    return dict(db.session.execute(stmt).all())


def _tag_counts(fiscal_year_id: int) -> dict[int, int]:
    return _per_opd(select(SubActivity.opd_id, func.count(Tag.id))
                    .join(Tag, Tag.sub_activity_id == SubActivity.id)
                    .where(SubActivity.fiscal_year_id == fiscal_year_id)
                    .group_by(SubActivity.opd_id))


def queue(quarter: Quarter):
    """Each active OPD: its submission (or None), tags, figures entered, anomalies."""
    base = (select(SubActivity.opd_id, func.count(Realization.id))
            .join(Tag, Tag.sub_activity_id == SubActivity.id)
            .join(Realization, Realization.tag_id == Tag.id)
            .where(Realization.quarter_id == quarter.id).group_by(SubActivity.opd_id))
    filled = _per_opd(base)
    flagged = _per_opd(base.where(Realization.anomalies != ""))
    tags = _tag_counts(quarter.fiscal_year_id)
    rows = db.session.execute(
        select(Opd, Submission)
        .outerjoin(Submission, (Submission.opd_id == Opd.id)
                   & (Submission.quarter_id == quarter.id))
        .where(Opd.is_active).order_by(Opd.code)).all()
    on = _today()
    return [{"opd": opd, "submission": sub, "tags": tags.get(opd.id, 0),
             "filled": filled.get(opd.id, 0), "anomalies": flagged.get(opd.id, 0),
             "overdue": days_overdue(quarter, sub, on)}
            for opd, sub in rows]


@dataclass
class BoardRow:
    opd: Opd
    tagged: Decimal
    quarters: dict[int, Submission | None] = field(default_factory=dict)
    realized: dict[int, Decimal] = field(default_factory=dict)  # quarter number -> to date
    overdue: dict[int, int | None] = field(default_factory=dict)  # quarter number -> days

    def semester(self, n: int) -> tuple[Submission | None, Decimal | None]:
        q = SEMESTER_QUARTER[n]
        return self.quarters.get(q), self.realized.get(q)


def board(fy: FiscalYear) -> list[BoardRow]:
    tagged = _per_opd(select(SubActivity.opd_id, func.sum(Tag.amount))
                      .join(Tag, Tag.sub_activity_id == SubActivity.id)
                      .where(SubActivity.fiscal_year_id == fy.id).group_by(SubActivity.opd_id))
    realized = db.session.execute(
        select(SubActivity.opd_id, Quarter.number, func.sum(Realization.amount))
        .join(Tag, Tag.sub_activity_id == SubActivity.id)
        .join(Realization, Realization.tag_id == Tag.id)
        .join(Quarter, Quarter.id == Realization.quarter_id)
        .where(Quarter.fiscal_year_id == fy.id)
        .group_by(SubActivity.opd_id, Quarter.number)).all()
    subs = db.session.execute(
        select(Submission, Quarter.number).join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Quarter.fiscal_year_id == fy.id)).all()
    rows = {o.id: BoardRow(o, Decimal(tagged.get(o.id) or ZERO)) for o in db.session.scalars(
        select(Opd).where(Opd.is_active).order_by(Opd.code))}
    for sub, number in subs:
        if sub.opd_id in rows:
            rows[sub.opd_id].quarters[number] = sub
    for opd_id, number, amount in realized:
        if opd_id in rows:
            rows[opd_id].realized[number] = Decimal(amount)
    on = _today()
    for row in rows.values():
        for q in fy.quarters:
            row.overdue[q.number] = days_overdue(q, row.quarters.get(q.number), on)
    return list(rows.values())


def _cell_status(sub: Submission | None, overdue: int | None = None) -> str:
    label = "Belum mulai" if sub is None else STATUS_LABELS[sub.status]
    return label + (f" (terlambat {overdue} hari)" if overdue else "")


def board_xlsx(fy: FiscalYear, rows: list[BoardRow]) -> bytes:
    """The board as a sheet, through the table helper every table page uses."""
    def status(r, n):
        return _cell_status(r.quarters.get(n), r.overdue.get(n))

    table = Table(
        title=f"Kepatuhan pelaporan realisasi tagging kemiskinan ekstrem TA {fy.year}",
        sheet=f"Kepatuhan {fy.year}", filters=[("Tahun anggaran", str(fy.year))],
        frozen_columns=3,  # the OPD stays in view
        columns=[Column("No", "count", 5), Column("Kode OPD", width=24),
                 Column("Perangkat Daerah", width=44), Column("Anggaran ditandai", "money"),
                 Column("TW I", width=18), Column("TW II", width=18),
                 Column("Semester 1", "money"), Column("TW III", width=18),
                 Column("TW IV", width=18), Column("Semester 2", "money")],
        # Decimal amounts: openpyxl stores them as numbers, exactly.
        rows=[[i, r.opd.code, r.opd.name, r.tagged, status(r, 1), status(r, 2),
               r.semester(1)[1], status(r, 3), status(r, 4), r.semester(2)[1]]
              for i, r in enumerate(rows, 1)])
    return table_xlsx.workbook([table])


def returned_notices(opd_id: int, fy: FiscalYear) -> list[dict]:
    """The OPD's returned reports this year, each with the comments of its latest return."""
    subs = db.session.scalars(
        select(Submission).join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Submission.opd_id == opd_id, Submission.status == "returned",
               Quarter.fiscal_year_id == fy.id)
        .options(selectinload(Submission.comments).joinedload(ReviewComment.tag),
                 selectinload(Submission.events))
        .order_by(Quarter.number)).all()
    notices = []
    for sub in subs:
        last = next((e for e in reversed(sub.events) if e.to_status == "returned"), None)
        comments = [c for c in sub.comments if last is not None and c.event_id == last.id]
        notices.append({"submission": sub, "event": last, "comments": comments})
    return notices


def year_submissions(opd_id: int, fy: FiscalYear) -> dict[int, Submission]:
    """{quarter id: the OPD's submission} for the year, one statement."""
    return {s.quarter_id: s for s in db.session.scalars(select(Submission).where(
        Submission.opd_id == opd_id,
        Submission.quarter_id.in_([q.id for q in fy.quarters])))}


def overdue_quarters(opd_id: int, fy: FiscalYear, on: date | None = None,
                     subs: dict | None = None) -> list[dict]:
    """Every quarter of the year the OPD has not submitted although its deadline has passed,
    with the days overdue (the one rule, `days_overdue`), oldest first. `subs`: the year's
    submissions (`year_submissions`) when the caller has them."""
    on = on or _today()
    subs = year_submissions(opd_id, fy) if subs is None else subs
    out = []
    for q in fy.quarters:
        sub = subs.get(q.id)
        days = days_overdue(q, sub, on)
        if days is not None and not _was_submitted(sub):
            out.append({"quarter": q, "submission": sub, "days": days})
    return out


def new_submissions(fy: FiscalYear, limit: int | None = 10):
    """Reports waiting for the secretariat, the most recent first (limit None: all of them,
    so a count shown beside the list is the list's length)."""
    return db.session.execute(
        select(Submission, Opd, Quarter)
        .join(Opd, Opd.id == Submission.opd_id)
        .join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Quarter.fiscal_year_id == fy.id, Submission.status == "submitted")
        .order_by(Submission.submitted_at.desc()).limit(limit)).all()

"""Who has reported: the review queue of a quarter, the OPD x quarter board (and its XLSX), and
the notices on the home pages. Counts and sums come from SQL; Python only lays them out."""
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

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
from reports import xlsx_writer

SEMESTER_QUARTER = {1: 2, 2: 4}  # semester -> the quarter whose figure to date it is


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
    return [{"opd": opd, "submission": sub, "tags": tags.get(opd.id, 0),
             "filled": filled.get(opd.id, 0), "anomalies": flagged.get(opd.id, 0)}
            for opd, sub in rows]


@dataclass
class BoardRow:
    opd: Opd
    tagged: Decimal
    quarters: dict[int, Submission | None] = field(default_factory=dict)
    realized: dict[int, Decimal] = field(default_factory=dict)  # quarter number -> to date

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
    return list(rows.values())


def _cell_status(sub: Submission | None) -> str:
    if sub is None:
        return "Belum mulai"
    return STATUS_LABELS[sub.status] + (" (terlambat)" if sub.is_late else "")


def board_xlsx(fy: FiscalYear, rows: list[BoardRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Kepatuhan {fy.year}"
    ws.append([f"Kepatuhan pelaporan realisasi tagging kemiskinan ekstrem TA {fy.year}"])
    ws["A1"].font = Font(bold=True, size=12)
    header = ["No", "Kode OPD", "Perangkat Daerah", "Anggaran ditandai (Rp)", "TW I", "TW II",
              "Semester 1 (Rp)", "TW III", "TW IV", "Semester 2 (Rp)"]
    ws.append(header)
    fill = PatternFill("solid", fgColor="E6EEF7")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, r in enumerate(rows, 1):
        def sem(n, r=r):
            return r.semester(n)[1]  # Decimal: openpyxl stores it as a number, exactly
        # OPD code and name are user text: one of them may read as a formula.
        xlsx_writer.append_row(ws, [i, r.opd.code, r.opd.name, r.tagged,
                                    _cell_status(r.quarters.get(1)),
                                    _cell_status(r.quarters.get(2)), sem(1),
                                    _cell_status(r.quarters.get(3)),
                                    _cell_status(r.quarters.get(4)), sem(2)])
    for col in ("D", "G", "J"):
        for cell in ws[col][2:]:
            cell.number_format = '"Rp" #,##0'
    for col, width in zip("ABCDEFGHIJ", (5, 24, 44, 20, 18, 18, 20, 18, 18, 20), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "D3"  # header rows and the OPD columns stay in view
    return xlsx_writer.to_bytes(wb)


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


def new_submissions(fy: FiscalYear, limit: int = 10):
    """Reports waiting for the secretariat, the most recent first."""
    return db.session.execute(
        select(Submission, Opd, Quarter)
        .join(Opd, Opd.id == Submission.opd_id)
        .join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Quarter.fiscal_year_id == fy.id, Submission.status == "submitted")
        .order_by(Submission.submitted_at.desc()).limit(limit)).all()

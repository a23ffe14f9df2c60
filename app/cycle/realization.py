"""Realization entry: an OPD's figures to date per tag and quarter, checked as they are saved.

The whole sheet of an OPD is saved at once. Each row carries the version it was read at; if any
row changed underneath, nothing is saved (StaleError) and the current values are shown.

A figure to date is compared with the latest *earlier quarter that has a figure*, not only the
quarter just before: an OPD that leaves TW III empty and reports less in TW IV than in TW II has
a falling cumulative all the same. Changing a quarter can change the flags of later quarters,
so they are recomputed with it.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from app.core import audit
from app.core.errors import LockedError, ServiceError, StaleError
from app.cycle import anomalies, workflow
from app.cycle.figures import (
    detect_codes,
    latest_before,
    opd_tags,
    previous_quarter,
    quarter_in,
    recompute,
    stored_figures,
    year_quarters,
)
from app.cycle.locks import ensure_quarter_unlocked
from models import Quarter, Realization, RealizationVillage, Tag, db


@dataclass
class RowInput:
    """One tag's figures as the form sent them (already parsed and range-checked)."""

    tag_id: int
    version: int  # the realization's version when the form was opened; 0 = there was none
    amount: Decimal
    physical_progress: Decimal
    reached_count: int
    villages: dict[int, int] = field(default_factory=dict)
    problems: str = ""
    follow_up: str = ""
    explanation: str = ""


@dataclass
class SheetRow:
    tag: Tag
    current: Realization | None
    previous: Realization | None
    semester1: Realization | None = None  # to date at TW II, shown in TW III and IV

    def _flow(self, attr):
        if self.current is None:
            return None
        before = getattr(self.previous, attr) if self.previous is not None else 0
        return getattr(self.current, attr) - before

    @property
    def flow_amount(self):
        return self._flow("amount")

    @property
    def flow_progress(self):
        return self._flow("physical_progress")

    @property
    def flow_reached(self):
        return self._flow("reached_count")

    @property
    def anomaly_labels(self) -> list[str]:
        return anomalies.describe(self.current.anomalies) if self.current else []


def sheet(opd_id: int, quarter: Quarter) -> list[SheetRow]:
    """One row per tag: its figure, the latest earlier figure (the flow is measured from it)."""
    sem1 = quarter_in(quarter.fiscal_year, 2) if quarter.number > 2 else None
    ids = [q.id for q in year_quarters(quarter) if q.number <= quarter.number]
    tags = opd_tags(opd_id, quarter.fiscal_year_id)
    found = stored_figures(opd_id, ids)
    return [
        SheetRow(t, found.get((quarter.id, t.id)), latest_before(found, quarter, t.id),
                 found.get((sem1.id, t.id)) if sem1 else None)
        for t in tags
    ]


def ensure_writable(opd_id: int, quarter: Quarter, user, **known) -> None:
    """Submitted or verified: locked. A quarter the admin closed: closed to OPD officers.
    `submission=` the OPD's submission for the quarter when the caller holds it already."""
    ensure_quarter_unlocked(opd_id, quarter.id, **known)
    if not quarter.is_open and getattr(user, "role", None) != "secretariat":
        raise LockedError(f"Pengisian {quarter.label} sudah ditutup. Hubungi Sekretariat TKPKD.")


def save_sheet(opd_id: int, quarter: Quarter, rows: list[RowInput], user, *,
               tags: list[Tag] | None = None) -> int:
    """Save the rows that changed; the number saved. All or nothing (the view commits).
    `tags`: the OPD's `opd_tags` for the year when the caller has them (the form was parsed
    against them), saving their two queries."""
    submission = workflow.find(opd_id, quarter.id)
    ensure_writable(opd_id, quarter, user, submission=submission)
    if tags is None:
        tags = opd_tags(opd_id, quarter.fiscal_year_id)
    tags = {t.id: t for t in tags}
    found = stored_figures(opd_id, [q.id for q in year_quarters(quarter)])
    stale = []
    for row in rows:
        if row.tag_id not in tags:
            raise ServiceError("Tagging tidak termasuk sub kegiatan OPD ini pada tahun tersebut.")
        current = found.get((quarter.id, row.tag_id))
        if row.version != (current.version if current else 0):
            stale.append(row.tag_id)
    if stale:
        raise StaleError(current=stale)
    saved = 0
    for row in rows:
        tag = tags[row.tag_id]
        current = found.get((quarter.id, row.tag_id))
        previous = latest_before(found, quarter, row.tag_id)
        written = _write(tag, quarter, current, previous, row, user)
        if written is not None:
            found[(quarter.id, row.tag_id)] = written
            saved += 1
    if rows and submission is None:
        workflow.ensure_started(opd_id, quarter, user)
    if saved:
        recompute(opd_id, quarter, tags, found, later_only=True)
    db.session.flush()
    return saved


def _write(tag, quarter, current, previous, row: RowInput, user) -> Realization | None:
    """The realization, created or changed; None when nothing changed."""
    allowed = {tv.village_id for tv in tag.villages}
    if set(row.villages) - allowed:
        raise ServiceError("Desa yang diisi bukan lokus tagging ini.")
    if sum(row.villages.values()) > row.reached_count:
        raise ServiceError(f"Jumlah penerima per desa melebihi jumlah penerima tagging "
                           f"{tag.sub_activity.code}.", field="reached_count")
    created = current is None
    if created:
        current = Realization(tag=tag, quarter=quarter, amount=row.amount,
                              physical_progress=row.physical_progress, reached_count=0)
        db.session.add(current)
        before = None
    else:
        before = audit.snapshot(current)
        before_villages = {v.village_id: v.reached_count for v in current.villages}
    current.amount = row.amount
    current.physical_progress = row.physical_progress
    current.reached_count = row.reached_count
    current.problems = row.problems
    current.follow_up = row.follow_up
    current.explanation = row.explanation
    current.anomalies = detect_codes(current, tag, previous)
    villages_changed = _set_villages(current, row.villages)
    if created:
        current.updated_by_id = user.id
        audit.record_create(current, opd_id=tag.sub_activity.opd_id, parent=("tag", tag.id))
        return current
    old, new = audit.diff(before, audit.snapshot(current))
    if villages_changed:
        old["villages"] = {str(k): v for k, v in before_villages.items()}
        new["villages"] = {str(k): v for k, v in row.villages.items()}
    if not new:
        return None
    current.updated_by_id = user.id
    audit.record("update", "realization", current.id, old=old, new=new,
                 opd_id=tag.sub_activity.opd_id, parent=("tag", tag.id))
    return current


def _set_villages(r: Realization, counts: dict[int, int]) -> bool:
    have = {v.village_id: v for v in r.villages}
    changed = False
    for village_id, n in counts.items():
        if village_id in have:
            if have[village_id].reached_count != n:
                have[village_id].reached_count = n
                changed = True
        else:
            r.villages.append(RealizationVillage(village_id=village_id, reached_count=n))
            changed = True
    return changed


def copy_previous(opd_id: int, quarter: Quarter, user) -> int:
    """Start the quarter from the latest earlier figures, for tags not yet filled in."""
    if previous_quarter(quarter) is None:
        raise ServiceError("Triwulan I tidak memiliki triwulan sebelumnya untuk disalin.")
    ensure_writable(opd_id, quarter, user)
    tags = opd_tags(opd_id, quarter.fiscal_year_id)
    found = stored_figures(opd_id, [q.id for q in year_quarters(quarter)])
    copied = 0
    for tag in tags:
        source = latest_before(found, quarter, tag.id)
        if source is None or (quarter.id, tag.id) in found:
            continue
        r = Realization(tag=tag, quarter=quarter, amount=source.amount,
                        physical_progress=source.physical_progress,
                        reached_count=source.reached_count, problems=source.problems,
                        follow_up=source.follow_up, updated_by_id=user.id)
        r.anomalies = detect_codes(r, tag, source)
        for v in source.villages:
            r.villages.append(RealizationVillage(village_id=v.village_id,
                                                 reached_count=v.reached_count))
        db.session.add(r)
        audit.record_create(r, opd_id=opd_id, parent=("tag", tag.id),
                            note=f"Disalin dari {source.quarter.label}")
        found[(quarter.id, tag.id)] = r
        copied += 1
    if copied:
        workflow.ensure_started(opd_id, quarter, user)
        recompute(opd_id, quarter, {t.id: t for t in tags}, found, later_only=True)
    return copied



"""How the realization sheet is laid out for the person filling it in: tags grouped by sub
kegiatan with subtotals, a summary of what is filled, missing, flagged or commented (each with
links to its rows), the rows to look at after a refused save, and the secretariat's latest
return note or reopen reason with its per-tag comments.

The sheet is long (an OPD has 15-40 tags); an officer must be told where to act, not left to
scroll for a marked field 6,000 px below the message.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from app.core.money import format_number, money_input
from app.cycle.realization import SheetRow
from models import ZERO, ReviewComment, Submission, SubmissionEvent


@dataclass
class Group:
    """One sub kegiatan with its tags and subtotals."""

    sub_activity: object
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def tagged(self) -> Decimal:
        return sum((r.tag.amount for r in self.rows), ZERO)

    @property
    def realized(self) -> Decimal:
        return sum((r.current.amount for r in self.rows if r.current), ZERO)

    @property
    def filled(self) -> int:
        return sum(1 for r in self.rows if r.current is not None)


@dataclass
class Link:
    tag_id: int
    label: str
    reason: str = ""


@dataclass
class Review:
    """The secretariat's latest return (or reopening) of the report, while it is returned."""

    event: SubmissionEvent
    reopened: bool
    general: list[ReviewComment]
    by_tag: dict[int, list[ReviewComment]]


def row_label(row: SheetRow) -> str:
    return f"{row.tag.sub_activity.code} · {row.tag.description[:70]}"


def groups(rows: list[SheetRow]) -> list[Group]:
    """Consecutive rows of one sub kegiatan (the sheet is ordered by code) as a group."""
    out: list[Group] = []
    for row in rows:
        if not out or out[-1].sub_activity.id != row.tag.sub_activity_id:
            out.append(Group(row.tag.sub_activity))
        out[-1].rows.append(row)
    return out


def latest_review(sub: Submission | None) -> Review | None:
    """The note, reopen reason and per-tag comments the OPD must answer now (status returned)."""
    if sub is None or sub.status != "returned":
        return None
    event = next((e for e in reversed(sub.events) if e.to_status == "returned"), None)
    if event is None:
        return None
    mine = [c for c in sub.comments if c.event_id == event.id]
    by_tag: dict[int, list[ReviewComment]] = {}
    for c in mine:
        if c.tag_id is not None:
            by_tag.setdefault(c.tag_id, []).append(c)
    return Review(event=event, reopened=event.from_status == "verified",
                  general=[c for c in mine if c.tag_id is None], by_tag=by_tag)


def summary(rows: list[SheetRow], review: Review | None) -> dict[str, list[Link]]:
    """Filled, missing, flagged and commented rows, each a list of links."""
    commented = review.by_tag if review else {}
    return {
        "filled": [Link(r.tag.id, row_label(r)) for r in rows if r.current is not None],
        "missing": [Link(r.tag.id, row_label(r)) for r in rows if r.current is None],
        "anomalies": [Link(r.tag.id, row_label(r), "; ".join(r.anomaly_labels))
                      for r in rows if r.current is not None and r.current.anomalies],
        "comments": [Link(r.tag.id, row_label(r), commented[r.tag.id][-1].body[:120])
                     for r in rows if r.tag.id in commented],
    }


def marked(rows: list[SheetRow], *, errors: dict, stale: set, problems: dict | None,
           requested: dict | None = None) -> list[Link]:
    """The rows a refused save or submission points at, in sheet order, each with why
    (`requested`: tag id -> open evidence request)."""
    requested = requested or {}
    out = []
    for r in rows:
        t = r.tag.id
        if t in errors:
            out.append(Link(t, row_label(r), "isian tidak valid: " + "; ".join(
                sorted(set(errors[t].values())))))
        elif t in stale:
            out.append(Link(t, row_label(r), "diubah pengguna lain; nilai terbaru ditampilkan"))
        elif problems and r.current is None and problems.get("missing"):
            out.append(Link(t, row_label(r), "belum diisi"))
        elif (problems and problems.get("unexplained") and r.current is not None
              and r.current.anomalies and not (r.current.explanation or "").strip()):
            out.append(Link(t, row_label(r), "anomali belum diberi penjelasan"))
        elif problems and problems.get("evidence") and t in requested:
            out.append(Link(t, row_label(r), "bukti dukung diminta Sekretariat belum diunggah"))
    return out


def unsaved(rows: list[SheetRow], parsed: list, errors: dict) -> set[int]:
    """Tags whose posted values differ from what is stored (or do not parse): what a group
    save must keep on the page rather than drop."""
    stored = {r.tag.id: r.current for r in rows}
    out = set(errors)
    for p in parsed:
        cur = stored.get(p.tag_id)
        if cur is None or (
                (cur.amount, cur.physical_progress, cur.reached_count, cur.problems or "",
                 cur.follow_up or "", cur.explanation or "")
                != (p.amount, p.physical_progress, p.reached_count, p.problems, p.follow_up,
                    p.explanation)
                or {v.village_id: v.reached_count for v in cur.villages} != p.villages):
            out.add(p.tag_id)
    return out


def field_values(rows: list[SheetRow], raw: dict) -> dict[int, dict]:
    """Tag id -> the text each input of its card shows: what was typed (a refused save shows it
    again), else the stored figure formatted for input, else empty. Done here once per row
    rather than by a macro per field (the sheet's template cost, see docs/PERFORMANCE.md)."""
    out = {}
    for r in rows:
        t, c = r.tag.id, r.current
        if t in raw:
            out[t] = raw[t]
        elif c is None:
            out[t] = {"amount": "", "progress": "", "reached": "", "problems": "",
                      "follow_up": "", "explanation": "", "villages": {}}
        else:
            out[t] = {"amount": money_input(c.amount),
                      "progress": format_number(c.physical_progress, 2),
                      "reached": c.reached_count, "problems": c.problems,
                      "follow_up": c.follow_up, "explanation": c.explanation,
                      "villages": {v.village_id: v.reached_count for v in c.villages}}
    return out


def opens(group: Group, *, marked_ids: set, review: Review | None, fresh: bool) -> bool:
    """A group starts open when something in it needs the officer, or nothing is filled yet."""
    commented = review.by_tag if review else {}
    return fresh or any(
        r.tag.id in marked_ids or r.current is None or r.tag.id in commented
        or (r.current is not None and r.current.anomalies) for r in group.rows)

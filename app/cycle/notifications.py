"""In-app notifications: what an OPD officer must know without looking for it.

The workflow creates one for every officer of the OPD when the secretariat returns, verifies or
reopens a report, or comments on its tags; and one for every secretariat user when an OPD
submits or resubmits (`on_submitted`). Deadline reminders (seven days before, and once
overdue) are created by `remind_deadlines`, which is idempotent -- a notice exists at most once
per user and quarter (its dedup_key) -- so the CLI (`flask notify deadlines`, e.g. daily from
cron) and the OPD home can both call it. The home calls it through `remind_once_a_day`: its five
queries ran on every home load, although its answer changes at most once a day (a deadline is a
date); a cache key per officer and day skips the repeats. Each user reads only their own.

The bell's unread count rides on the query that loads the signed-in user (`load_user`), so a
page with the navigation does not pay a statement of its own for it.
"""
from datetime import timedelta

from flask import g, has_request_context
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.core import cache
from app.core.clock import now, today
from app.cycle.compliance import DUE_SOON_DAYS, days_left, days_overdue
from models import FiscalYear, Notification, Opd, Quarter, Submission, User, db

# An overdue notice is raised for every overdue quarter of the current fiscal year, and for
# other years' quarters only with a fairly recent deadline (an old install does not flood).
OVERDUE_WINDOW_DAYS = 90


def _officers(opd_id: int) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role == "opd", User.opd_id == opd_id, User.active)))


def notify_opd(opd_id: int, kind: str, text: str, *, submission: Submission | None = None,
               quarter_id: int | None = None) -> int:
    """One notification per active officer of the OPD; the number created."""
    users = _officers(opd_id)
    _forget_unread(users)
    for user_id in users:
        db.session.add(Notification(
            user_id=user_id, kind=kind, text=text[:1000], opd_id=opd_id,
            submission_id=submission.id if submission is not None else None,
            quarter_id=quarter_id or (submission.quarter_id if submission is not None else None),
            created_at=now()))
    _by_mail([(uid, kind, text) for uid in users])
    return len(users)


def notify_users(user_ids: list[int], kind: str, text: str) -> int:
    """Issue 28: one notification per listed user (a desa operator has no OPD), by mail too
    where the user wants it; the number created."""
    _forget_unread(user_ids)
    for user_id in user_ids:
        db.session.add(Notification(user_id=user_id, kind=kind, text=text[:1000],
                                    created_at=now()))
    _by_mail([(uid, kind, text) for uid in user_ids])
    return len(user_ids)


def _secretariat() -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.role == "secretariat", User.active)))


def on_submitted(sub: Submission, resubmitted: bool) -> int:
    """Tell every active secretariat user (in the app, and by e-mail per their choice) that an
    OPD submitted or resubmitted a report: they must act on it. The number notified."""
    label = f"{sub.quarter.label} {sub.quarter.fiscal_year.year}"
    opd = db.session.get(Opd, sub.opd_id)
    verb = "mengajukan ulang" if resubmitted else "mengajukan"
    text = f"{opd.name} {verb} laporan {label}; menunggu verifikasi."
    users = _secretariat()
    _forget_unread(users)
    for user_id in users:
        db.session.add(Notification(
            user_id=user_id, kind="submitted", text=text[:1000], opd_id=sub.opd_id,
            submission_id=sub.id, quarter_id=sub.quarter_id, created_at=now()))
    _by_mail([(uid, "submitted", text) for uid in users])
    return len(users)


def on_transition(sub: Submission, action: str, note: str = "", tag_comments: int = 0) -> None:
    """Called by the workflow after a secretariat decision."""
    label = f"{sub.quarter.label} {sub.quarter.fiscal_year.year}"
    short = (note or "").strip()
    if len(short) > 200:
        short = short[:197] + "..."
    if action == "return":
        notify_opd(sub.opd_id, "returned", f"Laporan {label} dikembalikan oleh Sekretariat "
                   f"TKPKD: {short}", submission=sub)
        if tag_comments:
            notify_opd(sub.opd_id, "comment", f"{tag_comments} catatan per tagging pada laporan "
                       f"{label}; lihat baris yang ditandai pada lembar realisasi.",
                       submission=sub)
    elif action == "verify":
        notify_opd(sub.opd_id, "verified", f"Laporan {label} telah diverifikasi dan dikunci.",
                   submission=sub)
    elif action == "reopen":
        notify_opd(sub.opd_id, "reopened", f"Laporan {label} dibuka kembali oleh Sekretariat "
                   f"TKPKD: {short}", submission=sub)


def remind_deadlines(opd_id: int | None = None) -> int:
    """Create the missing deadline and overdue notices (for one OPD or all); the number made.

    A report not yet submitted gets `deadline_7d` once its deadline is at most a week away and
    `overdue` once it has passed; each at most once per user and quarter, whatever the number
    of calls, concurrent ones included (a lost race is a duplicate key, skipped)."""
    on = today()
    quarters = db.session.scalars(
        select(Quarter).join(FiscalYear, FiscalYear.id == Quarter.fiscal_year_id).where(
            or_(FiscalYear.is_current,
                Quarter.deadline >= on - timedelta(days=OVERDUE_WINDOW_DAYS)),
            Quarter.deadline <= on + timedelta(days=DUE_SOON_DAYS))).all()
    if not quarters:
        return 0
    opds = select(Opd.id).where(Opd.is_active)
    if opd_id is not None:
        opds = opds.where(Opd.id == opd_id)
    opd_ids = list(db.session.scalars(opds))
    subs = {(s.opd_id, s.quarter_id): s for s in db.session.scalars(select(Submission).where(
        Submission.quarter_id.in_([q.id for q in quarters]),
        Submission.opd_id.in_(opd_ids)))}
    users = {}
    for uid, oid in db.session.execute(select(User.id, User.opd_id).where(
            User.role == "opd", User.opd_id.in_(opd_ids), User.active)):
        users.setdefault(oid, []).append(uid)
    wanted = []
    for q in quarters:
        for oid in opd_ids:
            sub = subs.get((oid, q.id))
            late, left = days_overdue(q, sub, on), days_left(q, sub, on)
            if late is not None and not (sub is not None and sub.first_submitted_at):
                key, kind = f"overdue:{q.id}", "overdue"
                text = (f"Laporan {q.label} {q.fiscal_year.year} belum diajukan dan telah "
                        f"melewati batas penyampaian {q.deadline:%d-%m-%Y}.")
            elif left is not None:
                key, kind = f"deadline_7d:{q.id}", "deadline_7d"
                text = (f"Batas penyampaian laporan {q.label} {q.fiscal_year.year} tinggal "
                        f"{left} hari lagi ({q.deadline:%d-%m-%Y}).")
            else:
                continue
            wanted += [(uid, oid, q.id, kind, key, text) for uid in users.get(oid, [])]
    if not wanted:
        return 0
    have = set(db.session.execute(select(Notification.user_id, Notification.dedup_key).where(
        Notification.user_id.in_({w[0] for w in wanted}),
        Notification.dedup_key.in_({w[4] for w in wanted}))).all())
    made, mailed = 0, []
    _forget_unread({w[0] for w in wanted})
    for uid, oid, qid, kind, key, text in wanted:
        if (uid, key) in have:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(Notification(user_id=uid, kind=kind, opd_id=oid, quarter_id=qid,
                                            text=text, dedup_key=key, created_at=now()))
            made += 1
            mailed.append((uid, kind, text))
        except IntegrityError:
            pass  # made by a concurrent call a moment ago
    _by_mail(mailed)
    return made


def _by_mail(items: list[tuple[int, str, str]]) -> None:
    """Issue 15: the same notices by e-mail, to those who want them (app/mail/notify.py)."""
    from app.mail.notify import mail_notifications

    mail_notifications(items)


def remind_once_a_day(opd_id: int, user_id: int) -> int:
    """`remind_deadlines(opd_id)` unless this officer's home already ran it today (per process
    with the memory cache, across nodes with Redis). The caller commits; a notice missed by a
    skipped call (a deadline moved by the admin in the middle of the day) comes with the next
    day's first load or the daily `flask notify deadlines`."""
    key = cache.make_key("remind", {"opd": opd_id, "user": user_id, "day": today().isoformat()})
    store = cache.backend()
    if store.get(key) is not cache.MISSING:
        return 0
    made = remind_deadlines(opd_id)
    store.set(key, True)
    return made


_UNREAD = "tagar_unread_notifications"


def _unread_query(user_id):
    return select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))


def load_user(user_id: int) -> User | None:
    """The user and, in the same statement, the bell's unread count (kept for this request)."""
    row = db.session.execute(select(User, _unread_query(User.id).scalar_subquery())
                             .where(User.id == user_id)).first()
    if row is None:
        return None
    g.setdefault(_UNREAD, {})[row[0].id] = row[1]
    return row[0]


def _forget_unread(user_ids=None) -> None:
    if g:
        known = g.get(_UNREAD)
        if known is not None:
            if user_ids is None:
                known.clear()
            for uid in user_ids or ():
                known.pop(uid, None)


def unread_count(user_id: int) -> int:
    # Only within the request that loaded the user: outside one, `g` may outlive it (tests).
    known = g.get(_UNREAD) if has_request_context() else None
    if known is not None and user_id in known:
        return known[user_id]
    return db.session.scalar(_unread_query(user_id))


def latest(user_id: int, limit: int = 5) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def mark_read(user_id: int, ids: list[int] | None = None) -> int:
    """Mark the user's own (listed, or all) unread notifications read; others are untouched."""
    _forget_unread([user_id])
    stmt = (update(Notification).where(Notification.user_id == user_id,
                                       Notification.read_at.is_(None))
            .values(read_at=now()))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    return db.session.execute(stmt).rowcount

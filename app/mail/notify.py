"""Notifications of the quarterly loop, also by e-mail: to each user with an e-mail address,
for the kinds the user chose (all of MAILED_KINDS until the user says otherwise). Queued in
the transaction that creates the notifications, so the mail goes only if they are committed."""
from flask import current_app, has_request_context, request, url_for
from sqlalchemy import select

from models import NOTIFICATION_KIND_LABELS, MailPreference, User, db

from .outbox import queue

# "comment" travels with "returned" (the same event), so it is not mailed on its own.
MAILED_KINDS = ("returned", "verified", "reopened", "deadline_7d", "overdue", "verval",
                "submitted")


def parse(kinds: str) -> set[str]:
    return {k for k in (kinds or "").split(",") if k in MAILED_KINDS}


def kinds_of(user_id: int) -> set[str]:
    pref = db.session.scalar(select(MailPreference).where(MailPreference.user_id == user_id))
    return set(MAILED_KINDS) if pref is None else parse(pref.kinds)


def set_kinds(user, kinds: set[str]) -> None:
    """The user's choice (flushed; audited like any other write)."""
    from app.core import audit

    pref = db.session.scalar(select(MailPreference).where(MailPreference.user_id == user.id))
    value = ",".join(k for k in MAILED_KINDS if k in kinds)
    old = None if pref is None else pref.kinds
    if pref is None:
        pref = MailPreference(user_id=user.id, kinds=value)
        db.session.add(pref)
    pref.kinds = value
    db.session.flush()
    if old != value:
        audit.record("update", "mail_preference", pref.id, old={"kinds": old},
                     new={"kinds": value}, user=user)


def _link() -> str:
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for("notifications.index")
    if has_request_context():
        return request.url_root.rstrip("/") + url_for("notifications.index")
    return ""


def mail_notifications(items: list[tuple[int, str, str]]) -> int:
    """Queue a mail for each (user id, kind, text) the user wants by mail; the number queued.
    One query for all the users and their choices."""
    wanted = [(uid, kind, text) for uid, kind, text in items if kind in MAILED_KINDS]
    if not wanted:
        return 0
    rows = db.session.execute(
        select(User.id, User.email, User.full_name, MailPreference.kinds)
        .outerjoin(MailPreference, MailPreference.user_id == User.id)
        .where(User.id.in_({w[0] for w in wanted}), User.active, User.email != "")).all()
    users = {r.id: r for r in rows}
    link = _link()
    made = 0
    for uid, kind, text in wanted:
        row = users.get(uid)
        if row is None:
            continue
        if kind not in (set(MAILED_KINDS) if row.kinds is None else parse(row.kinds)):
            continue
        body = (f"Yth. {row.full_name},\n\n{text}\n\n"
                + (f"Lihat notifikasi Anda di Tagar: {link}\n\n" if link else "")
                + "Surel ini dikirim otomatis oleh Tagar. Pilihan notifikasi surel dapat diubah "
                  "di halaman Notifikasi.\n")
        queue(row.email, f"[Tagar] {NOTIFICATION_KIND_LABELS[kind]}: {text[:120]}", body,
              kind=kind, user_id=uid)
        made += 1
    return made

"""Retention: the outbox and the login history do not grow for ever.

`flask retention purge` (daily from cron, docs/DEPLOY.md) deletes mail that was sent or finally
failed more than MAIL_DAYS ago, password-reset rows expired more than a day ago, and login
events older than LOGIN_DAYS. Queued and held mail is never deleted (it has not reached anyone
yet). The audit log is not touched: it is the record of who changed what. One audit record
states what was purged.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from app.core import audit
from app.core.clock import now
from models import LoginEvent, MailOutbox, PasswordReset, db

MAIL_DAYS = 180
LOGIN_DAYS = 365
RESET_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Purge:
    mail: int
    resets: int
    logins: int


def _targets(mail_days: int, login_days: int):
    t = now()
    return (
        (MailOutbox, (MailOutbox.status.in_(("sent", "failed")),
                      MailOutbox.created_at < t - timedelta(days=mail_days))),
        (PasswordReset, (PasswordReset.expires_at < t - RESET_GRACE,)),
        (LoginEvent, (LoginEvent.at < t - timedelta(days=login_days),)),
    )


def purge(mail_days: int = MAIL_DAYS, login_days: int = LOGIN_DAYS, *,
          dry_run: bool = False) -> Purge:
    """Delete (or, dry run, count) what the rule above names; flushes, the caller commits."""
    counts = []
    for model, where in _targets(mail_days, login_days):
        if dry_run:
            counts.append(db.session.scalar(select(func.count()).select_from(model).where(*where)))
        else:
            counts.append(db.session.execute(delete(model).where(*where)).rowcount)
    result = Purge(*counts)
    if not dry_run and any(counts):
        audit.record("purge", "retention", new={
            "mail": result.mail, "password_reset": result.resets, "login_event": result.logins,
            "mail_days": mail_days, "login_days": login_days})
    db.session.flush()
    return result

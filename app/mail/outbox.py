"""The outbox: mail is written in the transaction that decides to send it and sent by the
`mail.send` job after the commit, so a rolled-back request sends nothing and a slow or absent
SMTP server never holds a request up.

A failed attempt keeps its reason and is tried again after a doubling wait (MAIL_RETRY_SECONDS,
then twice that, ...) up to MAIL_MAX_ATTEMPTS; then the row stays `failed` until the
administrator retries it. Without an SMTP host (development) a mail is stored `held`: it is
never sent, and shows in the admin outbox with the reason; once SMTP is configured the admin can
retry it.
"""
from datetime import timedelta

from flask import current_app, g, has_app_context
from sqlalchemy import func, or_, select, update

from app.core.clock import now
from models import MailOutbox, db

from . import settings
from .sender import DeliveryError, deliver

NOT_CONFIGURED = "SMTP belum dikonfigurasi (TAGAR_SMTP_HOST kosong)."
# Mail whose body is a bearer secret (the reset link): the body is blanked once the mail is sent
# or given up, so the outbox never holds a working link longer than the delivery needs.
SECRET_KINDS = {"password_reset"}
REDACTED = "(isi dihapus setelah dikirim: memuat tautan rahasia)"
BATCH = 50
LEASE = timedelta(minutes=5)  # a worker that dies mid-send frees its mail after this


def queue(recipient: str, subject: str, body: str, *, kind: str = "",
          user_id: int | None = None) -> MailOutbox:
    """Add one mail to the outbox (flushed); it is sent after the caller's commit."""
    ready = settings.configured(current_app.config)
    # A header holds one line: a typed note's line breaks (or a forged recipient) stop here.
    subject = " ".join(subject.split())
    recipient = "".join(recipient.split())
    mail = MailOutbox(recipient=recipient[:254], subject=subject[:200], body=body,
                      kind=kind[:20], user_id=user_id, created_at=now(),
                      status="queued" if ready else "held",
                      last_error="" if ready else NOT_CONFIGURED,
                      next_attempt_at=now() if ready else None)
    db.session.add(mail)
    db.session.flush()
    if ready and has_app_context():
        g.setdefault("mail_pending", []).append(mail.id)
    return mail


def pending_ids() -> list[int]:
    """The ids queued by this request (read once, by the after-request hook)."""
    return g.pop("mail_pending", []) if has_app_context() else []


def due(limit: int = BATCH) -> list[int]:
    t = now()
    return list(db.session.scalars(
        select(MailOutbox.id).where(MailOutbox.status == "queued", or_(
            MailOutbox.next_attempt_at.is_(None), MailOutbox.next_attempt_at <= t))
        .order_by(MailOutbox.id).limit(limit)))


def claim(mail_id: int) -> MailOutbox | None:
    """Take a due mail for this worker: its next attempt moves LEASE ahead in one conditional
    UPDATE, so two workers never send the same mail at once."""
    t = now()
    claimed = db.session.execute(
        update(MailOutbox).where(MailOutbox.id == mail_id, MailOutbox.status == "queued", or_(
            MailOutbox.next_attempt_at.is_(None), MailOutbox.next_attempt_at <= t))
        .values(next_attempt_at=t + LEASE)).rowcount
    db.session.expire_all()
    return db.session.get(MailOutbox, mail_id) if claimed else None


def attempt(mail: MailOutbox) -> bool:
    """Try to send one queued mail now; True when sent. The row records the outcome."""
    config = current_app.config
    if mail.status not in ("queued",):
        return mail.status == "sent"
    if not settings.configured(config):
        mail.status, mail.last_error, mail.next_attempt_at = "held", NOT_CONFIGURED, None
        return False
    mail.attempts += 1
    try:
        deliver(mail, config)
    except DeliveryError as exc:
        mail.last_error = str(exc)
        if mail.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            mail.status, mail.next_attempt_at = "failed", None
            _redact(mail)
        else:
            wait = config["MAIL_RETRY_SECONDS"] * 2 ** (mail.attempts - 1)
            mail.next_attempt_at = now() + timedelta(seconds=wait)
        db.session.flush()
        return False
    mail.status, mail.sent_at, mail.next_attempt_at = "sent", now(), None
    mail.last_error = ""
    _redact(mail)
    db.session.flush()
    return True


def _redact(mail: MailOutbox) -> None:
    if mail.kind in SECRET_KINDS:
        mail.body = REDACTED


def give_up(mail_id: int, reason: str) -> None:
    """Mark a mail failed (an error that another try would only repeat)."""
    db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(
        status="failed", next_attempt_at=None, last_error=reason[:500],
        attempts=MailOutbox.attempts + 1))
    db.session.execute(update(MailOutbox).where(
        MailOutbox.id == mail_id, MailOutbox.kind.in_(SECRET_KINDS)).values(body=REDACTED))
    db.session.expire_all()


def retry(mail: MailOutbox) -> bool:
    """The administrator's retry: a failed or held mail goes back to the queue now. False when
    there is nothing to retry (already sent or queued)."""
    if mail.status not in ("failed", "held") or mail.body == REDACTED:
        return False  # a blanked reset mail: the user asks for a new link instead
    # One more try, whatever the count: the bound is on retries that nobody asked for.
    mail.status, mail.next_attempt_at = "queued", now()
    db.session.flush()
    g.setdefault("mail_pending", []).append(mail.id)
    return True


def counts() -> dict[str, int]:
    return dict(db.session.execute(
        select(MailOutbox.status, func.count()).group_by(MailOutbox.status)).all())

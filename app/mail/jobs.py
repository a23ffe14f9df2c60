"""The `mail.send` job: send the listed mails (or every due one), one commit per mail, and
schedule the next try of a mail that failed with attempts left."""
from flask import current_app

from models import db

from . import outbox


def run_send(ids: list[int] | None = None) -> dict[str, int]:
    from ..jobs import enqueue_in

    sent = failed = 0
    for mail_id in ids or outbox.due():
        mail = outbox.claim(mail_id)
        if mail is None:
            continue  # sent, taken by another worker, or not due yet
        try:
            ok = outbox.attempt(mail)
        except Exception as exc:  # a bug, not the server: keep the reason, never loop on it
            db.session.rollback()
            current_app.logger.exception("mail %s could not be sent", mail_id)
            outbox.give_up(mail_id, f"{type(exc).__name__}: {exc}")
            db.session.commit()
            failed += 1
            continue
        if ok:
            sent += 1
        else:
            failed += 1
            if mail.status == "queued" and mail.next_attempt_at is not None:
                wait = (mail.next_attempt_at - outbox.now()).total_seconds()
                db.session.commit()
                try:
                    enqueue_in(max(1, int(wait)), "mail.send", [mail.id])
                except Exception:  # the row stays queued: `flask mail send` picks it up
                    current_app.logger.exception("scheduling the retry of mail %s failed",
                                                 mail.id)
        db.session.commit()
    return {"sent": sent, "failed": failed}

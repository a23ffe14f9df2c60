"""The one place an incoming bundle is accepted and committed (the API and the upload page).

On an SQLite file two bundles arriving at once can collide: a transaction that has read and
then wants to write finds that another one committed in between, and SQLite refuses at once
("database is locked"; the busy timeout does not apply to that case). The whole acceptance is
then run again from the start, so the second bundle is judged on what the first one left.
PostgreSQL serializes the two on the row lock and never gets here.
"""
import time

from sqlalchemy.exc import OperationalError

from models import db

from . import receive, refusals

ATTEMPTS = 4


def accept_and_commit(raw: bytes, *, address: str = "", **kwargs):
    """receive.accept(...) and commit; BundleRefused passes through, after a rollback and
    with the refusal on record (refusals.py: its own commit)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            row = receive.accept(raw, **kwargs)
            db.session.commit()
            return row
        except receive.BundleRefused as exc:
            db.session.rollback()
            refuse(exc, source=kwargs["source"], size=len(raw), address=address,
                   member=kwargs.get("member"), user=kwargs.get("user"))
            raise
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc.orig) or attempt == ATTEMPTS:
                raise receive.BundleRefused("Basis data provinsi sedang sibuk; kirim ulang "
                                            "beberapa saat lagi.", 503) from exc
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def refuse(exc: receive.BundleRefused, *, source: str, size: int, address: str = "",
           member=None, user=None) -> None:
    """Put a refusal on record and commit it (also for bodies refused before parsing: too
    large, broken gzip). A busy database must not turn the refusal into a 500."""
    try:
        refusals.record(exc, source=source, size=size, address=address,
                        member_id=getattr(member, "id", None), user=user)
        db.session.commit()
    except OperationalError:
        db.session.rollback()

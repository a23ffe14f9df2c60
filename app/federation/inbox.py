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

from . import receive

ATTEMPTS = 4


def accept_and_commit(raw: bytes, **kwargs):
    """receive.accept(...) and commit; BundleRefused passes through (after a rollback)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            row = receive.accept(raw, **kwargs)
            db.session.commit()
            return row
        except receive.BundleRefused:
            db.session.rollback()
            raise
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc.orig) or attempt == ATTEMPTS:
                raise receive.BundleRefused("Basis data provinsi sedang sibuk; kirim ulang "
                                            "beberapa saat lagi.", 503) from exc
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")

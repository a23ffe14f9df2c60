"""How the UI answers a write it refuses: one page for a refused action, and a lost race answered
exactly like a stale save.

Two people saving the same record at once race in the database, not in our checks: the loser's
UPDATE finds the version already bumped (StaleDataError), or its INSERT finds the unique key
(a tag's realization for a quarter, an OPD's submission) just taken (IntegrityError). On
PostgreSQL the loser waits for the winner's commit and fails at its own flush or commit. Views
run the service call *and* the commit inside `race_as_stale()`, so the loser gets the same 409
page with the stored values that a form with an old version gets; the API does the same in
`app/api/errors.py` `run()`.
"""
from contextlib import contextmanager

from flask import render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import StaleError
from models import db

RACE_ERRORS = (StaleDataError, IntegrityError)


def refused(message: str, status: int, back: str):
    """A refused action: the reason, the HTTP status (403 role, 409 state), a way back."""
    return render_template("review/refused.html", message=message, code=status,
                           back=back), status


@contextmanager
def race_as_stale(current=None):
    """Wrap a service call and `db.session.commit()`: a write lost to a concurrent one rolls
    the request back and becomes `StaleError(current)`, which the view answers with its 409."""
    try:
        yield
    except RACE_ERRORS as exc:
        db.session.rollback()
        raise StaleError(current=current) from exc

"""How a job records its own state (status, progress, result) while it runs."""
from models import db


def record(row, *, keep_open: bool = False, **values) -> None:
    """Set `values` on `row` in a short transaction of their own.

    On SQLite a transaction that reads and then writes fails at once ("database is locked")
    when another connection is committing, and one that writes early holds the only write lock
    while the job reads for seconds; so a job reads in one transaction and writes in another.
    `keep_open` leaves the write transaction open for more writes (the caller commits)."""
    db.session.commit()
    for name, value in values.items():
        setattr(row, name, value)
    if keep_open:
        db.session.flush()
    else:
        db.session.commit()

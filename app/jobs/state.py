"""How a job records its own state (status, progress, result, heartbeat) while it runs."""
import logging
import threading
from contextlib import contextmanager

from flask import current_app

from models import db, utcnow

log = logging.getLogger(__name__)


def record(row, *, keep_open: bool = False, **values) -> None:
    """Set `values` on `row` in a short transaction of their own (and beat its heart).

    On SQLite a transaction that reads and then writes fails at once ("database is locked")
    when another connection is committing, and one that writes early holds the only write lock
    while the job reads for seconds; so a job reads in one transaction and writes in another.
    `keep_open` leaves the write transaction open for more writes (the caller commits)."""
    db.session.commit()
    if hasattr(row, "heartbeat_at"):
        values.setdefault("heartbeat_at", utcnow())
    for name, value in values.items():
        setattr(row, name, value)
    if keep_open:
        db.session.flush()
    else:
        db.session.commit()


@contextmanager
def heartbeat(model, row_id: int):
    """While the block runs, a thread writes `heartbeat_at = now` on the row every
    JOB_HEARTBEAT_SECONDS, on a connection of its own (the job's own transaction may be a long
    read). A row whose heartbeat is older than JOB_STALL_SECONDS has lost its worker (killed,
    machine gone): the next request for it fails it with a reason and starts anew. A beat that
    fails (database restarting) is skipped; the next one tries again."""
    engine, table = db.engine, model.__table__
    interval = current_app.config.get("JOB_HEARTBEAT_SECONDS", 10)
    stop = threading.Event()

    def beat():
        while not stop.wait(interval):
            try:
                with engine.begin() as connection:
                    connection.execute(table.update().where(
                        table.c.id == row_id, table.c.status == "running")
                        .values(heartbeat_at=utcnow()))
            except Exception as exc:
                log.warning("heartbeat of %s %s skipped (%s)", table.name, row_id,
                            type(exc).__name__)

    thread = threading.Thread(target=beat, name=f"heartbeat-{table.name}-{row_id}",
                              daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()

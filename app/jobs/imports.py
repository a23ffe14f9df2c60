"""Imports whose commit runs as a job: the stored preview, its state, and the job itself.

A preview is an `import_job` row (models/import_job.py) in the database, so any node or worker
sees it. A commit of more than IMPORT_JOB_ROWS rows (TAGAR_IMPORT_JOB_ROWS) is queued instead of
written inside the request: `start` marks the row queued, the view commits and enqueues
"import.commit", and `run_import` (the job) writes everything in one transaction, all or
nothing, recording its progress in short transactions of their own before it, and its result
or its reason after. Smaller imports commit in the request, as before.

The kind-specific work is the service's: `KINDS` maps a kind to "module:function", called as
`commit(job, progress)` and returning the message to show; a ServiceError fails the job with
its message and nothing written.
"""
import importlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from app.core.outages import is_connection_error
from models import ImportJob, db, utcnow

from .state import record

log = logging.getLogger(__name__)

KINDS = {
    "sipd": "app.budget.services.sipd_import:commit_stored",
    "lokus": "app.lokus.services.lokus_data:commit_stored",
    "bnba": "app.coverage.bnba:commit_stored",  # issue 16: hashed rows only
    "benef": "app.coverage.beneficiaries:commit_stored",
}
MAX_AGE = timedelta(days=1)
FAILED_UNEXPECTEDLY = ("Terjadi kesalahan sistem saat menyimpan impor; tidak ada data yang "
                       "disimpan. Coba lagi atau hubungi administrator.")
QUEUE_DOWN = "Antrean pekerjaan tidak dapat dihubungi; tidak ada data yang disimpan."
STALLED = ("Penyimpanan tidak selesai dalam batas waktu (pekerja antrean berhenti?); tidak ada "
           "data yang disimpan. Unggah ulang berkas.")


def store(kind: str, *, user_id: int, fiscal_year_id: int, opd_id: int | None = None,
          filename: str = "", data: bytes | None = None, payload: str | None = None,
          rows: int = 0) -> ImportJob:
    """A new preview row (flushed; the caller commits). Old rows are pruned on the way."""
    prune()
    job = ImportJob(token=secrets.token_urlsafe(24), kind=kind, user_id=user_id,
                    opd_id=opd_id, fiscal_year_id=fiscal_year_id, filename=filename[-200:],
                    data=data, payload=payload, rows=rows, status="preview")
    db.session.add(job)
    db.session.flush()
    return job


def pending(token: str, user_id: int, kind: str) -> ImportJob | None:
    return db.session.scalar(select(ImportJob).where(
        ImportJob.token == token, ImportJob.user_id == user_id, ImportJob.kind == kind,
        ImportJob.status == "preview", ImportJob.created_at >= utcnow() - MAX_AGE))


def discard(job: ImportJob) -> None:
    db.session.delete(job)


def prune() -> int:
    """Delete rows older than a day (their files with them); running ones are left alone."""
    done = db.session.execute(
        delete(ImportJob).where(ImportJob.created_at < utcnow() - MAX_AGE,
                                ImportJob.status != "running"),
        execution_options={"synchronize_session": False})
    return done.rowcount or 0


def runs_as_job(rows: int) -> bool:
    return rows > current_app.config.get("IMPORT_JOB_ROWS", 300)


def start(job: ImportJob) -> None:
    """Queue the commit of `job`: mark it here, commit, then enqueue (the worker reads the row
    the commit stored)."""
    from . import enqueue

    job.status, job.progress, job.message = "queued", 0, ""
    db.session.commit()
    try:
        enqueue("import.commit", job.id)
    except Exception:
        current_app.logger.exception("enqueue of import %s failed", job.id)
        job.status, job.message, job.finished_at = "failed", QUEUE_DOWN, utcnow()
        db.session.commit()
    db.session.refresh(job)  # an immediate-mode job has already run, in its own session


def run_import(job_id: int) -> None:
    """The job: commit a queued import, all or nothing, and record how it ended."""
    from app.core.errors import ServiceError

    # Claimed in one statement: of two deliveries (a retry, a duplicate), only one runs it.
    claimed = db.session.execute(update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.status == "queued")
        .values(status="running", started_at=utcnow(), progress=5)).rowcount
    db.session.commit()
    if not claimed:
        return  # pruned meanwhile, ended, or delivered twice by the queue
    job = db.session.get(ImportJob, job_id)

    def progress(percent: int) -> None:
        value = max(5, min(95, int(percent)))
        if value == job.progress:
            return  # per-row callers report often: write only a change
        # Its commit must not expire what the import has read so far (a reload per object).
        session = db.session()
        session.expire_on_commit, keep = False, session.expire_on_commit
        try:
            record(job, progress=value)
        finally:
            session.expire_on_commit = keep

    module, _, func = KINDS[job.kind].partition(":")
    commit = getattr(importlib.import_module(module), func)
    try:
        message = commit(job, progress)
        # The data and the job's end in one commit: done means written.
        job.status, job.progress, job.message = "done", 100, message[:500]
        job.finished_at, job.data, job.payload = utcnow(), None, None
        db.session.commit()
    except ServiceError as exc:
        _fail(job_id, exc.message)
    except Exception as exc:
        if is_connection_error(exc):
            raise  # all or nothing: nothing was written; the queue retries (app/jobs/queue.py)
        log.exception("import job %s failed", job_id)
        _fail(job_id, FAILED_UNEXPECTEDLY)


def requeue(job_id: int) -> None:
    """Before a retry after a connection error (app/jobs RESUME): queued again, unless it
    ended meanwhile (its data and its "done" are one commit, so "running" means unwritten)."""
    db.session.execute(update(ImportJob).where(
        ImportJob.id == job_id, ImportJob.status == "running")
        .values(status="queued", progress=0))


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    job.status, job.message, job.finished_at = "failed", message[:500], utcnow()
    db.session.commit()


def job_of(job_id: int, user, kind: str) -> ImportJob | None:
    """A job the user may follow: only the user who started it. One queued or running for
    longer than TAGAR_REPORT_STALE_MINUTES is marked failed (its queue entry was lost, or its
    worker stopped): the page stops waiting, and nothing was written (all or nothing)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.user_id != user.id or job.kind != kind:
        return None
    limit = timedelta(minutes=current_app.config.get("REPORT_STALE_MINUTES", 30))
    if job.status in ("queued", "running") and job.created_at < utcnow() - limit:
        job.status, job.message, job.finished_at = "failed", STALLED, utcnow()
        db.session.flush()
    return job

"""Reports built by the job queue, and kept so that the same request is answered at once.

A build is keyed by everything its file depends on: format, variant, year, the quarter or
semester that variant uses, the OPD, verified-only or not, the letter number, the addressees
chosen (the settings' paper and signatories are in the data version), the letter date
(the report prints it) and the data version (`models.data_version`, bumped by any committed write
to what the report reads). A request whose key matches a queued, running or finished build gets
that build; otherwise a new one is queued. The version is read before the job reads the data, so
a file may be newer than its key says, never older.

Files are kept in the database row (see models.report_build) and pruned after a build finishes:
older than REPORT_KEEP_DAYS, or beyond the newest REPORT_KEEP_PER_REQUEST of the same request.
Like every service, this module flushes and never commits, except `run_build`: it is a job, its
own "request", and commits its progress so that the page polling it can show it.
"""
import hashlib
import json
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, inspect, select, update
from sqlalchemy.orm import selectinload

from app.core.clock import today
from app.core.errors import ServiceError
from app.core.outages import is_connection_error
from app.jobs.state import heartbeat, record
from models import ReportBuild, db, utcnow
from models.data_version import current_version
from reports.content.kemenko import SEMESTER_VARIANTS, build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.render import file_name
from reports.xlsx.kemenko import build_xlsx

log = logging.getLogger(__name__)

FAILED_UNEXPECTEDLY = "Terjadi kesalahan sistem saat menyusun laporan. Coba lagi atau hubungi " \
                      "administrator."
STALLED = "Penyusunan tidak selesai dalam batas waktu (pekerja antrean berhenti?)."
LOST = ("Pekerja yang menyusun laporan ini berhenti (tidak ada tanda hidup selama {} detik). "
        "Minta laporan yang sama lagi untuk menyusunnya ulang.")


def _key(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def queued_id(build: ReportBuild) -> int:
    """The id of a build just committed, without reading it back: after the commit its
    attributes are expired, and `build.id` would SELECT the row again. Should the database
    connection drop at that moment (a restart, a fail-over), the build would stay committed
    and queued with no job ever enqueued for it, and nobody polling it to queue it again (the
    fault drill found it in 3 runs of 5). The identity key outlives the expiry."""
    return inspect(build).identity[0]


def request_build(fmt: str, *, user=None, year: int, variant: str, quarter: int | None = None,
                  semester: int | None = None, opd_id: int | None = None,
                  include_unverified: bool = False, number: str = "",
                  addressees=(), theme_id: int | None = None,
                  framework: str = "") -> tuple[ReportBuild, bool]:
    """(build, created): the build answering this request, new (queued) only when no usable
    one exists. A ServiceError names a wrong option, as `resolve_options` does."""
    if fmt not in ("pdf", "xlsx"):
        raise ServiceError("Format harus pdf atau xlsx.", field="fmt")
    options = resolve_options(year, variant, quarter=quarter, semester=semester, opd_id=opd_id,
                              include_unverified=include_unverified, number=number,
                              addressees=addressees, theme_id=theme_id, framework=framework)
    # Only the period field the variant reads is part of the key.
    quarter = options.quarter if variant in ("quarterly", "opd") else None
    semester = options.semester if variant in SEMESTER_VARIANTS else None
    request = {"kind": fmt, "variant": variant, "year": year, "quarter": quarter,
               "semester": semester, "opd_id": options.opd_id,
               "include_unverified": bool(include_unverified), "number": number,
               "addressees": ",".join(options.addressees)}
    if options.theme_id is not None or options.framework:  # issue 17; default keys unchanged
        request.update(theme_id=options.theme_id, framework=options.framework)
    letter_date, version = today(), current_version()
    cache_key = _key({**request, "letter_date": letter_date, "data_version": version})
    existing = db.session.scalars(
        select(ReportBuild).where(ReportBuild.cache_key == cache_key,
                                  ReportBuild.status != "failed")
        .order_by(ReportBuild.id.desc()).limit(1)).first()
    if existing is not None:
        if refresh(existing) is None:
            return existing, False
        if existing.status == "queued":
            return existing, True  # its queue entry may be lost: the caller enqueues it again
    build = ReportBuild(
        kind=fmt, variant=variant, year=year, quarter=quarter, semester=semester,
        opd_id=options.opd_id, include_unverified=bool(include_unverified), number=number,
        addressees=",".join(options.addressees), theme_id=options.theme_id,
        framework_code=options.framework,
        letter_date=letter_date, data_version=version, request_key=_key(request),
        cache_key=cache_key, status="queued", progress=0,
        requested_by_id=getattr(user, "id", None))
    db.session.add(build)
    db.session.flush()
    return build, True


def refresh(build: ReportBuild) -> str | None:
    """Judge a queued or running build by its heartbeat (flushed; the caller commits):
    "failed" when a running build's worker has not written its heartbeat for JOB_STALL_SECONDS
    (or a queued one has waited REPORT_STALE_MINUTES), "requeue" when a queued build has
    waited JOB_STALL_SECONDS since it was last queued (a lost queue entry, e.g. a Redis restart;
    a duplicate entry is harmless: only one worker claims it), None otherwise."""
    if build.status not in ("queued", "running"):
        return None
    config, now = current_app.config, utcnow()
    stall = timedelta(seconds=config.get("JOB_STALL_SECONDS", 60))
    if build.status == "running":
        if (build.heartbeat_at or build.started_at or build.created_at) >= now - stall:
            return None
        build.status, build.finished_at = "failed", now
        build.error = LOST.format(int(stall.total_seconds()))
        db.session.flush()
        return "failed"
    if build.created_at < now - timedelta(minutes=config.get("REPORT_STALE_MINUTES", 30)):
        build.status, build.error, build.finished_at = "failed", STALLED, now
        db.session.flush()
        return "failed"
    if (build.heartbeat_at or build.created_at) < now - stall:
        build.heartbeat_at = now  # when it was queued again
        db.session.flush()
        return "requeue"
    return None


def requeue(build_id: int) -> None:
    """Before a retry after a connection error (app/jobs RESUME): the build the failed attempt
    claimed is queued again, unless it ended meanwhile (or was failed as stalled)."""
    db.session.execute(update(ReportBuild).where(
        ReportBuild.id == build_id, ReportBuild.status == "running")
        .values(status="queued", progress=0, heartbeat_at=utcnow()))


def run_build(build_id: int) -> None:
    """The job: build the file of a queued build, record progress, the file or the reason."""
    # Claimed in one statement: of two deliveries of one build (a retry, a re-queue after a
    # lost entry), only one runs it.
    now = utcnow()
    claimed = db.session.execute(update(ReportBuild).where(
        ReportBuild.id == build_id, ReportBuild.status == "queued")
        .values(status="running", started_at=now, heartbeat_at=now, progress=5)).rowcount
    db.session.commit()
    if not claimed:
        return  # pruned, ended, or taken by another delivery
    build = db.session.get(ReportBuild, build_id)
    with heartbeat(ReportBuild, build_id):
        _build(build)
    prune(build.request_key)


def _build(build: ReportBuild) -> None:
    build_id = build.id
    try:
        options = resolve_options(
            build.year, build.variant, quarter=build.quarter, semester=build.semester,
            opd_id=build.opd_id, include_unverified=build.include_unverified,
            fixed_date=build.letter_date, number=build.number, addressees=build.addressees,
            theme_id=build.theme_id, framework=build.framework_code or "")
        record(build, progress=15)
        content = build_content(options)
        record(build, progress=60)
        pages = None
        if build.kind == "pdf":
            result = build_pdf(content)
            data, pages = result.data, result.pages
        else:
            data = build_xlsx(content)
        name = file_name(content, build.kind)
        record(build, keep_open=True, data=data, size=len(data), pages=pages, file_name=name,
               status="done", progress=100, finished_at=utcnow())
    except ServiceError as exc:  # the data changed since the request (a year removed, ...)
        _record_failure(build_id, exc.message)
    except Exception as exc:
        if is_connection_error(exc):
            raise  # the queue retries the whole build (app/jobs/queue.py)
        log.exception("report build %s failed", build_id)
        _record_failure(build_id, FAILED_UNEXPECTEDLY)


def _record_failure(build_id: int, message: str) -> None:
    db.session.rollback()
    build = db.session.get(ReportBuild, build_id)
    record(build, keep_open=True, status="failed", error=message[:500], finished_at=utcnow())


def prune(request_key: str | None = None) -> int:
    """Delete finished builds past the age limit, and those of `request_key` beyond the newest
    few that finished more than REPORT_DOWNLOAD_GRACE_MINUTES ago. Returns the number of builds
    deleted."""
    config = current_app.config
    finished = ReportBuild.status.in_(("done", "failed"))
    cutoff = utcnow() - timedelta(days=config.get("REPORT_KEEP_DAYS", 7))
    old = set(db.session.scalars(select(ReportBuild.id).where(
        finished, ReportBuild.created_at < cutoff)))
    if request_key:
        # Beyond the newest few, and finished a while ago: a build whose user was just told it
        # is ready stays downloadable while newer builds of the same report finish (under load
        # a fourth one could finish between "siap" and the click, and the click found a 404).
        beyond = (select(ReportBuild.id).where(finished, ReportBuild.request_key == request_key)
                  .order_by(ReportBuild.id.desc())
                  .offset(config.get("REPORT_KEEP_PER_REQUEST", 3)))
        grace = utcnow() - timedelta(minutes=config.get("REPORT_DOWNLOAD_GRACE_MINUTES", 15))
        old.update(db.session.scalars(select(ReportBuild.id).where(
            ReportBuild.id.in_(beyond.scalar_subquery()), ReportBuild.finished_at < grace)))
    if old:
        db.session.execute(delete(ReportBuild).where(ReportBuild.id.in_(old)),
                           execution_options={"synchronize_session": False})
    return len(old)


def recent_builds(user, limit: int = 20) -> list[ReportBuild]:
    """The newest builds the user may see: an OPD user only its own OPD's."""
    stmt = (select(ReportBuild).options(selectinload(ReportBuild.opd),
                                        selectinload(ReportBuild.requested_by))
            .order_by(ReportBuild.id.desc()).limit(limit))
    if user.role == "opd":
        stmt = stmt.where(ReportBuild.opd_id == user.opd_id)
    return list(db.session.scalars(stmt))

"""A report built in the background: what was asked, by whom, its progress, and the file.

Rows are keyed by `cache_key` (everything the file depends on, including the data version), so
the same request twice finds the finished file. The file itself is kept in the row (a deferred
column, never loaded by lists): every app node and worker shares the database already, so no
shared directory is needed, and a file is deleted together with its row when pruned.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import db, utcnow
from .reference import Opd
from .user import User

BUILD_STATUSES = ("queued", "running", "done", "failed")
BUILD_STATUS_LABELS = {
    "queued": "Menunggu antrean",
    "running": "Sedang disusun",
    "done": "Selesai",
    "failed": "Gagal",
}
BUILD_KINDS = ("pdf", "xlsx")
_STATUS_SQL = ", ".join(f"'{s}'" for s in BUILD_STATUSES)
_KIND_SQL = ", ".join(f"'{k}'" for k in BUILD_KINDS)


class ReportBuild(db.Model):
    __tablename__ = "report_build"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))
    variant: Mapped[str] = mapped_column(String(12))
    year: Mapped[int]
    quarter: Mapped[int | None]
    semester: Mapped[int | None]
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id"), index=True)
    include_unverified: Mapped[bool] = mapped_column(default=False)
    number: Mapped[str] = mapped_column(String(80), default="")
    addressees: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # issue 17: only tags of this theme (None: every tag); the strategy framework ("" default).
    theme_id: Mapped[int | None]
    framework_code: Mapped[str] = mapped_column(String(40), default="", server_default="")
    letter_date: Mapped[date]
    data_version: Mapped[int] = mapped_column(BigInteger)
    # sha256 of the request without (request_key) and with (cache_key) date and data version.
    request_key: Mapped[str] = mapped_column(String(64))
    cache_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None]
    pages: Mapped[int | None]
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    # issue 24: written every few seconds by the worker running the build (app/jobs/state.py);
    # a running build whose heartbeat is older than JOB_STALL_SECONDS has lost its worker.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    opd: Mapped[Opd | None] = relationship()
    requested_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_valid"),
        CheckConstraint(f"kind IN ({_KIND_SQL})", name="kind_valid"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_report_build_cache_key_status", "cache_key", "status"),
        Index("ix_report_build_request_key", "request_key"),
    )

    @property
    def status_label(self) -> str:
        return BUILD_STATUS_LABELS[self.status]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

"""An import between its preview and its commit: the uploaded file (or, for P3KE/DTSEN, only
the counts read from it), who asked, and the state of the commit when it runs as a job.

Kept in the database, not on one machine's disk or in one process's memory: the preview may be
shown by one app node, confirmed on another and written by a worker elsewhere. Rows are deleted
a day after they were made (app/services/import_jobs.py prunes them).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import db, utcnow

IMPORT_KINDS = ("sipd", "lokus", "bnba", "benef")  # bnba/benef: hashed rows only
IMPORT_STATUSES = ("preview", "queued", "running", "done", "failed")
IMPORT_STATUS_LABELS = {
    "preview": "Pratinjau",
    "queued": "Menunggu antrean",
    "running": "Sedang disimpan",
    "done": "Selesai",
    "failed": "Gagal",
}
_KIND_SQL = ", ".join(f"'{k}'" for k in IMPORT_KINDS)
_STATUS_SQL = ", ".join(f"'{s}'" for s in IMPORT_STATUSES)


class ImportJob(db.Model):
    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opd.id", ondelete="CASCADE"))
    fiscal_year_id: Mapped[int] = mapped_column(
        ForeignKey("fiscal_year.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    # The uploaded file (SIPD/template: no personal data), read again by the commit.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # P3KE/DTSEN: the counts per desa and desil as signed by the preview; never the file.
    payload: Mapped[str | None] = deferred(mapped_column(Text))
    rows: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(8), default="preview")
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(f"kind IN ({_KIND_SQL})", name="kind_valid"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_valid"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_import_job_status", "status"),
    )

    @property
    def status_label(self) -> str:
        return IMPORT_STATUS_LABELS[self.status]

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

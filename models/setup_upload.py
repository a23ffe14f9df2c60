"""A set-up file (OPDs, areas or users, issue 15) between its preview and its commit.

Kept in the database, like `import_job`, so the preview and the commit may be served by
different nodes; not in `import_job` itself, which belongs to one fiscal year and one OPD while a
set-up file belongs to neither (a kabupaten set up from zero has no fiscal year yet).
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import db, utcnow

SETUP_KINDS = ("opds", "areas", "users")
# Issue 27: a boundary file's prepared preview ("maps") is staged in the same table.
STAGED_KINDS = (*SETUP_KINDS, "maps")
_SETUP_KIND_SQL = ", ".join(f"'{k}'" for k in STAGED_KINDS)


class SetupUpload(db.Model):
    __tablename__ = "setup_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (CheckConstraint(f"kind IN ({_SETUP_KIND_SQL})", name="kind_valid"),)

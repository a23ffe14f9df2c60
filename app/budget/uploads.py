"""Uploaded import files kept between preview and commit, bound to the user, OPD and year.

The commit re-reads the stored file on the server; nothing parsed by the browser is trusted.
The file is kept in the database (an `import_job` row, see app/jobs/imports.py), not on this
machine's disk: the preview may come from one app node and the commit go to another, or to a
queue worker. Rows are removed after the commit or after a day.
"""
import re

from models import ImportJob

from ..jobs import imports

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def save(data: bytes, filename: str, *, user_id: int, opd_id: int, fiscal_year_id: int,
         rows: int = 0) -> str:
    """Store the file of a preview (the caller commits); returns the token the commit names."""
    job = imports.store("sipd", user_id=user_id, opd_id=opd_id, fiscal_year_id=fiscal_year_id,
                        filename=filename, data=data, rows=rows)
    return job.token


def load(token: str, user_id: int) -> ImportJob | None:
    """The stored preview when `token` is one of this user's, not yet committed; else None."""
    if not TOKEN_RE.match(token or ""):
        return None
    return imports.pending(token, user_id, "sipd")


def discard(job: ImportJob) -> None:
    imports.discard(job)

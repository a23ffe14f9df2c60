"""Set-up files kept between preview and commit (models/setup_upload.py), bound to the admin who
uploaded them; the commit reads the stored file again on the server. Rows go after the commit
or after a day."""
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from models import SetupUpload, db, utcnow

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE = timedelta(days=1)


def save(kind: str, data: bytes, filename: str, user_id: int) -> str:
    """Store the file of a preview (flushed; the caller commits); the token the commit names."""
    db.session.execute(delete(SetupUpload).where(SetupUpload.created_at < utcnow() - MAX_AGE),
                       execution_options={"synchronize_session": False})
    row = SetupUpload(token=secrets.token_urlsafe(24), kind=kind, user_id=user_id,
                      filename=filename[-200:], data=data)
    db.session.add(row)
    db.session.flush()
    return row.token


def load(token: str, user_id: int, kind: str) -> SetupUpload | None:
    if not TOKEN_RE.match(token or ""):
        return None
    return db.session.scalar(select(SetupUpload).where(
        SetupUpload.token == token, SetupUpload.user_id == user_id, SetupUpload.kind == kind,
        SetupUpload.created_at >= utcnow() - MAX_AGE))


def discard(row: SetupUpload) -> None:
    db.session.delete(row)

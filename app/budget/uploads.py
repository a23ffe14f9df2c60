"""Uploaded import files kept between preview and commit, bound to the user, OPD and year.

The commit re-reads the stored file on the server; nothing parsed by the browser is trusted.
Files live under the instance folder with a random token name and are removed after the commit
or after a day.
"""
import json
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from config import INSTANCE_DIR

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_AGE = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config.get("TAGAR_IMPORT_DIR") or INSTANCE_DIR / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge(folder: Path) -> None:
    limit = time.time() - MAX_AGE
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)


def save(data: bytes, filename: str, *, user_id: int, opd_id: int, fiscal_year_id: int) -> str:
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.upload").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({
        "filename": filename[-200:], "user_id": user_id, "opd_id": opd_id,
        "fiscal_year_id": fiscal_year_id}))
    return token


def load(token: str, user_id: int) -> tuple[dict, bytes] | None:
    """The stored upload when `token` is one of this user's; None otherwise."""
    if not TOKEN_RE.match(token or ""):
        return None
    folder = _folder()
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.upload"
    if not (meta_path.exists() and data_path.exists()):
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != user_id:
        return None
    return meta, data_path.read_bytes()


def discard(token: str) -> None:
    if TOKEN_RE.match(token or ""):
        folder = _folder()
        (folder / f"{token}.upload").unlink(missing_ok=True)
        (folder / f"{token}.json").unlink(missing_ok=True)

"""Bukti dukung: files an OPD attaches to a tag's realization for a quarter (the SP2D, a photo of
the work) so the verifier can check the figure.

What a file is comes from its content, never its name: a PDF must start with the PDF header and
end with its trailer; an image must decode as PNG or JPEG (through `image_reader`, which bounds
pixels and re-encodes, dropping metadata). Size is bounded by `upload_guard` before anything is
kept. The bytes are written outside the web root under a random key and served only through
the guard of the OPD they belong to. They are written under a temporary name first and moved to
their key only once the transaction that adds their row commits (a session event); if it rolls
back, the temporary file is deleted, so no file outlives a row that was never stored.
`prune` (`flask evidence prune`) removes what a crash may still leave behind. Attaching follows
the lock of the quarter: a submitted or verified report takes no new evidence, and none is
removed from it. Attaching fulfils the reviewer's open request for that figure, if any.
"""
import hashlib
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.errors import ServiceError
from app.core.image_reader import ImageError, ImageLimits, read_image
from app.core.upload_guard import UploadError, read_bounded
from app.cycle.locks import ensure_quarter_unlocked
from config import INSTANCE_DIR
from models import Evidence, Realization, SubActivity, Tag, db

MAX_PER_REALIZATION = 10
KINDS = "PDF, JPG, atau PNG"
# Issue 24: each image under ~0.3 s of CPU to decode and encode again (app/core/image_reader.py):
# a 24-megapixel JPEG (any phone camera) or an 8-megapixel PNG (a large screenshot or scan).
EVIDENCE_PIXELS = 24_000_000
EVIDENCE_PNG_PIXELS = 8_000_000


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_MB", 5)) * 1024 * 1024


def storage_dir() -> Path:
    configured = current_app.config.get("EVIDENCE_DIR") or ""
    return Path(configured) if configured else INSTANCE_DIR / "evidence"


def read_evidence(source) -> tuple[bytes, str]:
    """(bytes to keep, content type) of an upload, judged by its content."""
    limit = max_bytes()
    data = read_bounded(source, limit)
    if not data:
        raise UploadError("Berkas kosong.")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-1024:]:
            raise UploadError("Berkas PDF tidak lengkap atau rusak.")
        return data, "application/pdf"
    try:
        clean = read_image(data, ImageLimits(max_bytes=limit, max_pixels=EVIDENCE_PIXELS,
                                             max_png_pixels=EVIDENCE_PNG_PIXELS))
    except ImageError as exc:
        raise UploadError(f"Bukti dukung harus berupa {KINDS}; isi berkas ini bukan salah satunya "
                          f"({exc.message})") from exc
    return clean, "image/png" if clean.startswith(b"\x89PNG") else "image/jpeg"


def clean_name(name: str) -> str:
    """The uploaded file's own name, for display only: no path, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .") or "bukti"
    return base[-120:]


def realization_of(tag_id: int, quarter_id: int, opd_id: int) -> Realization:
    r = db.session.scalar(
        select(Realization).join(Tag, Tag.id == Realization.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(Realization.tag_id == tag_id, Realization.quarter_id == quarter_id,
               SubActivity.opd_id == opd_id))
    if r is None:
        raise ServiceError("Simpan realisasi tagging ini terlebih dahulu, lalu unggah buktinya.",
                           field="file")
    return r


def attach(r: Realization, source, filename: str, user) -> Evidence:
    """Keep the file for the realization; the row is flushed, the bytes are on disk."""
    opd_id = r.tag.sub_activity.opd_id
    ensure_quarter_unlocked(opd_id, r.quarter_id)
    count = db.session.scalar(select(db.func.count(Evidence.id)).where(
        Evidence.realization_id == r.id))
    if count >= MAX_PER_REALIZATION:
        raise ServiceError(f"Paling banyak {MAX_PER_REALIZATION} berkas bukti per tagging.",
                           field="file")
    data, content_type = read_evidence(source)
    key = secrets.token_hex(16)
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{key}.part"
    tmp.write_bytes(data)
    db.session.info.setdefault(_PENDING, []).append((tmp, folder / key))
    ev = Evidence(realization_id=r.id, opd_id=opd_id, filename=clean_name(filename),
                  content_type=content_type, size=len(data),
                  sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                  uploaded_by_id=user.id)
    db.session.add(ev)
    db.session.flush()
    audit.record_create(ev, opd_id=opd_id, parent=("realization", r.id), user=user)
    from app.cycle import evidence_requests

    evidence_requests.fulfil(r.tag_id, r.quarter_id, user)  # the file the reviewer asked for
    return ev


def detach(ev: Evidence, user) -> Path:
    """Remove the row (the view deletes the returned file once the removal is committed)."""
    r = db.session.get(Realization, ev.realization_id)
    ensure_quarter_unlocked(ev.opd_id, r.quarter_id)
    path = path_of(ev)
    audit.record("delete", "evidence", ev.id, old={"filename": ev.filename, "size": ev.size},
                 opd_id=ev.opd_id, parent=("realization", ev.realization_id), user=user)
    db.session.delete(ev)
    db.session.flush()
    return path


def path_of(ev: Evidence) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", ev.storage_key):
        raise ServiceError("Berkas bukti tidak ditemukan.")
    return storage_dir() / ev.storage_key


def by_tag(opd_id: int, quarter_id: int) -> dict[int, list[Evidence]]:
    """Tag id -> evidence of its realization for the quarter, one query."""
    rows = db.session.execute(
        select(Realization.tag_id, Evidence).join(Evidence,
                                                  Evidence.realization_id == Realization.id)
        .where(Evidence.opd_id == opd_id, Realization.quarter_id == quarter_id)
        .order_by(Evidence.id)).all()
    out: dict[int, list[Evidence]] = {}
    for tag_id, ev in rows:
        out.setdefault(tag_id, []).append(ev)
    return out


# --- files follow their transaction -------------------------------------------------------------

_PENDING = "tagar_evidence_files"  # session.info: (temporary path, final path) to move on commit
PART_GRACE_SECONDS = 3600  # a .part younger than this may belong to an upload in progress


@event.listens_for(Session, "after_commit")
def _move_committed(session):
    for tmp, final in session.info.pop(_PENDING, []):
        os.replace(tmp, final)


@event.listens_for(Session, "after_transaction_end")
def _drop_rolled_back(session, transaction):
    if transaction.parent is None:  # after a commit the list is already gone: a rollback
        for tmp, _ in session.info.pop(_PENDING, []):
            tmp.unlink(missing_ok=True)


def prune(*, dry_run: bool = False, now: float | None = None) -> dict[str, int]:
    """Make the storage folder match the rows: finish the move of a committed file whose move a
    crash interrupted, delete files no row names (and temporary ones older than an hour), count
    rows whose file is missing. Returns the counts."""
    folder = storage_dir()
    keys = set(db.session.scalars(select(Evidence.storage_key)))
    out = {"moved": 0, "deleted": 0, "kept_recent": 0, "missing": 0}
    now = time.time() if now is None else now
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        part = re.fullmatch(r"\.([0-9a-f]{32})\.part", name)
        if part and part.group(1) in keys and not (folder / part.group(1)).exists():
            out["moved"] += 1
            if not dry_run:
                os.replace(path, folder / part.group(1))
        elif part and now - path.stat().st_mtime < PART_GRACE_SECONDS:
            out["kept_recent"] += 1
        elif part or (re.fullmatch(r"[0-9a-f]{32}", name) and name not in keys):
            out["deleted"] += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    out["missing"] = sum(1 for k in keys if not (folder / k).exists()
                         and not (folder / f".{k}.part").exists())
    return out

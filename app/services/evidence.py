"""Bukti dukung: files an OPD attaches to a tag's realization for a quarter (the SP2D, a photo of
the work) so the verifier can check the figure.

What a file is comes from its content, never its name: a PDF must start with the PDF header and
end with its trailer; an image must decode as PNG or JPEG (through `image_reader`, which bounds
pixels and re-encodes, dropping metadata). Size is bounded by `upload_guard` before anything is
kept. The bytes are written outside the web root under a random key and served only through
the guard of the OPD they belong to. Attaching follows the lock of the quarter: a submitted or
verified report takes no new evidence, and none is removed from it.
"""
import hashlib
import os
import re
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from config import INSTANCE_DIR
from models import Evidence, Realization, SubActivity, Tag, db

from . import ServiceError, audit
from .image_reader import ImageError, ImageLimits, read_image
from .locks import ensure_quarter_unlocked
from .upload_guard import UploadError, read_bounded

MAX_PER_REALIZATION = 10
KINDS = "PDF, JPG, atau PNG"


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
        clean = read_image(data, ImageLimits(max_bytes=limit, max_pixels=40_000_000))
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
    os.replace(tmp, folder / key)
    ev = Evidence(realization_id=r.id, opd_id=opd_id, filename=clean_name(filename),
                  content_type=content_type, size=len(data),
                  sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
                  uploaded_by_id=user.id)
    db.session.add(ev)
    db.session.flush()
    audit.record_create(ev, opd_id=opd_id, parent=("realization", r.id), user=user)
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

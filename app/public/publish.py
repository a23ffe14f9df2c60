"""Published versions of a year's open data, and the figures every public page reads.

Figures are cached by data version (app/core/cache.py): a verification bumps the version, the
next request computes once, every later request reads the cache. A year's open data is the
figures to date at its latest verified quarter; each distinct content is published once, as a
version named for the last verification it includes (`20261206T101500`, then `-2`, `-3` if the
content changes again before the next verification, e.g. a new APBD total). A version is
written the first time anyone asks for the year's data after a change, so a new verification
publishes a new version and the old ones stay reachable unchanged.
"""
import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.cache import cached
from app.core.clock import now
from models import FiscalYear, PublicPublication, db
from models.data_version import current_version
from reports.queries.public import last_verification, year_figures


def latest_quarter(fy: FiscalYear) -> int:
    """The quarter the portal opens on: the latest any OPD is verified for (1 before any)."""
    def compute():
        return last_verification(fy.id)[0] or 1
    return cached("public-quarter", {"fy": fy.id, "v": current_version()}, compute)


def figures(fy: FiscalYear, quarter: int) -> dict:
    return cached("public-figures", {"fy": fy.id, "q": quarter, "v": current_version()},
                  lambda: year_figures(fy, quarter))


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _version_name(fy: FiscalYear, content: dict) -> str:
    stamp = content["verifikasi_terakhir"]
    base = stamp.replace("-", "").replace(":", "") if stamp else "belum-terverifikasi"
    taken = db.session.scalar(select(func.count()).select_from(PublicPublication).where(
        PublicPublication.fiscal_year_id == fy.id,
        (PublicPublication.version == base) | PublicPublication.version.like(f"{base}-%")))
    return base if not taken else f"{base}-{taken + 1}"


def current(fy: FiscalYear) -> PublicPublication:
    """The publication of the year's current figures, written now if they are new. Flushes
    only; a concurrent request publishing the same content wins and its row is returned."""
    content = figures(fy, latest_quarter(fy))
    text = canonical(content)
    digest = hashlib.sha256(text.encode()).hexdigest()
    row = _by_digest(fy, digest)
    if row is not None:
        return row
    row = PublicPublication(fiscal_year_id=fy.id, digest=digest, content=text,
                            version=_version_name(fy, content), published_at=now(),
                            verified_at=_verified_at(content))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another request published it (or took the name) first
        row = _by_digest(fy, digest)
        if row is None:
            raise
    return row


def _verified_at(content: dict):
    stamp = content["verifikasi_terakhir"]
    return datetime.fromisoformat(stamp) if stamp else None


def _by_digest(fy: FiscalYear, digest: str) -> PublicPublication | None:
    return db.session.scalar(select(PublicPublication).where(
        PublicPublication.fiscal_year_id == fy.id, PublicPublication.digest == digest))


def by_version(fy: FiscalYear, version: str) -> PublicPublication | None:
    return db.session.scalar(select(PublicPublication).where(
        PublicPublication.fiscal_year_id == fy.id, PublicPublication.version == version[:40]))


def versions(fy: FiscalYear) -> list[PublicPublication]:
    return list(db.session.scalars(select(PublicPublication).where(
        PublicPublication.fiscal_year_id == fy.id).order_by(PublicPublication.id.desc())))


def content_of(row: PublicPublication) -> dict:
    return json.loads(row.content)

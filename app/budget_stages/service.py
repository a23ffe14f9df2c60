"""The one write of this feature: the date from which the revised allocations count."""
from datetime import date

from app.core import audit
from app.core.errors import ServiceError
from models import FiscalYear, db


def set_revision_date(fy: FiscalYear, value: date | None, *, user) -> bool:
    """Set (or clear) the fiscal year's perubahan date; audited. False when unchanged."""
    if value is not None and value.year != fy.year:
        raise ServiceError(f"Tanggal harus di dalam tahun anggaran {fy.year}.", field="tanggal")
    if fy.revision_date == value:
        return False
    before = audit.snapshot(fy)
    fy.revision_date = value
    db.session.flush()
    audit.record_update(fy, before, user=user, note="Tanggal berlaku APBD perubahan")
    return True

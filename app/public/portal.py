"""The portal's switch, licence and the year's total APBD belanja: the only writes the portal
has. Off until an administrator switches it on (admin page or `flask public on`). Services
flush and audit; the caller commits."""
import time
from decimal import Decimal
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from app.core import audit
from app.core.errors import ServiceError
from models import (
    LICENSES,
    DataVersion,
    FiscalYear,
    PemdaSettings,
    PublicApbdTotal,
    PublicPortal,
    db,
)


def portal() -> PublicPortal:
    """The portal row, created (off) the first time it is asked for."""
    row = db.session.scalar(select(PublicPortal).order_by(PublicPortal.id).limit(1))
    if row is None:
        row = PublicPortal(enabled=False, license_id="CC-BY-4.0")
        db.session.add(row)
        db.session.flush()
    return row


def is_open() -> bool:
    """Read only (a public request never creates the row): no row means off."""
    return state()[0]


def state() -> tuple[bool, str, int]:
    """(open, a stamp that changes with the portal's settings, the data version): one round
    trip, trusted for PUBLIC_STATE_SECONDS by this worker (see config.py)."""
    ttl = current_app.config.get("PUBLIC_STATE_SECONDS", 0)
    memo = current_app.extensions.get("public_state")
    t = time.monotonic()
    if ttl and memo is not None and memo[0] > t:
        return memo[1]
    first = select(PublicPortal).order_by(PublicPortal.id).limit(1).subquery()
    row = db.session.execute(select(
        select(first.c.enabled).scalar_subquery(), select(first.c.updated_at).scalar_subquery(),
        select(DataVersion.value).where(DataVersion.id == 1).scalar_subquery())).one()
    value = (bool(row[0]), str(row[1] or ""), int(row[2] or 0))
    if ttl:
        current_app.extensions["public_state"] = (t + ttl, value)
    return value


def configure(enabled: bool, license_id: str, *, user=None) -> PublicPortal:
    if license_id not in LICENSES:
        raise ServiceError("Lisensi tidak dikenal.", field="license_id")
    row = portal()
    before = audit.snapshot(row)
    row.enabled, row.license_id = enabled, license_id
    db.session.flush()
    audit.record_update(row, before, user=user,
                        note="Portal publik " + ("dibuka" if enabled else "ditutup"))
    return row


def switch(enabled: bool, *, user=None) -> PublicPortal:
    return configure(enabled, portal().license_id, user=user)


def set_apbd_total(fy: FiscalYear, murni: Decimal | None, perubahan: Decimal | None, *,
                   user=None) -> PublicApbdTotal:
    """The whole APBD's belanja of `fy`: the denominator of the tagged share on the portal."""
    if murni is None:  # a form without the field at all never ran the field's own check
        raise ServiceError("Total belanja APBD murni wajib diisi.", field="belanja_murni")
    if murni < 0 or (perubahan is not None and perubahan < 0):
        raise ServiceError("Total belanja APBD tidak boleh negatif.", field="belanja_murni")
    row = db.session.scalar(select(PublicApbdTotal).where(
        PublicApbdTotal.fiscal_year_id == fy.id))
    if row is None:
        row = PublicApbdTotal(fiscal_year_id=fy.id, belanja_murni=murni,
                              belanja_perubahan=perubahan)
        db.session.add(row)
        db.session.flush()
        audit.record_create(row, user=user)
        return row
    before = audit.snapshot(row)
    row.belanja_murni, row.belanja_perubahan = murni, perubahan
    db.session.flush()
    audit.record_update(row, before, user=user)
    return row


def portal_or_default() -> PublicPortal:
    """For reading (a page, a file): the row, or an unsaved default one."""
    row = db.session.scalar(select(PublicPortal).order_by(PublicPortal.id).limit(1))
    return row or PublicPortal(enabled=False, license_id="CC-BY-4.0")


def pemda():
    """The pemda's name for a public page, read only: a public request never writes (the
    admin's settings() would create the row and, committed by anything later, bump the data
    version every cache is keyed by)."""
    row = db.session.scalar(select(PemdaSettings).limit(1))
    if row is not None:
        return row
    cfg = current_app.config
    return SimpleNamespace(name=cfg["PEMDA_NAME"], region_name=cfg["PEMDA_REGION"])

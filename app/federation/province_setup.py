"""`flask province init`: a province instance's own letterhead, its three signatories and its
first administrator, so the governor's report is never signed in the name of the demo
kabupaten the settings row would otherwise start from (config.py PEMDA_* defaults).

Run again, it updates the letterhead and signatories; the administrator is created only when
that username does not exist yet (an existing account keeps its password).
"""
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.accounts import create_user
from app.core import audit
from app.core.errors import ServiceError
from app.reference.service import settings
from models import User, db

GOVERNOR_TITLE = "Gubernur"
CHAIR_TITLE = "Ketua TKPK Provinsi"
SECRETARY_TITLE = "Sekretaris Daerah"


@dataclass
class ProvinceIdentity:
    name: str  # "Provinsi Contoh"
    address: str = ""
    city: str = ""
    governor: str = ""
    governor_nip: str = ""
    secretary: str = ""
    secretary_nip: str = ""
    chair: str = ""
    chair_nip: str = ""


def _text(value: str, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ServiceError(f"Isian {field} paling panjang {limit} karakter.", field=field)
    return value


def init_province(identity: ProvinceIdentity, *, admin_username: str = "",
                  admin_password: str = ""):
    """The settings row as this province's, and (optionally) its first administrator:
    (settings, the new user or None)."""
    name = _text(identity.name, 120, "nama provinsi")
    if not name:
        raise ServiceError("Nama provinsi wajib diisi (mis. \"Provinsi Contoh\").", field="name")
    if not name.lower().startswith("provinsi"):
        name = f"Provinsi {name}"
    row = settings()
    old = {"name": row.name, "region_name": row.region_name, "head_title": row.head_title}
    row.name = f"Pemerintah {name}"[:200]
    row.region_name = row.province_name = name
    row.address = _text(identity.address, 300, "alamat")
    row.city = _text(identity.city, 120, "kota")
    row.head_title = GOVERNOR_TITLE
    row.head_name = _text(identity.governor, 120, "nama gubernur")
    row.head_nip = _text(identity.governor_nip, 30, "NIP gubernur")
    row.secretary_name = _text(identity.secretary, 120, "nama sekda")
    row.secretary_nip = _text(identity.secretary_nip, 30, "NIP sekda")
    row.tkpkd_chair_title = CHAIR_TITLE
    row.tkpkd_chair_name = _text(identity.chair, 120, "nama ketua TKPK")
    row.tkpkd_chair_nip = _text(identity.chair_nip, 30, "NIP ketua TKPK")
    row.signatories = "both"
    row.report_addressees = "menko_pm,mendagri"
    db.session.flush()
    audit.record("update", "pemda_settings", row.id, old=old, new={
        "name": row.name, "region_name": row.region_name, "head_title": row.head_title},
        note="flask province init")
    user = None
    username = (admin_username or "").strip().lower()
    if username and db.session.scalar(select(User.id).where(User.username == username)) is None:
        user = create_user(username, admin_password, "admin", full_name="Administrator Provinsi")
    return row, user


__all__ = ["ProvinceIdentity", "init_province"]

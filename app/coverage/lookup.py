""""Cek NIK": the secretariat types a NIK and sees its household's desil, desa and
interventions. The NIK is hashed in memory and forgotten; each lookup is audited with the
hash prefix only (enough to tell lookups apart, not to find the NIK)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.core import audit
from app.core.errors import ServiceError
from models import Household, HouseholdMember, HouseholdSnapshot, db
from reports.queries import coverage

from . import keys


@dataclass
class LookupResult:
    found: bool
    prefix: str
    household: Household | None = None
    snapshot: HouseholdSnapshot | None = None
    current: bool = False  # in the latest snapshot
    interventions: list = None


def lookup(raw: str, user) -> LookupResult:
    nik = keys.normalise(raw)
    if nik is None:
        raise ServiceError("NIK harus 16 digit angka.", field="nik")
    digest = keys.hasher()(keys.MEMBER, nik)
    del nik
    prefix = keys.prefix(digest)
    household = db.session.scalar(select(Household).join(
        HouseholdMember, HouseholdMember.household_id == Household.id).where(
        HouseholdMember.hash == digest))
    result = LookupResult(found=household is not None, prefix=prefix, interventions=[])
    if household is not None:
        result.household = household
        result.snapshot = db.session.get(HouseholdSnapshot, household.snapshot_id)
        latest = coverage.current_snapshot()
        result.current = latest is not None and latest.id == household.snapshot_id
        result.interventions = coverage.interventions(household.id)
    audit.record("lookup", "household", household.id if household else None,
                 new={"hash_prefix": prefix, "found": result.found},
                 note="Cek NIK (NIK tidak disimpan)", user=user)
    db.session.flush()
    return result

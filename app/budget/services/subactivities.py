"""Sub-activities of an OPD's DPA: the nomenclature rules, create, update, delete.

Every rule is checked before anything is changed, so a refusal leaves the session clean; the
view (or the import) commits once. Tags live in `subactivity_tags`.
"""
import re
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.opd_status import ensure_opd_active
from app.core import audit
from app.core.errors import ServiceError, StaleError
from app.core.money import format_rupiah
from app.cycle import locks
from models import ZERO, FundingSource, Realization, SubActivity, Tag, db

# U.BB.PP.K.KK.SSSS (Kepmendagri 050-5889/2021); X.XX.… for cross-cutting support lines.
CODE_RE = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")
CROSS_RE = re.compile(r"^X\.XX\.\d{2}\.\d\.\d{2}\.\d{4}$")
CODE_HELP = "Format kode U.BB.PP.K.KK.SSSS, mis. 1.06.05.2.02.0001 (atau X.XX.… untuk penunjang)."
INVALID = "Periksa kembali isian yang ditandai."

# Changing any of these changes figures a verified quarter rests on.
# Verified figures rest on the original (murni) allocation and the tag amounts. The revised
# (perubahan) allocation arrives mid-year, after early quarters are verified, and counts only
# from the date it applies, so it stays editable (still never below the tagged total).
AMOUNT_FIELDS = ("allocation_original",)
TEXT_FIELDS = ("name", "program_name", "activity_name", "output_indicator", "output_unit",
               "location")


def code_errors(values: dict) -> dict[str, str]:
    """Check the code and fill blank program/activity codes from it (the prefix rule)."""
    code = (values.get("code") or "").strip()
    values["code"] = code
    if not (CODE_RE.match(code) or CROSS_RE.match(code)):
        return {"code": CODE_HELP}
    parts = code.split(".")
    errors = {}
    for key, n, label in (("program_code", 3, "program"), ("activity_code", 5, "kegiatan")):
        expected = ".".join(parts[:n])
        given = (values.get(key) or "").strip()
        if not given:
            values[key] = expected
        elif given != expected:
            errors[key] = f"Kode {label} harus {expected} (awal kode sub kegiatan)."
    return errors


def allocation_of(values: dict) -> Decimal:
    revised = values.get("allocation_revised")
    return revised if revised is not None else values["allocation_original"]


def tagged_total(sub_activity_id: int, *, exclude_tag_id: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(Tag.amount), ZERO)).where(
        Tag.sub_activity_id == sub_activity_id)
    if exclude_tag_id is not None:
        stmt = stmt.where(Tag.id != exclude_tag_id)
    return Decimal(db.session.scalar(stmt))


def check_version(obj, expected) -> None:
    """The form's hidden version must be the stored one, else someone saved in between."""
    try:
        seen = int(expected)
    except (TypeError, ValueError):
        seen = None
    if seen != obj.version:
        raise StaleError(current=obj)


def flush_or_stale(obj) -> None:
    """The ORM's own version check catches a save that raced ours between read and write."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleError(current=obj) from exc


def has_realization(*, sub_activity_id: int | None = None, tag_id: int | None = None) -> bool:
    stmt = select(func.count(Realization.id))
    if tag_id is not None:
        stmt = stmt.where(Realization.tag_id == tag_id)
    else:
        stmt = stmt.join(Tag, Tag.id == Realization.tag_id).where(
            Tag.sub_activity_id == sub_activity_id)
    return bool(db.session.scalar(stmt))


def validate(values: dict, opd_id: int, fiscal_year_id: int, sa: SubActivity | None) -> None:
    """All the rules of one sub-activity; raises ServiceError with errors by field."""
    errors = code_errors(values)
    if "code" not in errors:
        clash = select(SubActivity.id).where(
            SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id,
            SubActivity.code == values["code"])
        if sa is not None:
            clash = clash.where(SubActivity.id != sa.id)
        if db.session.scalar(clash) is not None:
            errors["code"] = "Kode ini sudah dipakai sub kegiatan lain OPD ini pada tahun ini."
    fs = values.get("funding_source_id")
    if fs is not None and db.session.get(FundingSource, fs) is None:
        errors["funding_source_id"] = "Sumber dana tidak dikenal."
    if values.get("allocation_original") is None:
        errors["allocation_original"] = "Wajib diisi."
    elif sa is not None:
        tagged = tagged_total(sa.id)
        if allocation_of(values) < tagged:
            key = ("allocation_revised" if values.get("allocation_revised") is not None
                   else "allocation_original")
            errors[key] = (f"Pagu tidak boleh lebih kecil dari jumlah yang sudah ditandai "
                           f"({format_rupiah(tagged)}).")
    for key in TEXT_FIELDS:
        values[key] = (values.get(key) or "").strip()
    if errors:
        raise ServiceError(INVALID, errors={k: [v] for k, v in errors.items()})


def create_sub_activity(opd_id: int, fiscal_year_id: int, values: dict,
                        note: str = "") -> SubActivity:
    ensure_opd_active(opd_id)  # issue 15: an inactive OPD takes no new work
    locks.ensure_budget_unlocked(opd_id, fiscal_year_id)
    validate(values, opd_id, fiscal_year_id, None)
    sa = SubActivity(opd_id=opd_id, fiscal_year_id=fiscal_year_id, **values)
    db.session.add(sa)
    db.session.flush()
    audit.record_create(sa, opd_id=opd_id, note=note)
    return sa


def update_sub_activity(sa: SubActivity, values: dict, expected_version, note: str = "") -> bool:
    """Apply `values`; True when anything changed. Allocation changes respect the lock."""
    check_version(sa, expected_version)
    validate(values, sa.opd_id, sa.fiscal_year_id, sa)
    if any(values.get(k) != getattr(sa, k) for k in AMOUNT_FIELDS if k in values):
        locks.ensure_budget_unlocked(sa.opd_id, sa.fiscal_year_id)
    before = audit.snapshot(sa)
    for key, value in values.items():
        setattr(sa, key, value)
    flush_or_stale(sa)
    return audit.record_update(sa, before, opd_id=sa.opd_id, note=note) is not None


def delete_sub_activity(sa: SubActivity, expected_version) -> None:
    check_version(sa, expected_version)
    locks.ensure_budget_unlocked(sa.opd_id, sa.fiscal_year_id)
    if has_realization(sub_activity_id=sa.id):
        raise ServiceError("Sub kegiatan ini sudah memiliki realisasi sehingga tidak dapat "
                           "dihapus. Hapus atau koreksi realisasinya lebih dahulu.")
    parent = ("sub_activity", sa.id)
    for tag in sa.tags:
        for tv in tag.villages:
            audit.record_delete(tv, opd_id=sa.opd_id, parent=parent, note=f"Tag #{tag.id}")
        audit.record_delete(tag, opd_id=sa.opd_id, parent=parent)
    audit.record_delete(sa, opd_id=sa.opd_id)
    db.session.delete(sa)
    flush_or_stale(sa)

"""Tags of a sub-activity and the lokus desa each reaches: validation, lock, version, audit.

A tag's amounts never exceed the allocation in force; per-desa amounts never exceed the tag's.
Only villages of the kabupaten (the village table) can be chosen; a desa that is not a lokus of
the fiscal year is allowed with a warning (the SK may come later than the DPA). A desa that
already has per-desa realization figures on the tag is not dropped silently: the save is refused
naming it, unless the user confirmed dropping those figures too (never orphan figures, which
would make the realization unsaveable).
"""
from decimal import Decimal

from sqlalchemy import select

from app.budget.services import themes
from app.budget.services.subactivities import (
    INVALID,
    check_version,
    flush_or_stale,
    has_realization,
    tagged_total,
)
from app.core import audit
from app.core.errors import ServiceError
from app.core.money import format_rupiah
from app.cycle import locks
from models import (
    Realization,
    RealizationVillage,
    Strategy,
    SubActivity,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
    utcnow,
)

TEXT_FIELDS = ("description", "aid_nature", "aid_type", "duration", "target_unit")


def _validate(sa: SubActivity, tag: Tag | None, values: dict, villages: list[dict]):
    """Returns the Village rows by id; raises ServiceError with errors by field."""
    errors: dict[str, str] = {}
    if db.session.get(Strategy, values.get("strategy_id") or 0) is None:
        errors["strategy_id"] = "Pilih strategi."
    if db.session.get(TagKind, values.get("tag_kind_id") or 0) is None:
        errors["tag_kind_id"] = "Pilih kelompok penandaan."
    amount = values.get("amount")
    if amount is None or amount <= 0:
        errors["amount"] = "Nilai harus lebih dari nol."
    else:
        others = tagged_total(sa.id, exclude_tag_id=tag.id if tag else None)
        room = sa.allocation - others
        if amount > room:
            errors["amount"] = (f"Melebihi pagu. Pagu {format_rupiah(sa.allocation)}, sudah "
                                f"ditandai {format_rupiah(others)}; sisa {format_rupiah(room)}.")
    if values.get("target_count") is not None and not (values.get("target_unit") or "").strip():
        errors["target_unit"] = "Isi satuan sasaran, mis. KK atau jiwa."
    ids = [v["village_id"] for v in villages]
    found = {v.id: v for v in db.session.scalars(select(Village).where(Village.id.in_(ids)))}
    if len(found) != len(set(ids)):
        errors["villages"] = "Ada desa yang bukan desa di kabupaten ini."
    elif amount is not None:
        per_desa = sum((v["amount"] for v in villages if v["amount"] is not None), Decimal(0))
        if per_desa > amount:
            errors["villages"] = (f"Jumlah nilai per desa ({format_rupiah(per_desa)}) melebihi "
                                  f"nilai tag ({format_rupiah(amount)}).")
    if errors:
        raise ServiceError(INVALID, errors={k: [v] for k, v in errors.items()})
    return found


def non_lokus_names(sa: SubActivity, village_ids) -> list[str]:
    """Chosen desa that are not a lokus (priority village) of the sub-activity's year."""
    if not village_ids:
        return []
    priority = select(VillageYear.village_id).where(
        VillageYear.fiscal_year_id == sa.fiscal_year_id, VillageYear.is_priority)
    stmt = select(Village.name).where(Village.id.in_(village_ids),
                                      Village.id.not_in(priority)).order_by(Village.name)
    return list(db.session.scalars(stmt))


def _amounts_change(tag: Tag | None, values: dict, villages: list[dict]) -> bool:
    if tag is None or values["amount"] != tag.amount:
        return True
    now = {tv.village_id: tv.amount for tv in tag.villages}
    return now != {v["village_id"]: v["amount"] for v in villages}


def realized_villages(tag: Tag, village_ids) -> list[RealizationVillage]:
    """The tag's per-desa realization figures in these villages (any quarter)."""
    if not village_ids:
        return []
    return list(db.session.scalars(
        select(RealizationVillage).join(Realization)
        .where(Realization.tag_id == tag.id, RealizationVillage.village_id.in_(village_ids))
        .order_by(RealizationVillage.id)))


def _drop_realized(sa: SubActivity, tag: Tag, villages: list[dict], confirmed: bool) -> None:
    """Desa leaving the tag take their per-desa realization with them, only when confirmed and
    only from quarters still open for editing."""
    removed = {tv.village_id for tv in tag.villages} - {v["village_id"] for v in villages}
    figures = realized_villages(tag, removed)
    if not figures:
        return
    names = ", ".join(sorted({rv.village.name for rv in figures}))
    if not confirmed:
        message = (f"Desa {names} sudah memiliki realisasi per desa pada tagging ini. Biarkan "
                   "desa tersebut tetap dipilih, atau centang \"Lepaskan juga realisasi per "
                   "desanya\" untuk melepasnya beserta angka realisasinya.")
        raise ServiceError(message, errors={"villages": [message]})
    for rv in figures:
        locks.ensure_quarter_unlocked(sa.opd_id, rv.realization.quarter_id)
    for rv in figures:
        realization = rv.realization
        audit.record_delete(rv, opd_id=sa.opd_id, parent=("realization", realization.id),
                            note=f"Desa {rv.village.name} dilepas dari tag #{tag.id}")
        realization.villages.remove(rv)
        realization.updated_at = utcnow()  # bumps its version: an open sheet is now stale
    db.session.flush()


def save_tag(sa: SubActivity, tag: Tag | None, values: dict, villages: list[dict],
             expected_version=None, *, drop_realized: bool = False) -> tuple[Tag, list[str]]:
    """Create (`tag` None) or update a tag and its lokus; returns it and the warnings.

    `drop_realized`: the user confirmed that desa leaving the tag lose their per-desa
    realization figures; without it such a removal is refused, naming the desa."""
    if tag is not None:
        check_version(tag, expected_version)
    _validate(sa, tag, values, villages)
    if tag is not None:
        _drop_realized(sa, tag, villages, drop_realized)
    if _amounts_change(tag, values, villages):
        locks.ensure_budget_unlocked(sa.opd_id, sa.fiscal_year_id)
    for key in TEXT_FIELDS:
        values[key] = (values.get(key) or "").strip()

    parent = ("sub_activity", sa.id)
    created = tag is None
    if created:
        tag = Tag(sub_activity=sa, **values)
        db.session.add(tag)
        db.session.flush()
        before = None
    else:
        before = audit.snapshot(tag)
        for key, value in values.items():
            setattr(tag, key, value)
    village_changed = _sync_villages(sa, tag, villages, parent)
    if village_changed and not created:
        tag.updated_at = utcnow()  # bumps the version: a stale form cannot undo the lokus
    flush_or_stale(tag)
    if created:
        audit.record_create(tag, opd_id=sa.opd_id, parent=parent)
        themes.join_default(tag)  # issue 17: every new tag serves the default theme
    else:
        audit.record_update(tag, before, opd_id=sa.opd_id, parent=parent)
    return tag, non_lokus_names(sa, [v["village_id"] for v in villages])


def _sync_villages(sa: SubActivity, tag: Tag, villages: list[dict], parent) -> bool:
    """Make the tag's lokus rows match `villages`, auditing each added, changed, removed row."""
    note = f"Tag #{tag.id}"
    existing = {tv.village_id: tv for tv in tag.villages}
    wanted = {v["village_id"]: v for v in villages}
    changed = False
    for vid, tv in existing.items():
        if vid not in wanted:
            audit.record_delete(tv, opd_id=sa.opd_id, parent=parent, note=note)
            tag.villages.remove(tv)
            changed = True
    db.session.flush()
    for vid, row in wanted.items():
        tv = existing.get(vid)
        if tv is None:
            tv = TagVillage(tag=tag, village_id=vid, amount=row["amount"],
                            target_count=row["target_count"])
            db.session.add(tv)
            audit.record_create(tv, opd_id=sa.opd_id, parent=parent, note=note)
            changed = True
        elif (tv.amount, tv.target_count) != (row["amount"], row["target_count"]):
            before = audit.snapshot(tv)
            tv.amount, tv.target_count = row["amount"], row["target_count"]
            db.session.flush()
            audit.record_update(tv, before, opd_id=sa.opd_id, parent=parent, note=note)
            changed = True
    return changed


def delete_tag(tag: Tag, expected_version) -> None:
    check_version(tag, expected_version)
    sa = tag.sub_activity
    locks.ensure_budget_unlocked(sa.opd_id, sa.fiscal_year_id)
    if has_realization(tag_id=tag.id):
        raise ServiceError("Tag ini sudah memiliki realisasi sehingga tidak dapat dihapus.")
    parent = ("sub_activity", sa.id)
    for tv in tag.villages:
        audit.record_delete(tv, opd_id=sa.opd_id, parent=parent, note=f"Tag #{tag.id}")
    audit.record_delete(tag, opd_id=sa.opd_id, parent=parent)
    sa.tags.remove(tag)
    flush_or_stale(tag)

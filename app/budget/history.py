"""A sub-activity's audit trail made readable: who, when, what, which field from what to what."""
from decimal import Decimal, InvalidOperation

from app.core.money import format_number, format_rupiah

from . import queries

ACTIONS = {"create": "Dibuat", "update": "Diubah", "delete": "Dihapus"}
FIELDS = {
    "code": "Kode", "name": "Nama", "program_code": "Kode program", "program_name": "Program",
    "activity_code": "Kode kegiatan", "activity_name": "Kegiatan",
    "allocation_original": "Pagu murni", "allocation_revised": "Pagu perubahan",
    "funding_source_id": "Sumber dana", "output_indicator": "Indikator keluaran",
    "output_target": "Target keluaran", "output_unit": "Satuan keluaran", "location": "Lokasi",
    "strategy_id": "Strategi", "tag_kind_id": "Kelompok", "amount": "Nilai",
    "description": "Aktivitas", "aid_nature": "Sifat bantuan", "aid_type": "Jenis bantuan",
    "benefit_per_recipient": "Besaran manfaat", "duration": "Durasi",
    "target_count": "Jumlah sasaran", "target_unit": "Satuan sasaran", "village_id": "Desa",
}
MONEY = {"allocation_original", "allocation_revised", "amount", "benefit_per_recipient"}
HIDDEN = {"id", "opd_id", "fiscal_year_id", "sub_activity_id", "tag_id"}


def _show(key, value, names) -> str:
    if value is None or value == "":
        return "-"
    if key in names:
        return names[key].get(int(value), f"#{value}")
    try:
        if key in MONEY:
            return format_rupiah(Decimal(value))
        if key == "output_target":
            return format_number(Decimal(value), 2 if Decimal(value) % 1 else 0)
    except (InvalidOperation, ValueError):
        pass
    return str(value)


def _subject(entry, names) -> str:
    values = entry.new_values or entry.old_values or {}
    if entry.entity == "tag":
        return f"Tag #{entry.entity_id}"
    if entry.entity == "tag_village":
        desa = names["village_id"].get(int(values.get("village_id") or 0), "desa")
        tag = values.get("tag_id") or (entry.note or "").removeprefix("Tag #")
        return f"Lokus {desa} · Tag #{tag}"
    return "Sub kegiatan"


def entries(sa_id: int) -> list[dict]:
    rows = queries.history(sa_id)
    names = queries.reference_names(rows)
    out = []
    for entry, user in rows:
        old, new = entry.old_values or {}, entry.new_values or {}
        keys = [k for k in (new or old) if k not in HIDDEN]
        out.append({
            "at": entry.at,
            "who": user.full_name if user else "Sistem (baris perintah)",
            "on_behalf": bool(user and user.role == "secretariat"),
            "action": ACTIONS.get(entry.action, entry.action),
            "subject": _subject(entry, names),
            "note": entry.note if not (entry.note or "").startswith("Tag #") else "",
            "changes": [(FIELDS.get(k, k), _show(k, old.get(k), names) if old else "",
                         _show(k, new.get(k), names) if new else "") for k in keys],
        })
    return out

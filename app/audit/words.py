"""The audit log in words (issue 23): actions and object types in Indonesian, changes as
"Label: lama → baru" with field labels, times in WIB. The page and its XLSX use the same words.

Codes stay in the database (filters and exports by code keep working); only the reading is
translated. An unknown code is shown with its underscores as spaces, never hidden.
"""
from datetime import datetime
from decimal import Decimal, InvalidOperation

from app.core.clock import WIB
from app.core.money import format_rupiah

MONEY = {"amount", "allocation", "allocation_revised", "allocation_original",
         "benefit_per_recipient", "tagged_amount"}

ACTIONS = {
    "create": "dibuat", "update": "diubah", "delete": "dihapus", "start": "dimulai",
    "submit": "diajukan", "resubmit": "diajukan ulang", "verify": "diverifikasi",
    "return": "dikembalikan", "reopen": "dibuka kembali", "import": "diimpor",
    "export": "diekspor", "lock": "dikunci", "unlock": "dibuka kuncinya", "login": "masuk",
    "lookup": "pencarian data", "password": "kata sandi diganti",
    "reset_request": "permintaan atur ulang kata sandi", "revoke": "dicabut",
    "rollover": "tutup tahun", "rotate_token": "token diganti", "receive": "diterima",
    "purge": "dibersihkan", "attach_report": "laporan dilampirkan",
    "api_auth_fail": "gagal masuk API", "evidence_request": "permintaan bukti dukung",
}

ENTITIES = {
    "pemda_settings": "pengaturan pemda", "opd": "perangkat daerah",
    "fiscal_year": "tahun anggaran", "quarter": "triwulan", "strategy": "strategi",
    "tag_kind": "kelompok penandaan", "funding_source": "sumber dana",
    "household_snapshot": "data rumah tangga", "household": "rumah tangga",
    "beneficiary_list": "daftar penerima", "other_intervention": "intervensi sumber lain",
    "theme": "tema", "tag_theme": "tema tagging", "framework": "kerangka",
    "strategy_mapping": "pemetaan strategi", "submission": "laporan triwulan",
    "submission_event": "riwayat laporan", "review_comment": "catatan verifikasi",
    "evidence": "bukti dukung", "evidence_request": "permintaan bukti dukung",
    "mail_outbox": "surel keluar", "password_reset": "atur ulang kata sandi",
    "mail_preference": "pilihan notifikasi surel", "realization": "realisasi",
    "realization_village": "realisasi per desa", "federation_export": "kiriman ke provinsi",
    "federation_member": "anggota provinsi", "federation_bundle": "paket data provinsi",
    "login_throttle": "pembatasan masuk", "setup_upload": "berkas penyiapan",
    "sub_activity": "sub kegiatan", "tag": "tagging", "tag_village": "lokus tagging",
    "report_build": "pembuatan laporan", "import_job": "impor", "user": "pengguna",
    "api_token": "token API", "district": "kecamatan", "village": "desa",
    "village_year": "desa per tahun", "retention": "retensi data",
}

FIELDS = {
    "amount": "Nilai", "physical_progress": "Fisik (%)", "reached_count": "Penerima tercapai",
    "problems": "Permasalahan", "follow_up": "Tindak lanjut", "explanation": "Penjelasan",
    "anomalies": "Anomali", "villages": "Penerima per desa", "status": "Status",
    "is_late": "Terlambat", "submitted_at": "Diajukan", "first_submitted_at": "Pertama diajukan",
    "verified_at": "Diverifikasi", "note": "Catatan", "name": "Nama", "code": "Kode",
    "short_name": "Singkatan", "head_name": "Nama kepala", "head_nip": "NIP kepala",
    "kind": "Jenis", "is_active": "Aktif", "active": "Aktif", "role": "Peran",
    "full_name": "Nama lengkap", "email": "Surel", "opd_id": "OPD", "username": "Nama pengguna",
    "is_current": "Tahun berjalan", "is_open": "Terbuka untuk pengisian",
    "deadline": "Batas penyampaian", "year": "Tahun", "allocation": "Pagu",
    "allocation_revised": "Pagu perubahan", "description": "Aktivitas",
    "target_count": "Sasaran", "target_unit": "Satuan sasaran", "strategy_id": "Strategi",
    "tag_kind_id": "Kelompok penandaan", "funding_source_id": "Sumber dana",
    "aid_nature": "Sifat bantuan", "aid_type": "Jenis bantuan", "duration": "Durasi",
    "benefit_per_recipient": "Besaran manfaat", "program_name": "Program",
    "activity_name": "Kegiatan", "location": "Lokasi", "kinds": "Jenis notifikasi",
    "addresses": "Alamat", "revoked_at": "Dicabut", "is_priority": "Lokus prioritas",
    "desil1_households": "KK desil 1", "quarter_id": "Triwulan", "tag_id": "Tagging",
    "sub_activity_id": "Sub kegiatan", "fiscal_year_id": "Tahun anggaran",
    "region_name": "Nama daerah", "report_addressees": "Tujuan laporan",
}

STATUS_WORDS = {"draft": "draf", "submitted": "diajukan", "returned": "dikembalikan",
                "verified": "terverifikasi"}
MAX_VALUE = 120


def action_label(code: str) -> str:
    return ACTIONS.get(code, (code or "").replace("_", " "))


def entity_label(code: str) -> str:
    return ENTITIES.get(code, (code or "").replace("_", " "))


def field_label(key: str) -> str:
    return FIELDS.get(key, key.replace("_", " ").capitalize())


def when(at: datetime | None) -> str:
    """`07-12-2026 14.05 WIB` (stored in UTC)."""
    return (at + WIB).strftime("%d-%m-%Y %H.%M") + " WIB" if at else "-"


def value_text(key: str, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if key == "status":
        return STATUS_WORDS.get(value, str(value))
    if key in MONEY:
        try:
            return format_rupiah(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            pass
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:  # an ISO time stored in UTC
            return when(datetime.fromisoformat(value[:19]))
        except ValueError:
            pass
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


def changes(old: dict | None, new: dict | None) -> list[str]:
    """One line per field: `Nilai: 1000000 → 1500000`; a created object's fields as
    `Nilai: → 1000000`, a deleted one's as `Nilai: 1000000 → (dihapus)`."""
    old, new = old or {}, new or {}
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [value_text("", new or old)]
    lines = []
    for key in list(dict.fromkeys([*old, *new])):
        label = field_label(key)
        if key in old and key in new:
            lines.append(f"{label}: {value_text(key, old[key])} → {value_text(key, new[key])}")
        elif key in new:
            lines.append(f"{label}: → {value_text(key, new[key])}")
        else:
            lines.append(f"{label}: {value_text(key, old[key])} → (dihapus)")
    return lines


def object_text(entity: str, entity_id, parent_entity=None, parent_id=None) -> str:
    """`laporan triwulan #20 (tagging #5)`."""
    text = entity_label(entity) + (f" #{entity_id}" if entity_id else "")
    if parent_entity:
        text += f" ({entity_label(parent_entity)} #{parent_id})"
    return text

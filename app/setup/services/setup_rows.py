"""The rules of each set-up file (services/setup_import.py reads them; this module judges rows
and writes them): OPDs by code, kecamatan and desa by Kemendagri code, users by username."""
import re
import secrets

from sqlalchemy import select

from app.accounts import passwords
from app.accounts.accounts import hash_password
from app.core import audit, xlsx_writer
from app.core.errors import ServiceError
from app.setup.services.setup_plan import Column, Kind, SetupResult
from models import OPD_KIND_LABELS, OPD_KINDS, ROLE_LABELS, District, Opd, User, Village, db

OPD_CODE = re.compile(r"^[0-9X]\.[0-9X]{2}(\.[0-9]+)*$")  # as the admin form (forms/admin.py)
NIP = re.compile(r"^\d{18}$")
DISTRICT_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")  # 36.02.01
VILLAGE_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")  # 36.02.01.2001
USERNAME = re.compile(r"^[a-z0-9._-]+$")  # as the admin form, stored lower case
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AREA_KINDS = {"kecamatan": "kecamatan", "kec": "kecamatan", "desa": "desa",
              "kelurahan": "kelurahan", "kel": "kelurahan"}
ROLE_NAMES = {"opd": "opd", "operator": "opd", "operator opd": "opd",
              "secretariat": "secretariat", "sekretariat": "secretariat",
              "sekretariat tkpkd": "secretariat", "viewer": "viewer", "pimpinan": "viewer",
              "admin": "admin", "administrator": "admin",
              "desa": "desa", "operator desa": "desa"}  # issue 28
ROLE_HELP = "opd, sekretariat, pimpinan, admin atau desa"
# A temporary password: no look-alike characters, read aloud or copied by hand without doubt.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _changes(row, obj, fields: dict[str, str]) -> None:
    """Set row.action to update/unchanged from the values that differ (fields: key -> label)."""
    row.obj = obj
    row.changes = [label for key, label in fields.items()
                   if key in row.values and getattr(obj, key) != row.values[key]]
    row.action = "update" if row.changes else "unchanged"


def _write(plan, model, make_values, note, actor, opd_of=lambda obj: None) -> SetupResult:
    """Create and update the plan's rows: one flush, then one audit record per row written."""
    result, created, updated = SetupResult(), [], []
    for row in plan.rows:
        values = make_values(row)
        if row.action == "create":
            obj = model(**values)
            db.session.add(obj)
            created.append(obj)
        elif row.action == "update":
            updated.append((row.obj, audit.snapshot(row.obj)))
            for key, value in values.items():
                setattr(row.obj, key, value)
    db.session.flush()
    for obj in created:
        audit.record("create", obj.__tablename__, obj.id, new=audit.snapshot(obj),
                     opd_id=opd_of(obj), note=note, user=actor)
    for obj, before in updated:
        audit.record_update(obj, before, opd_id=opd_of(obj), note=note, user=actor)
    result.created, result.updated = len(created), len(updated)
    return result


# --- OPDs ------------------------------------------------------------------------------------

OPD_FIELDS = {"name": "nama", "short_name": "singkatan", "head_name": "kepala",
              "head_nip": "NIP kepala", "kind": "jenis"}


def _kind_of_opd(text: str) -> str | None:
    text = text.strip().lower()
    for code, label in OPD_KIND_LABELS.items():
        if text in (code, label.lower()):
            return code
    return None


def kind_from_name(name: str) -> str:
    """The kind an OPD's name tells (Dinas Sosial: dinas; Sekretariat DPRD: sekretariat)."""
    first = (name.strip().split() or [""])[0].lower()
    return first if first in OPD_KINDS else "lainnya"


def plan_opds(plan, rows) -> None:
    existing = {o.code: o for o in db.session.scalars(select(Opd))}
    by_name = {o.name.lower(): o.code for o in existing.values()}
    names: dict[str, int] = {}
    kinds = ", ".join(OPD_KINDS)
    for row in rows:
        v = row.values
        if not OPD_CODE.match(row.key):
            plan.error(row, "Kode", "Kode OPD tidak sesuai format, mis. 1.06.0.00.0.00.08.0000.")
        lower = v["name"].lower()
        if lower in names:
            plan.error(row, "Nama", f"Nama OPD ganda; sudah ada di baris {names[lower]}.")
        names.setdefault(lower, row.row)
        if by_name.get(lower, row.key) != row.key:
            plan.error(row, "Nama", f"Nama ini sudah dipakai OPD lain ({by_name[lower]}).")
        if v.get("head_nip") and not NIP.match(v["head_nip"]):
            plan.error(row, "NIP Kepala", "NIP terdiri atas 18 angka.")
        if "kind" in v or row.key not in existing:  # blank or absent: read from the name
            kind = _kind_of_opd(v["kind"]) if v.get("kind") else kind_from_name(v["name"])
            if kind is None:
                plan.error(row, "Jenis", f"Jenis '{v['kind'][:30]}' tidak dikenal. Gunakan "
                                         f"salah satu: {kinds}.")
            v["kind"] = kind
        if row.action == "error":
            continue
        if row.key in existing:
            _changes(row, existing[row.key], OPD_FIELDS)
        else:
            row.action = "create"


def apply_opds(plan, note, actor) -> SetupResult:
    def values(row):
        v = {k: row.values[k] for k in OPD_FIELDS if k in row.values}
        return {"code": row.key, **v} if row.action == "create" else v

    return _write(plan, Opd, values, note, actor)


def opd_sheets(wb) -> None:
    ws = wb.create_sheet("Jenis OPD")
    xlsx_writer.append_row(ws, ["Jenis", "Keterangan"])
    for code, label in OPD_KIND_LABELS.items():
        xlsx_writer.append_row(ws, [code, label])


# --- kecamatan and desa ----------------------------------------------------------------------

def plan_areas(plan, rows) -> None:
    districts = {d.code: d for d in db.session.scalars(select(District))}
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    in_file = {r.key for r in rows if DISTRICT_CODE.match(r.key)}
    for row in rows:
        v = row.values
        level = ("kecamatan" if DISTRICT_CODE.match(row.key)
                 else "village" if VILLAGE_CODE.match(row.key) else None)
        if level is None:
            plan.error(row, "Kode", "Kode wilayah tidak sesuai format Kemendagri: kecamatan "
                                    "99.99.99, desa/kelurahan 99.99.99.9999.")
            continue
        given = v.get("kind", "")
        kind = AREA_KINDS.get(given.lower()) if given else None
        if given and kind is None:
            plan.error(row, "Jenis", "Jenis harus kecamatan, desa atau kelurahan.")
            continue
        if level == "kecamatan":
            if kind not in (None, "kecamatan"):
                plan.error(row, "Jenis", "Kode 3 segmen adalah kecamatan, bukan desa/kelurahan.")
                continue
            v.pop("kind", None)
            if row.key in districts:
                _changes(row, districts[row.key], {"name": "nama"})
            else:
                row.action = "create"
            continue
        if kind == "kecamatan":
            plan.error(row, "Jenis", "Kode 4 segmen adalah desa/kelurahan, bukan kecamatan.")
            continue
        # Kemendagri: the desa number starts with 2, the kelurahan number with 1.
        v["kind"] = kind or ("kelurahan" if row.key.rsplit(".", 1)[1].startswith("1")
                             else "desa")
        parent = row.key.rsplit(".", 1)[0]
        if parent not in districts and parent not in in_file:
            plan.error(row, "Kode", f"Kecamatan {parent} belum ada; tambahkan barisnya ke "
                                    "berkas ini.")
            continue
        if row.key in villages:
            _changes(row, villages[row.key], {"name": "nama", "kind": "jenis"})
        else:
            row.action = "create"


def apply_areas(plan, note, actor) -> SetupResult:
    kecamatan = [r for r in plan.rows if DISTRICT_CODE.match(r.key)]
    desa = [r for r in plan.rows if not DISTRICT_CODE.match(r.key)]

    def district_values(row):
        return {"code": row.key, "name": row.values["name"]} if row.action == "create" \
            else {"name": row.values["name"]}

    first = _write(_Only(kecamatan), District, district_values, note, actor)
    district_id = dict(db.session.execute(select(District.code, District.id)).all())

    def village_values(row):
        v = {"name": row.values["name"], "kind": row.values["kind"]}
        if row.action == "create":
            v.update(code=row.key, district_id=district_id[row.key.rsplit(".", 1)[0]])
        return v

    second = _write(_Only(desa), Village, village_values, note, actor)
    return SetupResult(first.created + second.created, first.updated + second.updated)


class _Only:
    """A plan narrowed to some of its rows."""

    def __init__(self, rows):
        self.rows = rows


# --- users -----------------------------------------------------------------------------------

USER_FIELDS = {"full_name": "nama", "role": "peran", "opd_id": "OPD", "email": "surel",
               "nip": "NIP", "village_id": "desa"}


def plan_users(plan, rows) -> None:
    opds = {o.code: o for o in db.session.scalars(select(Opd))}
    villages = dict(db.session.execute(select(Village.code, Village.id)).all())
    users = {u.username: u for u in db.session.scalars(select(User))}
    for row in rows:
        v = row.values
        if not USERNAME.match(row.key) or len(row.key) < 3:
            plan.error(row, "Nama Pengguna", "Nama pengguna minimal 3 karakter: huruf, angka, "
                                             "titik, garis bawah, tanda hubung.")
        role = ROLE_NAMES.get(" ".join(v["role"].lower().split()))
        if role is None:
            plan.error(row, "Peran", f"Peran '{v['role'][:30]}' tidak dikenal. Gunakan "
                                     f"{ROLE_HELP}.")
        existing = users.get(row.key)
        code = v.pop("opd_code", "")
        if "opd_code" not in plan.present and existing is not None and existing.opd is not None:
            code = existing.opd.code  # a column left out leaves the field as it is
        opd = None
        if role == "opd":
            opd = opds.get(code)
            if not code:
                plan.error(row, "Kode OPD", "Wajib diisi untuk peran opd.")
            elif opd is None:
                plan.error(row, "Kode OPD", f"OPD dengan kode {code[:40]} tidak ditemukan; "
                                            "impor berkas OPD lebih dahulu.")
        elif code:
            plan.warnings.append(_issue(row, "Kode OPD", "Diabaikan: hanya peran opd yang "
                                                         "terhubung ke satu OPD."))
        village_id = _village_of(plan, row, role, existing, villages)
        if v.get("email") and not EMAIL.match(v["email"]):
            plan.error(row, "Surel", "Alamat surel tidak valid.")
        if v.get("nip") and not NIP.match(v["nip"]):
            plan.error(row, "NIP", "NIP terdiri atas 18 angka.")
        if opd is not None and not opd.is_active and (existing is None
                                                      or existing.opd_id != opd.id):
            plan.error(row, "Kode OPD", f"OPD {opd.code} nonaktif; tidak dapat menerima "
                                        "pengguna baru.")
        actor = plan.actor
        if existing is not None and actor is not None and existing.id == actor.id \
                and role not in (None, "admin"):
            plan.error(row, "Peran", "Anda tidak dapat mencabut peran admin akun sendiri.")
        if row.action == "error":
            continue
        v["full_name"] = v.pop("name")
        v["role"], v["opd_id"] = role, opd.id if opd else None
        v["village_id"] = village_id
        if existing is not None:
            _changes(row, existing, USER_FIELDS)
        else:
            row.action = "create"


def _village_of(plan, row, role, existing, villages) -> int | None:
    """Issue 28: a desa operator's desa, by Kemendagri code (other roles have none)."""
    code = row.values.pop("village_code", "")
    if "village_code" not in plan.present and existing is not None and existing.village_id:
        return existing.village_id if role == "desa" else None
    if role != "desa":
        if code:
            plan.warnings.append(_issue(row, "Kode Desa", "Diabaikan: hanya peran desa yang "
                                                          "terhubung ke satu desa."))
        return None
    if not code:
        plan.error(row, "Kode Desa", "Wajib diisi untuk peran desa.")
    elif code not in villages:
        plan.error(row, "Kode Desa", f"Desa dengan kode {code[:20]} tidak ditemukan; impor "
                                     "berkas wilayah lebih dahulu.")
    return villages.get(code)


def _issue(row, column, message):
    from app.budget.services.sipd_import import Issue

    return Issue(row.row, column, message)


def temporary_password(username: str) -> str:
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
        password = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        try:
            passwords.check(password, username)
        except ServiceError:
            continue
        return password


def apply_users(plan, note, actor) -> SetupResult:
    issued = []

    def values(row):
        v = {k: row.values[k] for k in USER_FIELDS if k in row.values}
        if row.action == "create":
            password = temporary_password(row.key)
            issued.append((row.key, v["full_name"], password))
            v.update(username=row.key, password_hash=hash_password(password),
                     must_change_password=True)
        return v

    result = _write(plan, User, values, note, actor, opd_of=lambda u: u.opd_id)
    result.passwords = issued
    return result


def user_sheets(wb) -> None:
    ws = wb.create_sheet("Kode OPD")
    xlsx_writer.append_row(ws, ["Kode OPD", "Nama OPD", "Aktif"])
    for opd in db.session.scalars(select(Opd).order_by(Opd.code)):
        xlsx_writer.append_row(ws, [opd.code, opd.name, "ya" if opd.is_active else "tidak"])
    roles = wb.create_sheet("Peran")
    xlsx_writer.append_row(roles, ["Peran", "Keterangan"])
    for code, label in (("opd", ROLE_LABELS["opd"]), ("sekretariat", ROLE_LABELS["secretariat"]),
                        ("pimpinan", ROLE_LABELS["viewer"]), ("admin", ROLE_LABELS["admin"]),
                        ("desa", ROLE_LABELS["desa"])):
        xlsx_writer.append_row(roles, [code, label])


KINDS = {
    "opds": Kind("opds", "OPD", (
        Column("code", "Kode", ("kode_opd", "kode_skpd", "kode_perangkat_daerah"),
               "Kode OPD, mis. 1.06.0.00.0.00.08.0000", required=True, limit=40),
        Column("name", "Nama", ("nama_opd", "nama_skpd", "nama_perangkat_daerah"),
               "Nama lengkap OPD", required=True, limit=200),
        Column("short_name", "Singkatan", ("nama_singkat",), "mis. Dinsos", limit=40),
        Column("head_name", "Kepala", ("nama_kepala", "kepala_opd"), "Nama kepala OPD",
               limit=120),
        Column("head_nip", "NIP Kepala", ("nip", "nip_kepala_opd"),
               "18 angka, ditulis sebagai teks", limit=30),
        Column("kind", "Jenis", ("jenis_opd",), "dinas, badan, kecamatan, sekretariat, "
               "inspektorat atau lainnya; kosong: dibaca dari nama", limit=20),
    ), "code", plan_opds, apply_opds, opd_sheets),
    "areas": Kind("areas", "Wilayah", (
        Column("code", "Kode", ("kode_wilayah", "kode_kemendagri", "kode_desa",
                                "kode_kecamatan"),
               "Kode Kemendagri: kecamatan 36.02.01, desa 36.02.01.2001", required=True,
               limit=20),
        Column("name", "Nama", ("nama_wilayah", "nama_desa", "nama_kecamatan"),
               "Nama kecamatan, desa atau kelurahan", required=True, limit=120),
        Column("kind", "Jenis", ("jenis_wilayah", "tingkat"),
               "kecamatan, desa atau kelurahan; boleh kosong (dibaca dari kode)", limit=20),
    ), "code", plan_areas, apply_areas),
    "users": Kind("users", "Pengguna", (
        Column("username", "Nama Pengguna", ("username", "user", "nama_akun"),
               "Huruf kecil, angka, titik, garis bawah, tanda hubung", required=True, limit=60),
        Column("name", "Nama Lengkap", ("nama", "full_name"), "Nama lengkap", required=True,
               limit=120),
        Column("role", "Peran", ("role",), "opd, sekretariat, pimpinan, admin atau desa",
               required=True, limit=30),
        Column("opd_code", "Kode OPD", ("opd", "kode_skpd"),
               "Wajib untuk peran opd; lihat lembar Kode OPD", limit=40),
        Column("email", "Surel", ("email", "e_mail", "alamat_surel"), "Boleh kosong",
               limit=120),
        Column("nip", "NIP", ("nip_pegawai",), "18 angka, ditulis sebagai teks; boleh kosong",
               limit=30),
        Column("village_code", "Kode Desa", ("desa", "kode_desa_operator"),
               "Wajib untuk peran desa (operator verval satu desa): kode Kemendagri", limit=20),
    ), "username", plan_users, apply_users, user_sheets, key_lower=True),
}

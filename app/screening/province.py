"""The province's consensus: how its kabupaten tag each sub kegiatan code, as a signed file.

Province side (`derive`, `publish`): counted in SQL from the action-plan matrix rows of the
current bundles of one fiscal year (FederationMatrixRow): per code, how many kabupaten tagged it
at all, and how many under each strategy and each kelompok. Only counts leave the province,
never which kabupaten; the names are the nomenclature's. Signed with the province's federation
key (app/federation/bundle.py), so a kabupaten can tell it was not altered.

Kabupaten side (`import_reference`), in order: the file is JSON of at most MAX_BYTES; its
signature verifies under the province key given (or configured as SCREENING_PROVINCE_KEY); its
payload has the documented shape with sane counts. Anything refused writes nothing. An accepted
file becomes the current reference; older ones stay, not current.
"""
import json
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import distinct, func, select, update

from app.core import audit
from app.core.errors import ServiceError
from app.federation import bundle
from models import (
    FederationBundle,
    FederationMatrixRow,
    ProvinceReference,
    ProvinceReferenceRow,
    db,
)

KIND = "tagar-province-reference"
SCHEMA_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_CODES = 50_000
KINDS = ("langsung", "tidak_langsung", "penunjang")


def derive(year: int) -> dict:
    """The payload: {kind, schema_version, fiscal_year, province, members, created_at, codes}."""
    current = (select(FederationBundle.id, FederationBundle.member_id)
               .where(FederationBundle.fiscal_year == year, FederationBundle.is_current)
               .subquery())
    members = db.session.scalar(select(func.count(distinct(current.c.member_id)))) or 0
    base = (select(FederationMatrixRow.sub_activity_code.label("code"),
                   current.c.member_id, FederationMatrixRow.strategy_code,
                   FederationMatrixRow.tag_kind, FederationMatrixRow.sub_activity_name)
            .join(current, current.c.id == FederationMatrixRow.bundle_id)).subquery()
    codes: dict[str, dict] = {}

    def entry(code):
        return codes.setdefault(code, {"code": code, "name": "", "kabupaten": 0,
                                       "strategy": {}, "kind": {}})

    for code, n, name in db.session.execute(
            select(base.c.code, func.count(distinct(base.c.member_id)),
                   func.min(base.c.sub_activity_name)).group_by(base.c.code)):
        e = entry(code)
        e["kabupaten"], e["name"] = n, name or ""
    for code, strategy, n in db.session.execute(
            select(base.c.code, base.c.strategy_code, func.count(distinct(base.c.member_id)))
            .group_by(base.c.code, base.c.strategy_code)):
        entry(code)["strategy"][str(strategy)] = n
    for code, kind, n in db.session.execute(
            select(base.c.code, base.c.tag_kind, func.count(distinct(base.c.member_id)))
            .group_by(base.c.code, base.c.tag_kind)):
        entry(code)["kind"][kind] = n
    province = (current_app.config.get("FEDERATION_NAME") or "").strip() or "Provinsi"
    return {"kind": KIND, "schema_version": SCHEMA_VERSION, "fiscal_year": year,
            "province": province, "members": members,
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "codes": [codes[c] for c in sorted(codes)]}


def publish(year: int) -> bytes:
    """The signed file (the federation envelope: payload under "bundle", then "signature")."""
    return bundle.encode(bundle.sign(derive(year), bundle.load_private_key()))


def _refuse(message: str):
    raise ServiceError(f"Referensi provinsi ditolak: {message}")


def _count(value, ceiling: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= ceiling:
        _refuse("jumlah kabupaten tidak sah.")
    return value


def _check(payload) -> dict:
    if not isinstance(payload, dict) or payload.get("kind") != KIND \
            or payload.get("schema_version") != SCHEMA_VERSION:
        _refuse("bukan berkas referensi provinsi Tagar (versi 1).")
    members = _count(payload.get("members"), 10_000)
    year = payload.get("fiscal_year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        _refuse("tahun anggaran tidak sah.")
    codes = payload.get("codes")
    if not isinstance(codes, list) or len(codes) > MAX_CODES:
        _refuse("daftar kode tidak sah.")
    for c in codes:
        if not isinstance(c, dict) or not isinstance(c.get("code"), str) \
                or not 0 < len(c["code"]) <= 40 or "\x00" in c["code"] \
                or not isinstance(c.get("name", ""), str) or "\x00" in c.get("name", "") \
                or not isinstance(c.get("strategy"), dict) or not isinstance(c.get("kind"), dict):
            _refuse("baris kode tidak sah.")
        _count(c.get("kabupaten"), members)
        for key, n in c["strategy"].items():
            if key not in ("1", "2", "3"):
                _refuse("strategi tidak sah.")
            _count(n, members)
        for key, n in c["kind"].items():
            if key not in KINDS:
                _refuse("kelompok tidak sah.")
            _count(n, members)
    try:
        datetime.fromisoformat(str(payload.get("created_at")))
    except ValueError:
        _refuse("waktu pembuatan tidak sah.")
    return payload


def import_reference(data: bytes, public_key: str | None, user_id: int | None = None
                     ) -> ProvinceReference:
    if len(data) > MAX_BYTES:
        _refuse("berkas terlalu besar.")
    key = public_key or current_app.config.get("SCREENING_PROVINCE_KEY") or ""
    try:
        key = bundle.parse_public_key(key)
    except bundle.KeyProblem as exc:
        _refuse(f"kunci publik provinsi: {exc}")
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        _refuse("bukan JSON yang sah.")
    if not isinstance(envelope, dict) or not bundle.verify(envelope, key):
        _refuse("tanda tangan tidak cocok dengan kunci publik provinsi.")
    payload = _check(envelope["bundle"])
    created = datetime.fromisoformat(payload["created_at"])
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    db.session.execute(update(ProvinceReference).values(is_current=False))
    ref = ProvinceReference(
        province_name=str(payload.get("province") or "Provinsi")[:200],
        fiscal_year=payload["fiscal_year"], members=payload["members"], public_key=key,
        sha256=bundle.sha256(data), created_at=created, imported_by_id=user_id,
        is_current=True)
    db.session.add(ref)
    db.session.flush()
    rows = []
    for c in payload["codes"]:
        base = {"reference_id": ref.id, "code": c["code"], "name": c.get("name", "")[:400]}
        rows.append({**base, "dimension": "any", "value": "", "kabupaten": c["kabupaten"]})
        rows += [{**base, "dimension": "strategy", "value": k, "kabupaten": n}
                 for k, n in sorted(c["strategy"].items())]
        rows += [{**base, "dimension": "kind", "value": k, "kabupaten": n}
                 for k, n in sorted(c["kind"].items())]
    if rows:
        db.session.execute(ProvinceReferenceRow.__table__.insert(), rows)
    audit.record("import", "province_reference", ref.id,
                 new={"province": ref.province_name, "fiscal_year": ref.fiscal_year,
                      "members": ref.members, "codes": len(payload["codes"]),
                      "sha256": ref.sha256})
    return ref

"""Province side: the registry of kabupaten/kota and the one way a bundle is accepted.

`accept()` checks, in this order, and refuses with a clear reason (BundleRefused carries the
HTTP status): the body is a JSON envelope; the kabupaten is registered and active (and, over the
API, is the one the token belongs to); the Ed25519 signature over the canonical bundle verifies
against the *registered* key; the schema version is supported and not older than the one this
kabupaten already sent for the period; the document matches the schema; the period is
consistent; the sequence is higher than every accepted one for the kabupaten, year and period
(a replay, or an older bundle sent late, is refused). Then the bundle is stored (every one is
kept) and becomes the current one of its period, and its rows are copied into the tables the
province rollup aggregates (reports/province/queries.py). Nothing is written when anything is
refused.
"""
import hashlib
import json
import re
import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, update

from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from app.core.input_guards import NUL_MESSAGE, json_depth
from models import (
    FederationBundle,
    FederationLokus,
    FederationMatrixRow,
    FederationMember,
    FederationRow,
    db,
)

from . import bundle, schema
from .content import SCHEMA_VERSION, end_quarter

MIN_SCHEMA_VERSION = 1
TOKEN_PREFIX = "tgk_"


class BundleRefused(ServiceError):
    def __init__(self, message: str, status: int = 422, details: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.details = details or []
        # For the record of refusals (refusals.py): whose bundle it was, as far as known.
        self.member_id: int | None = None
        self.claimed_code = ""


# --- the registry ----------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register(code: str, name: str, public_key: str, *, user=None) -> tuple[FederationMember, str]:
    """Register a kabupaten/kota; returns it and its push token (shown once, kept hashed)."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 20:
        raise ServiceError("Kode kabupaten/kota wajib diisi (paling panjang 20).", field="code")
    if not name or len(name) > 120:
        raise ServiceError("Nama kabupaten/kota wajib diisi (paling panjang 120).", field="name")
    try:
        key = bundle.parse_public_key(public_key)
    except bundle.KeyProblem as exc:
        raise ServiceError(str(exc), field="public_key") from None
    if db.session.scalar(select(FederationMember.id).where(FederationMember.code == code)):
        raise ServiceError(f"Kabupaten/kota dengan kode {code} sudah terdaftar.", field="code")
    member = FederationMember(code=code, name=name, public_key=key)
    db.session.add(member)
    token = _new_token(member)
    db.session.flush()
    audit.record("create", "federation_member", member.id, user=user, new={  # never the hash
        "code": code, "name": name, "public_key": key, "token_prefix": member.token_prefix})
    return member, token


def _new_token(member: FederationMember) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    member.token_hash, member.token_prefix = _hash(token), token[:12]
    return token


def rotate_token(member: FederationMember, *, user=None) -> str:
    token = _new_token(member)
    audit.record("rotate_token", "federation_member", member.id, user=user,
                 new={"token_prefix": member.token_prefix})
    return token


def set_active(member: FederationMember, active: bool, *, user=None) -> None:
    if member.active != active:
        audit.record("update", "federation_member", member.id, user=user,
                     old={"active": member.active}, new={"active": active})
        member.active = active


def member_for_token(header: str | None) -> FederationMember | None:
    scheme, _, secret = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return db.session.scalar(select(FederationMember).where(
        FederationMember.token_hash == _hash(secret.strip())))


# --- accepting a bundle ----------------------------------------------------------------------

def parse(raw: bytes, *, max_bytes: int, max_depth: int) -> dict:
    """The envelope from bytes: bounded in size and depth before parsing, NUL bytes and lone
    surrogates refused (PostgreSQL stores neither), NaN/Infinity refused."""
    if len(raw) > max_bytes:
        raise BundleRefused(f"Bundel terlalu besar (paling banyak {max_bytes // 1024} KB).", 413)
    if json_depth(raw, max_depth) > max_depth:
        raise BundleRefused(f"Isi JSON terlalu dalam (paling banyak {max_depth} tingkat).", 400)
    try:
        document = json.loads(raw, parse_constant=_no_constant)
    except ValueError:  # also invalid UTF-8
        raise BundleRefused("Berkas bukan JSON yang sah.", 400) from None
    if _bad_text(document):
        raise BundleRefused(NUL_MESSAGE, 400)
    if not isinstance(document, dict) or not isinstance(document.get("bundle"), dict) \
            or not isinstance(document.get("signature"), dict):
        raise BundleRefused("Bukan bundel Tagar: harus berisi 'bundle' dan 'signature'.")
    return document


def _no_constant(name):
    raise ValueError(name)


_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


def _bad_text(document) -> bool:
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _BAD_CHAR.search(item):
            return True
    return False


def accept(raw: bytes, *, source: str, member: FederationMember | None = None,
           user=None, max_bytes: int = 8 * 1024 * 1024, max_depth: int = 20
           ) -> FederationBundle:
    """The checks above, then the stored bundle; BundleRefused names the kabupaten the bundle
    came from or claimed, as far as it was read, so the refusal can be put on record."""
    seen = {"member": member, "code": ""}
    try:
        return _accept(raw, seen, source=source, user=user, max_bytes=max_bytes,
                       max_depth=max_depth)
    except BundleRefused as exc:
        exc.member_id = seen["member"].id if seen["member"] is not None else None
        exc.claimed_code = seen["code"][:20]
        raise


def _accept(raw, seen, *, source, user, max_bytes, max_depth) -> FederationBundle:
    member = seen["member"]
    document = parse(raw, max_bytes=max_bytes, max_depth=max_depth)
    payload = document["bundle"]
    kab = payload.get("kabupaten") if isinstance(payload.get("kabupaten"), dict) else {}
    code = kab.get("code") if isinstance(kab.get("code"), str) else ""
    seen["code"] = code
    if member is None:
        member = db.session.scalar(select(FederationMember).where(
            FederationMember.code == code))
        seen["member"] = member
        if member is None:
            raise BundleRefused(f"Kabupaten/kota dengan kode '{code[:20]}' belum terdaftar di "
                                "provinsi ini.", 403)
    elif code != member.code:
        raise BundleRefused(f"Bundel atas nama kode '{code[:20]}', tetapi token milik "
                            f"{member.name} ({member.code}).", 403)
    if not member.active:
        raise BundleRefused(f"{member.name} tidak aktif di provinsi ini.", 403)
    if not bundle.verify(document, member.public_key):
        raise BundleRefused("Tanda tangan tidak sah: bundel diubah setelah ditandatangani "
                            f"atau tidak ditandatangani dengan kunci {member.name} yang "
                            "terdaftar.")
    version = payload.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if version < MIN_SCHEMA_VERSION:
            raise BundleRefused(f"Versi skema {version} sudah tidak diterima (paling rendah "
                                f"{MIN_SCHEMA_VERSION}).", 409)
        if version > SCHEMA_VERSION:
            raise BundleRefused(f"Versi skema {version} belum dikenal provinsi ini (paling "
                                f"tinggi {SCHEMA_VERSION}).")
    problems = schema.errors(document)
    if problems:
        raise BundleRefused("Bundel tidak sesuai skema: " + "; ".join(problems[:3]),
                            details=problems)
    period = payload["period"]
    kind, number = period["kind"], period["number"]
    try:
        quarter = end_quarter(kind, number)
    except ServiceError:
        raise BundleRefused("Periode harus triwulan 1-4 atau semester 1-2.") from None
    if period["quarter"] != quarter:
        raise BundleRefused("Triwulan akhir tidak sesuai dengan periodenya.")
    _check_coverage(payload.get("coverage") or [])
    _check_replay(member, payload, kind, number)
    return _store(member, document, raw, kind, number, quarter, source, user)


def _check_coverage(rows: list[dict]) -> None:
    """Each desa's households are split by the number of strategies reaching them (0..3), and
    every row comes from the same BNBA snapshot."""
    for r in rows:
        if sum(r["by_strategies"]) != r["households"]:
            raise BundleRefused(f"Cakupan desa {r['village_code']}: jumlah rumah tangga menurut "
                                "banyaknya strategi tidak sama dengan jumlah rumah tangga.")
    if len({r["snapshot_date"] for r in rows}) > 1:
        raise BundleRefused("Cakupan berasal dari lebih dari satu data BNBA (tanggal berbeda).")


def _check_replay(member, payload, kind, number) -> None:
    same = (FederationBundle.member_id == member.id,
            FederationBundle.fiscal_year == payload["fiscal_year"],
            FederationBundle.period_kind == kind, FederationBundle.period_number == number)
    last_seq, last_version = db.session.execute(select(
        func.max(FederationBundle.sequence), func.max(FederationBundle.schema_version))
        .where(*same)).one()
    if last_version is not None and payload["schema_version"] < last_version:
        raise BundleRefused(f"Versi skema {payload['schema_version']} lebih lama dari versi "
                            f"{last_version} yang sudah diterima untuk periode ini.", 409)
    if last_seq is not None and payload["sequence"] <= last_seq:
        raise BundleRefused(f"Bundel ini (urutan {payload['sequence']}) sudah diterima atau "
                            f"lebih lama dari yang sudah diterima (urutan {last_seq}): kiriman "
                            "ulang ditolak.", 409)


def _created_at(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        raise BundleRefused("Waktu pembuatan bundel tidak sah.") from None


def _store(member, document, raw, kind, number, quarter, source, user) -> FederationBundle:
    payload = document["bundle"]
    total = payload["total"]
    db.session.execute(update(FederationBundle).where(
        FederationBundle.member_id == member.id,
        FederationBundle.fiscal_year == payload["fiscal_year"],
        FederationBundle.period_kind == kind, FederationBundle.period_number == number,
        FederationBundle.is_current).values(is_current=False))
    stored = bundle.encode(document).decode("utf-8")
    row = FederationBundle(
        member_id=member.id, fiscal_year=payload["fiscal_year"], period_kind=kind,
        period_number=number, quarter=quarter, sequence=payload["sequence"],
        schema_version=payload["schema_version"], created_at=_created_at(payload["created_at"]),
        received_at=now(), source=source, received_by_id=getattr(user, "id", None),
        sha256=hashlib.sha256(raw).hexdigest(), size=len(raw), is_current=True,
        tagged=Decimal(total["tagged"]), realized=Decimal(total["realized"]), has_pdf=False,
        report_sha256=(payload.get("report") or {}).get("sha256", ""),
        report_name=(payload.get("report") or {}).get("filename", ""), document=stored,
        letterhead_name=(payload["kabupaten"].get("letterhead") or "")[:120])
    db.session.add(row)
    db.session.flush()
    _copy_rows(row.id, payload)
    audit.record("receive", "federation_bundle", row.id, user=user, new={
        "kabupaten": member.code, "fiscal_year": row.fiscal_year, "period": f"{kind} {number}",
        "sequence": row.sequence, "source": source, "sha256": row.sha256})
    return row


def _money(r: dict) -> dict:
    return {"tagged": Decimal(r["tagged"]), "realized": Decimal(r["realized"])}


def _figures(r: dict) -> dict:
    physical = r["physical"]
    return {"tags": r["tags"], **_money(r), "target": r["target"], "reached": r["reached"],
            "physical": None if physical is None else Decimal(physical)}


def _copy_rows(bundle_id: int, payload: dict) -> None:
    rows = [{"bundle_id": bundle_id, "dimension": "total", "key": "", "label": "Jumlah",
             **_figures(payload["total"])}]
    for dimension, items in payload["rollups"].items():
        rows += [{"bundle_id": bundle_id, "dimension": dimension, "key": r["code"],
                  "label": r["label"], **_figures(r)} for r in items]
    rows += [{"bundle_id": bundle_id, "dimension": "theme", "key": r["code"],
              "label": r["label"], **_figures(r)} for r in payload.get("themes") or []]
    db.session.execute(insert(FederationRow), rows)
    if payload["lokus"]:
        db.session.execute(insert(FederationLokus), [
            {"bundle_id": bundle_id, **r, **_money(r)} for r in payload["lokus"]])
    if payload["matrix"]:
        db.session.execute(insert(FederationMatrixRow), [
            {"bundle_id": bundle_id, "position": i, "strategy_code": r["strategy"],
             **{k: v for k, v in r.items() if k != "strategy"}, **_money(r)}
            for i, r in enumerate(payload["matrix"], 1)])


def _plain(name: str) -> str:
    return " ".join((name or "").lower().split())


def warnings(row: FederationBundle) -> list[str]:
    """What the province accepted but flags (both sides see it: the province on the
    kabupaten's page, the kabupaten in the push answer)."""
    out = []
    letterhead, registered = row.letterhead_name, row.member.name
    if letterhead and _plain(letterhead) != _plain(registered):
        out.append(f"Kop surat kabupaten/kota menyebut \"{letterhead}\", sedangkan provinsi "
                   f"mendaftarkannya sebagai \"{registered}\"; laporan PDF-nya akan memakai "
                   "nama kop surat. Samakan nama di Pengaturan atau di registri provinsi.")
    return out


def already_received(raw: bytes) -> FederationBundle | None:
    """The accepted bundle with exactly these bytes (the same file brought again, e.g. with
    its PDF this time), or None."""
    return db.session.scalar(select(FederationBundle).where(
        FederationBundle.sha256 == hashlib.sha256(raw).hexdigest()).limit(1))


def attach_report(row: FederationBundle, data: bytes, *, user=None) -> None:
    """The report PDF of an accepted bundle: only the file whose hash the bundle signed."""
    if not row.report_sha256:
        raise BundleRefused("Bundel ini tidak menyebut laporan PDF.", 409)
    if hashlib.sha256(data).hexdigest() != row.report_sha256:
        raise BundleRefused("Berkas PDF tidak sama dengan yang ditandatangani dalam bundel "
                            "(SHA-256 berbeda).")
    if not data.startswith(b"%PDF-"):
        raise BundleRefused("Berkas bukan PDF.")
    if row.has_pdf:
        return  # the same bytes again: nothing to do
    row.report_pdf, row.has_pdf = data, True
    audit.record("attach_report", "federation_bundle", row.id, user=user,
                 new={"sha256": row.report_sha256, "size": len(data)})


__all__ = ["BundleRefused", "accept", "already_received", "attach_report", "member_for_token",
           "parse", "register", "rotate_token", "set_active", "warnings"]

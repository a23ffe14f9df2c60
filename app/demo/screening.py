"""Issue 26 in the demo: untagged sub kegiatan for the screening page to rank, one rejected
suggestion, and a province reference (signed by a throwaway demo key) so that the reasons show
every kind of evidence. The lines come from the shipped nomenclature reference, each under the
demo OPD of its urusan; the model is trained at the end (unless one is kept already) so the
first page view is quick."""
import random
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.federation import bundle
from app.screening import decisions, province, reference, store
from models import SubActivity, db

PER_OPD = 6  # untagged lines per OPD: about half of them look relevant


def seed(fy, opds: dict, rng: random.Random) -> int:
    by_urusan = {}
    for code, opd in opds.items():
        by_urusan.setdefault(code[:4], opd)
    used = set(db.session.scalars(select(SubActivity.code).where(
        SubActivity.fiscal_year_id == fy.id)))
    picked: dict[int, list[dict]] = {}
    rows = [r for r in reference.load() if r["code"] and r["code"][:4] in by_urusan
            and r["code"] not in used and r["source"].startswith("kepmendagri")]
    for relevant in (True, False):
        pool = [r for r in rows if r["relevant"] == relevant]
        rng.shuffle(pool)
        for r in pool:
            opd = by_urusan[r["code"][:4]]
            lines = picked.setdefault(opd.id, [])
            if sum(1 for x in lines if x["relevant"] == relevant) < PER_OPD // 2:
                lines.append(r)
    created = []
    for opd_id, lines in picked.items():
        for r in lines:
            sa = SubActivity(
                opd_id=opd_id, fiscal_year_id=fy.id, code=r["code"], name=r["name"],
                program_code=r["program_code"], program_name=r["program_name"],
                activity_code=r["activity_code"], activity_name=r["activity_name"],
                allocation_original=Decimal(rng.randint(8, 90) * 10_000_000))
            db.session.add(sa)
            created.append((sa, r))
    db.session.flush()
    relevant = [(sa, r) for sa, r in created if r["relevant"]]
    if relevant:
        sa, _r = relevant[-1]
        decisions.reject(sa, "Sasaran bukan rumah tangga desil 1 (contoh penolakan demo)", None)
    _province_reference(fy.year, [r for _sa, r in relevant[:12]], rng)
    if not store.available():  # a kept model serves; the background job retrains later
        store.train()
    return len(created)


def _province_reference(year: int, rows: list[dict], rng: random.Random) -> None:
    """A neighbouring province's consensus: 11 kabupaten, most agreeing with the reference."""
    members, codes = 11, []
    for r in rows:
        tagged = rng.randint(6, members)
        strategy = Counter({str(r["strategy"]): tagged - 1})
        other = str(r["strategy"] % 3 + 1)
        strategy[other] += 1
        codes.append({"code": r["code"], "name": r["name"], "kabupaten": tagged,
                      "strategy": dict(strategy), "kind": {r["kind"]: tagged}})
    payload = {"kind": province.KIND, "schema_version": province.SCHEMA_VERSION,
               "fiscal_year": year, "province": "Provinsi Nusantara Barat (demo)",
               "members": members,
               "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
               "codes": sorted(codes, key=lambda c: c["code"])}
    key = Ed25519PrivateKey.generate()  # demo only: a real reference is signed by the province
    province.import_reference(bundle.encode(bundle.sign(payload, key)), bundle.public_b64(key))

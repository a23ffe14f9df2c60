"""Synthetic Tagar data at three sizes, written to any DATABASE_URL.

S is one kabupaten (18 OPDs, 150 sub-activities, 300 tags, 345 desa, 4 quarters of
realization, every submission verified); M is ten of them, L a hundred. Rows go in with bulk
INSERTs and explicit ids: L (30,000 tags, 120,000 realizations) loads in seconds.

    python -m bench.generate --size S --database-url sqlite:////tmp/tagar-s.db

`--seed` changes every figure (two kabupaten generated with different seeds differ);
`--name "Kabupaten Uji A"` writes the letterhead (Pengaturan) under that name; `--password P`
also creates the users `admin` (role admin) and `sekretariat` (role secretariat) with password P
(the password rules apply: at least 10 characters, not a common one), ready to log in.
"""
import argparse
import os
import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from app.core.errors import ServiceError
from models import (
    District,
    FundingSource,
    Opd,
    Quarter,
    Realization,
    RealizationVillage,
    Strategy,
    SubActivity,
    Submission,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
)

SIZES = {"S": 1, "M": 10, "L": 100}
OPDS_PER_KAB = 18
DISTRICTS_PER_KAB = 23
VILLAGES_PER_DISTRICT = 15  # 345 desa
CURVE = (Decimal("0.15"), Decimal("0.42"), Decimal("0.68"), Decimal("0.95"))
CENT = Decimal("0.01")


class _Ids:
    """Explicit primary keys so child rows can be written in the same bulk pass."""

    def __init__(self):
        self.next = {}

    def start(self, model):
        if model not in self.next:
            self.next[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def take(self, model) -> int:
        self.start(model)
        value = self.next[model]
        self.next[model] += 1
        return value


def generate(scale: int, *, year: int = 2026, seed: int = 1, batch: int = 5000) -> dict:
    from app.reference.service import (
        create_fiscal_year,
        current_fiscal_year,
        ensure_reference_data,
    )

    rng = random.Random(seed)
    ensure_reference_data()
    fy = current_fiscal_year()
    if fy is None or fy.year != year:
        fy = create_fiscal_year(year, deadline_days=15)
        fy.is_current = True
    db.session.flush()
    quarters = sorted(db.session.scalars(select(Quarter).where(
        Quarter.fiscal_year_id == fy.id)), key=lambda q: q.number)
    strategies = list(db.session.scalars(select(Strategy.id).order_by(Strategy.code)))
    kinds = list(db.session.scalars(select(TagKind.id).order_by(TagKind.sort_order)))
    funds = list(db.session.scalars(select(FundingSource.id)))
    ids = _Ids()
    rows: dict = {m: [] for m in (Opd, District, Village, VillageYear, SubActivity, Tag,
                                  TagVillage, Realization, RealizationVillage, Submission)}

    def flush(force=False):
        for model, pending in rows.items():
            if pending and (force or len(pending) >= batch):
                db.session.execute(insert(model), pending)
                pending.clear()

    base = (db.session.scalar(select(func.count(Opd.id))) or 0) // OPDS_PER_KAB
    for k in range(base, base + scale):
        prov, reg = 10 + k // 99, k % 99 + 1
        kab_villages = []
        for d in range(1, DISTRICTS_PER_KAB + 1):
            did = ids.take(District)
            rows[District].append({"id": did, "code": f"{prov}.{reg:02d}.{d:02d}",
                                   "name": f"Kecamatan {k}-{d}"})
            for v in range(1, VILLAGES_PER_DISTRICT + 1):
                vid = ids.take(Village)
                priority = rng.random() < 0.33
                rows[Village].append({"id": vid, "district_id": did, "kind": "desa",
                                      "code": f"{prov}.{reg:02d}.{d:02d}.{2000 + v}",
                                      "name": f"Desa {k}-{d}-{v}"})
                rows[VillageYear].append({
                    "id": ids.take(VillageYear), "village_id": vid, "fiscal_year_id": fy.id,
                    "is_priority": priority, "source": "manual", "decree": "",
                    "desil1_households": rng.randint(20, 400) if priority else rng.randint(0, 30),
                    "updated_at": datetime(year, 1, 15)})
                if priority:
                    kab_villages.append(vid)
        flush(force=True)  # villages before the rows that refer to them
        for o in range(1, OPDS_PER_KAB + 1):
            oid = ids.take(Opd)
            rows[Opd].append({"id": oid, "code": f"{prov}.{reg:02d}.0.00.0.00.{o:02d}.0000",
                              "name": f"Dinas {o} Kabupaten {k}", "short_name": f"D{o}-{k}",
                              "head_name": "", "head_nip": "", "is_active": True,
                              "created_at": datetime(year, 1, 2)})
            for q in quarters:
                deadline = datetime.combine(q.deadline, dtime(2))
                rows[Submission].append({
                    "id": ids.take(Submission), "opd_id": oid, "quarter_id": q.id,
                    "status": "verified", "is_late": False, "version": 1,
                    "submitted_at": deadline - timedelta(days=3),
                    "first_submitted_at": deadline - timedelta(days=3),
                    "verified_at": deadline, "created_at": deadline - timedelta(days=10)})
            for s in range(9 if o <= 6 else 8):
                allocation = Decimal(rng.randint(100, 5000)) * 1_000_000
                sid = ids.take(SubActivity)
                code = f"1.06.05.2.{o:02d}.{s + 1:04d}"
                rows[SubActivity].append({
                    "id": sid, "opd_id": oid, "fiscal_year_id": fy.id, "code": code,
                    "name": f"Sub kegiatan {o}.{s + 1}", "program_code": code[:7],
                    "program_name": "Program Perlindungan dan Jaminan Sosial",
                    "activity_code": code[:12], "activity_name": "Kegiatan penanganan",
                    "allocation_original": allocation, "allocation_revised": None,
                    "funding_source_id": rng.choice(funds), "output_indicator": "Jumlah KK",
                    "output_target": Decimal(rng.randint(50, 2000)), "output_unit": "KK",
                    "location": "", "version": 1, "created_at": datetime(year, 1, 10),
                    "updated_at": datetime(year, 1, 10)})
                for share in (Decimal("0.5"), Decimal("0.3")):
                    _tag(rows, ids, rng, sid, (allocation * share).quantize(CENT), quarters,
                         strategies, kinds, kab_villages, year)
            flush()
        flush(force=True)
    flush(force=True)
    db.session.flush()
    if db.engine.dialect.name == "postgresql":
        _advance_sequences()
    return {m.__tablename__: db.session.scalar(select(func.count(m.id))) for m in rows}


def _advance_sequences() -> None:
    """Explicit ids leave PostgreSQL's id sequences behind: move each past its table's largest
    id, or the app's next INSERT collides with a generated row."""
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table.name}\""))


def _tag(rows, ids, rng, sid, amount, quarters, strategies, kinds, villages, year):
    tid = ids.take(Tag)
    target = rng.randint(20, 1500)
    rows[Tag].append({
        "id": tid, "sub_activity_id": sid, "strategy_id": rng.choice(strategies),
        "tag_kind_id": rng.choices(kinds, weights=(5, 3, 2))[0], "amount": amount,
        "description": "Bantuan bagi rumah tangga miskin ekstrem", "aid_nature": "Bantuan Sosial",
        "aid_type": "Barang", "benefit_per_recipient": None, "duration": "12 bulan",
        "target_count": target, "target_unit": "KK", "version": 1,
        "created_at": datetime(year, 1, 10), "updated_at": datetime(year, 1, 10)})
    chosen = rng.sample(villages, min(len(villages), rng.randint(0, 4)))
    for vid in chosen:
        rows[TagVillage].append({"id": ids.take(TagVillage), "tag_id": tid, "village_id": vid,
                                 "amount": (amount / 2 / len(chosen)).quantize(CENT),
                                 "target_count": target // (2 * len(chosen))})
    pace = Decimal(rng.randint(70, 110)) / 100
    for q, share in zip(quarters, CURVE, strict=True):
        done = min(share * pace, Decimal(1))
        rid = ids.take(Realization)
        rows[Realization].append({
            "id": rid, "tag_id": tid, "quarter_id": q.id,
            "amount": (amount * done).quantize(CENT),
            "physical_progress": min(Decimal(100), done * 100 + 3).quantize(CENT),
            "reached_count": int(target * done), "problems": "", "follow_up": "",
            "anomalies": "", "explanation": "", "updated_by_id": None, "version": 1,
            "created_at": datetime(year, 1, 10), "updated_at": datetime(year, 1, 10)})
        for vid in chosen:
            rows[RealizationVillage].append({
                "id": ids.take(RealizationVillage), "realization_id": rid, "village_id": vid,
                "reached_count": int(target * done) // (2 * len(chosen))})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="S")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        required=not os.environ.get("DATABASE_URL"),
                        help="Default: DATABASE_URL.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
    parser.add_argument("--name", default="", help="The kabupaten's name on its letterhead.")
    parser.add_argument("--password", default="",
                        help="Create users admin and sekretariat with this password.")
    args = parser.parse_args(argv)
    from app import create_app
    from config import Config, resolve_database_url

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=resolve_database_url(args.database_url))
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = generate(SIZES[args.size], seed=args.seed)
        try:
            identity(args.name, args.password)
        except ServiceError as exc:
            db.session.rollback()
            raise SystemExit(exc.message) from None
        db.session.commit()
        print(f"size {args.size} seed {args.seed}: {counts} in "
              f"{time.perf_counter() - started:.1f} s")


def identity(name: str, password: str) -> None:
    """The letterhead under `name`, and two users to log in with `password` (either optional)."""
    from app.accounts.accounts import create_user
    from app.reference.service import settings

    if name:
        row = settings()
        row.region_name, row.name = name[:120], f"Pemerintah {name}"[:200]
        row.city = name.removeprefix("Kabupaten ").removeprefix("Kota ")[:120]
    if password:
        create_user("admin", password, "admin", full_name="Administrator")
        create_user("sekretariat", password, "secretariat", full_name="Sekretariat TKPK")


if __name__ == "__main__":
    main()

"""Build time and size of the Kemenko PMK report, for the demo and for a 1,000-tag kabupaten.

    .venv/bin/python -m bench.bench_report [--tags 1000]

Each dataset goes into its own temporary SQLite file; nothing else is touched.
"""
import argparse
import os
import random
import tempfile
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import select

CENT = Decimal("0.01")


def build_dataset(n_tags: int, year: int, seed: int = 7) -> int:
    """A synthetic kabupaten with `n_tags` tags (two per sub-activity), desa reached by them,
    realization to date in quarters I-III and every (OPD, quarter) verified. Flushes only;
    returns the fiscal year id."""
    from app.reference.service import create_fiscal_year, ensure_reference_data
    from models import (
        District,
        FundingSource,
        Opd,
        Realization,
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

    rng = random.Random(seed)
    ensure_reference_data()
    fy = create_fiscal_year(year, deadline_days=15)
    strategies = db.session.scalars(select(Strategy).order_by(Strategy.code)).all()
    kinds = db.session.scalars(select(TagKind).order_by(TagKind.sort_order)).all()
    funds = db.session.scalars(select(FundingSource)).all()
    tag_ = f"B{year}"
    opds = [Opd(code=f"8.{i:02d}.0.00.0.00.{year % 100:02d}.{i:04d}",
                name=f"Dinas Bench {tag_} {i} — Łódź Ñoño", short_name=f"DB{i}")
            for i in range(1, 19)]
    db.session.add_all(opds)
    villages = []
    for d in range(1, 11):
        district = District(code=f"97.{year}.{d:02d}", name=f"Kecamatan Bench {d}")
        db.session.add(district)
        for v in range(1, 11):
            village = Village(district=district, code=f"97.{year}.{d:02d}.{2000 + v}",
                              name=f"Desa {d}-{v}")
            villages.append(village)
            db.session.add(VillageYear(village=village, fiscal_year=fy,
                                       is_priority=v <= 3, desil1_households=rng.randint(0, 300)))
    db.session.flush()
    quarters = fy.quarters[:3]
    for i in range(n_tags // 2):
        opd = opds[i % len(opds)]
        sa = SubActivity(
            opd=opd, fiscal_year=fy, code=f"1.06.05.2.{i // 1000:02d}.{i % 1000:04d}",
            name=f"Sub kegiatan bench {i} penanganan fakir miskin dan rentan",
            program_code="1.06.05", program_name="Program Perlindungan dan Jaminan Sosial",
            activity_code="1.06.05.2.02", activity_name="Pengelolaan Data Fakir Miskin",
            allocation_original=Decimal(rng.randint(200, 4000) * 1_000_000),
            funding_source=funds[i % len(funds)], location="Kabupaten")
        db.session.add(sa)
        for j in range(2):
            amount = (sa.allocation_original * Decimal(rng.randint(20, 45)) / 100).quantize(CENT)
            tag = Tag(sub_activity=sa, strategy=strategies[(i + j) % 3],
                      tag_kind=kinds[(i * 2 + j) % 3], amount=amount,
                      description=f"Aktivitas bench {i}-{j}: bantuan bagi keluarga desil 1",
                      aid_nature="Bantuan Sosial", aid_type="Barang", duration="1 kali",
                      benefit_per_recipient=Decimal(500000), target_count=rng.randint(10, 900),
                      target_unit="KK")
            db.session.add(tag)
            for v in rng.sample(villages, 2):
                db.session.add(TagVillage(tag=tag, village=v))
            spent = Decimal("0")
            for n, q in enumerate(quarters, 1):
                spent = (amount * Decimal(n * rng.randint(15, 30)) / 100).quantize(CENT)
                db.session.add(Realization(tag=tag, quarter=q, amount=min(spent, amount),
                                           physical_progress=Decimal(min(100, n * 25)),
                                           reached_count=n * 5))
    for opd in opds:
        for q in quarters:
            db.session.add(Submission(opd=opd, quarter=q, status="verified"))
    db.session.flush()
    return fy.id


def _measure(year: int, quarter: int) -> dict:
    from reports.content.kemenko import build_content, resolve_options
    from reports.pdf.kemenko import build_pdf
    from reports.xlsx.kemenko import build_xlsx

    started = time.perf_counter()
    content = build_content(resolve_options(year, "quarterly", quarter=quarter,
                                            fixed_date=date(year, 10, 20)))
    t_content = time.perf_counter()
    pdf = build_pdf(content)
    t_pdf = time.perf_counter()
    xlsx = build_xlsx(content)
    t_xlsx = time.perf_counter()
    return {"tags": len(content.matrix), "pages": pdf.pages, "pdf_bytes": len(pdf.data),
            "xlsx_bytes": len(xlsx), "queries_s": round(t_content - started, 2),
            "pdf_s": round(t_pdf - t_content, 2), "xlsx_s": round(t_xlsx - t_pdf, 2)}


def _fresh_app(path: str):
    from app import create_app
    from config import Config
    from models import db

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tags", type=int, default=1000)
    args = parser.parse_args()
    from models import db

    with tempfile.TemporaryDirectory() as tmp:
        app = _fresh_app(os.path.join(tmp, "demo.db"))
        with app.app_context():
            from app.demo.seed import seed_demo

            seed_demo(year=2026)
            db.session.commit()
            print("demo      ", _measure(2026, 3))
        app = _fresh_app(os.path.join(tmp, "big.db"))
        with app.app_context():
            build_dataset(args.tags, 2026)
            db.session.commit()
            print(f"{args.tags} tags", _measure(2026, 3))


if __name__ == "__main__":
    main()

"""Render time and SQL statement count of the review page for one OPD with 300 tags.

    .venv/bin/python -m bench.bench_review          # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mydb \
        .venv/bin/python -m bench.bench_review

The database given is emptied and rebuilt (drop_all / create_all): use a throwaway one.
Also times the OPD's realization sheet, the queue and the compliance board of the same data.
"""
import os
import statistics
import tempfile
import time
from decimal import Decimal

from sqlalchemy import event

from app import create_app
from config import TestConfig
from models import (
    District,
    Opd,
    Realization,
    RealizationVillage,
    SubActivity,
    Submission,
    Tag,
    TagVillage,
    Village,
    VillageYear,
    db,
)

TAGS = 300
RUNS = 15
PASSWORD = "bench-review-2026"


def _url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{tempfile.mkdtemp(prefix='tagar-bench-')}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def build() -> tuple[int, int]:
    """One OPD, 100 sub-activities x 3 tags, lokus on every third tag, TW I and II filled in,
    TW II submitted; about one tag in ten carries an anomaly."""
    from app.accounts.accounts import create_user
    from app.reference.service import create_fiscal_year, ensure_reference_data
    from models import FundingSource, Strategy, TagKind

    ensure_reference_data()
    fy = create_fiscal_year(2026, deadline_days=15)
    fy.is_current = True
    q1, q2 = fy.quarters[0], fy.quarters[1]
    strategies = db.session.query(Strategy).order_by(Strategy.code).all()
    kinds = db.session.query(TagKind).order_by(TagKind.sort_order).all()
    fund = db.session.query(FundingSource).first()
    opd = Opd(code="1.06.0.00.0.00.01.0000", name="Dinas Sosial", short_name="Dinsos")
    district = District(code="99.01", name="Kecamatan Bench")
    villages = [Village(district=district, code=f"99.01.{2000 + i}", name=f"Desa {i}")
                for i in range(20)]
    db.session.add_all([opd, district, *villages])
    db.session.flush()
    for v in villages:
        db.session.add(VillageYear(village=v, fiscal_year_id=fy.id, is_priority=True))
    for s in range(TAGS // 3):
        sa = SubActivity(opd=opd, fiscal_year=fy, code=f"1.06.05.2.02.{s:04d}",
                         name=f"Sub kegiatan {s}", program_code="1.06.05",
                         program_name="Perlindungan Sosial", activity_code="1.06.05.2.02",
                         activity_name="Bantuan", allocation_original=Decimal("900000000"),
                         funding_source=fund)
        db.session.add(sa)
        for k in range(3):
            i = s * 3 + k
            tag = Tag(sub_activity=sa, strategy=strategies[i % 3], tag_kind=kinds[k],
                      amount=Decimal("100000000"), description=f"Aktivitas {i}",
                      target_count=200, target_unit="KK")
            if i % 3 == 0:
                tag.villages = [TagVillage(village=villages[i % 20], target_count=50),
                                TagVillage(village=villages[(i + 7) % 20], target_count=50)]
            db.session.add(tag)
            for q, share in ((q1, Decimal("0.2")), (q2, Decimal("0.45"))):
                over = i % 10 == 0 and q is q2
                r = Realization(
                    tag=tag, quarter=q, amount=Decimal("100000000") * share,
                    physical_progress=share * 100,
                    reached_count=250 if over else int(200 * share),
                    anomalies="over_target" if over else "",
                    explanation="Tambahan penerima hasil verifikasi." if over else "")
                for tv in tag.villages:
                    r.villages.append(RealizationVillage(village=tv.village, reached_count=10))
                db.session.add(r)
    sub = Submission(opd=opd, quarter=q2, status="submitted")
    db.session.add(sub)
    create_user("bench.sekretariat", PASSWORD, "secretariat")
    db.session.commit()
    return sub.id, opd.id


def measure(client, path: str) -> dict:
    statements = []

    def count(*_):
        statements.append(1)

    assert client.get(path).status_code == 200, path  # warm-up (templates compiled)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        resp = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
    return {"path": path, "median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "statements": len(statements), "kb": len(resp.data) // 1024}


def save_sheet(client, opd_id: int) -> str:
    """POST the whole TW II sheet with every amount raised: 300 updates, one commit."""
    from models import Quarter

    q2 = db.session.query(Quarter).filter_by(number=2).one()
    data = {}
    for r in db.session.query(Realization).filter_by(quarter_id=q2.id):
        data.update({f"r-{r.tag_id}-version": str(r.version),
                     f"r-{r.tag_id}-amount": str(r.amount + 1000),
                     f"r-{r.tag_id}-progress": str(r.physical_progress),
                     f"r-{r.tag_id}-reached": str(r.reached_count),
                     f"r-{r.tag_id}-explanation": r.explanation})
    db.session.query(Submission).update({"status": "draft"})
    db.session.commit()
    t0 = time.perf_counter()
    resp = client.post(f"/realisasi/{opd_id}/{q2.id}", data=data)
    ms = (time.perf_counter() - t0) * 1000
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return f"save of the whole sheet ({TAGS} rows changed): {ms:.0f} ms"


def main() -> None:
    url = _url()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        sub_id, opd_id = build()
        client = app.test_client()
        resp = client.post("/login", data={"username": "bench.sekretariat",
                                           "password": PASSWORD})
        assert resp.status_code == 302
        print(f"{db.engine.dialect.name}: one OPD, {TAGS} tags, TW I + II, {RUNS} runs each")
        for path in (f"/verifikasi/{sub_id}", f"/realisasi/?opd={opd_id}&triwulan=2",
                     "/verifikasi/?triwulan=2", "/verifikasi/kepatuhan"):
            m = measure(client, path)
            print(f"  {m['path']:<40} median {m['median_ms']:7.1f} ms  "
                  f"(min {m['min_ms']:.1f}, max {m['max_ms']:.1f})  "
                  f"{m['statements']:3d} SQL statements  {m['kb']} KB")
        print("  " + save_sheet(client, opd_id))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


if __name__ == "__main__":
    main()

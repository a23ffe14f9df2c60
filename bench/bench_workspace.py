"""Time the OPD workspace: the list of an OPD with 300 sub-activities, and the import of a
2,000-row SIPD-style xlsx (preview, commit, and the same file again).

    .venv/bin/python -m bench.bench_workspace          # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mydb \
        .venv/bin/python -m bench.bench_workspace

The database given is emptied and rebuilt (drop_all / create_all): use a throwaway one.
Requests go through the Flask test client, so the times include routing, the guard, the SQL
and the template, but no network.
"""
import io
import os
import re
import statistics
import tempfile
import time
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app import create_app
from config import TestConfig
from models import (
    District,
    FundingSource,
    Opd,
    Strategy,
    SubActivity,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
)

SUB_ACTIVITIES = 300
IMPORT_ROWS = 2000
RUNS = 15
PASSWORD = "bench-workspace-2026"
SIPD = ["kode_program", "nama_program", "kode_giat", "nama_giat", "kode_sub_giat",
        "nama_sub_giat", "pagu", "pagumurni", "nama_dana", "indikator", "target", "satuan",
        "lokasi"]


def _url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{tempfile.mkdtemp(prefix='tagar-bench-')}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def build() -> tuple[Opd, Opd]:
    """A large OPD (300 sub-activities x 2 tags, 3 lokus each) and an empty one to import into."""
    from app.accounts.accounts import create_user
    from app.reference.service import create_fiscal_year, ensure_reference_data

    ensure_reference_data()
    fy = create_fiscal_year(2026, deadline_days=15)
    fy.is_current = True
    big = Opd(code="1.06.0.00.0.00.01.0000", name="Dinas Sosial Bench", short_name="Dinsos")
    empty = Opd(code="1.02.0.00.0.00.02.0000", name="Dinas Kesehatan Bench", short_name="Dinkes")
    db.session.add_all([big, empty])
    villages = []
    for d in range(14):
        district = District(code=f"99.07.{d + 1:02d}", name=f"Kecamatan {d + 1}")
        db.session.add(district)
        for v in range(8):
            village = Village(district=district, code=f"99.07.{d + 1:02d}.{2001 + v}",
                              name=f"Desa {d + 1}-{v + 1}")
            db.session.add(village)
            db.session.add(VillageYear(village=village, fiscal_year=fy, is_priority=v % 3 == 0))
            villages.append(village)
    db.session.flush()
    strategies = db.session.scalars(select(Strategy).order_by(Strategy.code)).all()
    kinds = db.session.scalars(select(TagKind).order_by(TagKind.sort_order)).all()
    fund = db.session.scalar(select(FundingSource).where(FundingSource.code == "DAU"))
    for i in range(SUB_ACTIVITIES):
        sa = SubActivity(opd=big, fiscal_year=fy, code=f"1.06.05.2.{i // 100 + 1:02d}.{i:04d}",
                         name=f"Sub kegiatan bench {i}", program_code="1.06.05",
                         program_name="Program Perlindungan Sosial",
                         activity_code=f"1.06.05.2.{i // 100 + 1:02d}",
                         activity_name="Kegiatan bench", allocation_original=Decimal(500_000_000),
                         funding_source=fund)
        db.session.add(sa)
        for t in range(2):
            tag = Tag(sub_activity=sa, strategy=strategies[(i + t) % 3], tag_kind=kinds[t],
                      amount=Decimal(100_000_000), description="Bantuan", target_count=100,
                      target_unit="KK")
            db.session.add(tag)
            for k in range(3):
                db.session.add(TagVillage(tag=tag, village=villages[(i * 3 + t + k) % 112]))
    create_user("bench", PASSWORD, "secretariat", full_name="Bench")
    db.session.commit()
    return big, empty


def sipd_file(rows: int, bump: int = 0) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(SIPD)
    for i in range(rows):
        act = f"1.02.02.2.{i // 1000 + 1:02d}"
        ws.append(["1.02.02", "Program Pemenuhan Upaya Kesehatan", act, "Kegiatan Kesehatan",
                   f"{act}.{i % 1000:04d}", f"Sub kegiatan impor {i}", 250_000_000 + i + bump,
                   250_000_000 + i, "DAU", "Jumlah sasaran", 120, "orang", "Kabupaten"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    url = _url()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     TAGAR_IMPORT_DIR=tempfile.mkdtemp(prefix="tagar-bench-imp-"))
    statements = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        big, empty = build()
        big_id, empty_id = big.id, empty.id
        if db.engine.dialect.name == "postgresql":
            # Fresh bulk-loaded tables have no statistics until autovacuum comes round; without
            # them the planner guesses one row per table and nests the aggregates.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    print(f"database: {url.split('://')[0]}")

    times = []
    for _ in range(RUNS):
        statements.clear()
        resp, seconds = timed(lambda: client.get(f"/sub-kegiatan/?opd={big_id}&tahun=2026"))
        assert resp.status_code == 200 and "Jumlah (300 sub kegiatan)" in resp.text
        times.append(seconds)
    print(f"list of {SUB_ACTIVITIES} sub-activities: median {statistics.median(times) * 1000:.0f}"
          f" ms, min {min(times) * 1000:.0f} ms ({RUNS} runs), {len(statements)} SQL statements")

    data, seconds = timed(lambda: sipd_file(IMPORT_ROWS))
    print(f"built {IMPORT_ROWS}-row SIPD xlsx: {len(data) / 1024:.0f} KB in {seconds:.2f} s")

    def upload(payload):
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(payload),
                                                               filename="sipd.xlsx")})
        return client.post(f"/sub-kegiatan/impor?opd={empty_id}&tahun=2026", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    for label, payload in (("first import", data), ("same file again", data),
                           ("every pagu changed", sipd_file(IMPORT_ROWS, bump=1))):
        resp, preview = timed(lambda p=payload: upload(p))
        token = re.search(r"/sub-kegiatan/impor/([A-Za-z0-9_-]{20,})", resp.text).group(1)
        resp, commit = timed(lambda t=token: client.post(f"/sub-kegiatan/impor/{t}"))
        assert resp.status_code == 302
        message = client.get("/").text
        summary = re.search(r"Impor selesai: [^<]*", message)
        print(f"{label}: preview {preview:.2f} s, commit {commit:.2f} s"
              f" ({summary.group(0) if summary else resp.status_code})")
    with app.app_context():
        count = db.session.scalar(select(func.count(SubActivity.id)).where(
            SubActivity.opd_id == empty_id))
        print(f"sub-activities in the imported OPD: {count}")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()

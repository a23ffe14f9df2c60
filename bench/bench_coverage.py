"""Household coverage at a large kabupaten's size (issue 16), each figure against its floor.

    .venv/bin/python -m bench.bench_coverage                 # SQLite (a temporary file)
    .venv/bin/python -m bench.bench_coverage --pg postgresql://postgres@127.0.0.1:5432/bench_h3
    .venv/bin/python -m bench.bench_coverage --members 20000 --xlsx-members 5000   # quick

- BNBA import of N members (CSV and XLSX): the preview (bounded read, HMAC of every NIK and
  KK, desa and desil checks, staging packed) and the commit (snapshot, households, members,
  per-desa counts) on an empty database and again as an update; the floor is reading the same
  file (csv module / openpyxl read-only) and HMAC-ing every NIK. Peak memory: tracemalloc's
  peak of Python allocations in a separate, untimed run.
- A beneficiary list of M NIKs: preview (read, hash, match in chunks) and commit, floor the same.
- The coverage page (GET /cakupan/) at that size with lists for 30 tags, and its "Unduh XLSX"
  (the page's tables; the secretariat's whole unreached list by hash prefix).
The PostgreSQL database given is emptied and rebuilt (never the one named `test`).
"""
import argparse
import hashlib
import hmac
import io
import os
import random
import tempfile
import time
import tracemalloc
from datetime import date

from bench.common import make_app, prepare_url

KEY = b"bench-household-key-0123456789abcdef"
HEADER = ["NIK", "Nama", "No KK", "Kode Desa", "Desil", "Alamat"]


def make_villages(n_districts=20, per_district=15):
    from models import District, Village, db

    villages = []
    for d in range(n_districts):
        district = District(code=f"97.{d + 1:02d}", name=f"Kecamatan Bench {d + 1}")
        db.session.add(district)
        for v in range(per_district):
            village = Village(district=district, code=f"97.{d + 1:02d}.{2001 + v}",
                              name=f"Desa Bench {d + 1}-{v + 1}")
            db.session.add(village)
            villages.append(village)
    db.session.flush()
    return [v.code for v in villages]


def bnba_rows(members: int, codes: list[str], seed=16):
    rng = random.Random(seed)
    i, family = 0, 0
    while i < members:
        family += 1
        code, desil = rng.choice(codes), rng.choice((1, 1, 2, 3, 4, 5))
        for _ in range(min(rng.randint(1, 6), members - i)):
            i += 1
            yield [f"3299{i:012d}", f"Nama Samaran {i}", f"3298{family:012d}", code, desil,
                   f"Jl. Bench {i % 100}"]


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    out.write(";".join(HEADER) + "\n")
    for r in rows:
        out.write(";".join(str(c) for c in r) + "\n")
    return out.getvalue().encode()


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("BNBA")
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def floor_csv(data: bytes) -> int:
    import csv

    base = hmac.new(KEY, digestmod=hashlib.sha256)
    n = 0
    for row in csv.reader(io.StringIO(data.decode()), delimiter=";"):
        h = base.copy()
        h.update(row[0].encode())
        h.digest()
        n += 1
    return n


def floor_xlsx(data: bytes) -> int:
    from openpyxl import load_workbook

    base = hmac.new(KEY, digestmod=hashlib.sha256)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        h = base.copy()
        h.update(str(row[0]).encode())
        h.digest()
        n += 1
    wb.close()
    return n


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def cpu_timed(fn, *args):
    """CPU seconds of this process (SQLite runs in it): less disturbed by a shared machine."""
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


def peak_mb(fn, *args) -> float:
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run(url: str, members: int, xlsx_members: int, list_size: int, memory=True) -> None:
    from app.coverage import beneficiaries, bnba
    from app.reference.service import create_fiscal_year, ensure_reference_data
    from models import db
    from tests import factories

    app = make_app(url, HOUSEHOLD_KEY=KEY.decode())
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        ensure_reference_data()
        fy = create_fiscal_year(2026)
        codes = make_villages()
        tags = []
        for i in range(30):
            opd = factories.opd()
            tags.append(factories.tag(factories.sub_activity(opd, fy),
                                      strategy_code=i % 3 + 1, aid_type=("Uang", "Barang")[i % 2]))
        factories.user("secretariat", username="sekre")
        db.session.commit()
        rows = list(bnba_rows(members, codes))
        data = csv_bytes(rows)
        print(f"BNBA CSV: {members:,} members, {len(data) / 1e6:.1f} MB")
        t_floor, _ = timed(floor_csv, data)
        t_prev, p = timed(bnba.preview, "DTSEN", date(2026, 1, 31), "bnba.csv", data)
        print(f"  floor (csv + HMAC per NIK) {t_floor:.2f} s; preview {t_prev:.2f} s "
              f"(x{t_prev / t_floor:.1f}); {p.households:,} households, staged "
              f"{len(p.staged) / 1e6:.1f} MB")
        if memory:
            mem_floor = peak_mb(floor_csv, data)
            mem_prev = peak_mb(bnba.preview, "DTSEN", date(2026, 1, 31), "bnba.csv", data)
            print(f"  peak Python memory: floor {mem_floor:.0f} MB, preview {mem_prev:.0f} MB "
                  f"(file itself {len(data) / 1e6:.0f} MB)")
        payload = bnba.payload(p)
        t_commit, _ = timed(bnba.apply, p.staged, payload)
        db.session.commit()
        t_update, _ = timed(bnba.apply, p.staged, payload)
        db.session.commit()
        print(f"  commit: first import {t_commit:.2f} s, same extract again (update) "
              f"{t_update:.2f} s")
        if xlsx_members:
            xdata = xlsx_bytes(rows[:xlsx_members])
            t_xfloor, _ = timed(floor_xlsx, xdata)
            t_xprev, _ = timed(bnba.preview, "DTSEN", date(2026, 1, 31), "bnba.xlsx", xdata)
            print(f"BNBA XLSX: {xlsx_members:,} members, {len(xdata) / 1e6:.1f} MB: floor "
                  f"(openpyxl + HMAC) {t_xfloor:.2f} s; preview {t_xprev:.2f} s "
                  f"(x{t_xprev / t_xfloor:.1f})")
        rng = random.Random(7)
        picks = rng.sample(range(1, members + 1), list_size - list_size // 10)
        niks = [f"3299{i:012d}" for i in picks] + [f"3297{i:012d}" for i in
                                                     range(list_size // 10)]
        ldata = ("NIK;Nama\n" + "".join(f"{n};Nama\n" for n in niks)).encode()
        t_lfloor, _ = timed(floor_csv, ldata)
        t_lprev, lp = timed(beneficiaries.preview, tags[0], 1, "list.csv", ldata)
        staged, meta = beneficiaries.staged(lp)
        t_lcommit, _ = timed(beneficiaries.apply, tags[0], staged, meta)
        db.session.commit()
        print(f"List: {list_size:,} NIKs: floor {t_lfloor:.2f} s; preview (hash + match) "
              f"{t_lprev:.2f} s; commit {t_lcommit:.2f} s; {lp.matched_households:,} "
              f"households matched, {lp.unmatched:,} outside the BNBA")
        for tag in tags[1:]:
            sample = rng.sample(picks, min(2000, len(picks)))
            body = ("NIK\n" + "".join(f"3299{i:012d}\n" for i in sample)).encode()
            lp = beneficiaries.preview(tag, rng.randint(1, 3), "l.csv", body)
            beneficiaries.apply(tag, *beneficiaries.staged(lp))
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"username": "sekre", "password": factories.PASSWORD})
        page = "/cakupan/?tahun=2026&triwulan=3"
        client.get(page)  # warm-up (templates compiled)

        def cold():
            app.extensions["cache"].clear()
            return client.get(page)

        best_cold = min(timed(cold)[0] for _ in range(3))
        cpu_cold = min(cpu_timed(cold) for _ in range(3))
        best = min(timed(client.get, page)[0] for _ in range(3))
        best_list = min(timed(client.get, "/cakupan/belum-terjangkau?tahun=2026&triwulan=3"
                              "&halaman=20")[0] for _ in range(3))
        print(f"Coverage page (30 lists): computed {best_cold:.3f} s ({cpu_cold:.3f} s CPU), "
              f"cached {best:.3f} s; "
              f"unreached list page 20: "
              f"{best_list:.3f} s")
        best_xlsx = min(timed(client.get, page + "&format=xlsx")[0] for _ in range(3))
        t_all, resp = timed(client.get, "/cakupan/belum-terjangkau?tahun=2026&triwulan=3"
                                        "&format=xlsx")
        assert resp.status_code == 200 and resp.data[:2] == b"PK", resp.status_code
        print(f"  Unduh XLSX: coverage page (figures cached) {best_xlsx:.3f} s; whole unreached "
              f"list {t_all:.2f} s ({len(resp.data) / 1e6:.1f} MB)")
        from reports.queries import coverage as report

        snap = report.current_snapshot()
        parts = {"by desa": lambda: report.by_village(snap.id, fy.id, 3),
                 "same aid": lambda: report.overlaps(snap.id, fy.id, 3),
                 "spend": lambda: report.spend(fy.id, 3), "trend": report.trend}
        print("  of which: " + ", ".join(
            f"{k} {min(timed(f)[0] for _ in range(3)):.3f} s" for k, f in parts.items()))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# `python -m bench --only coverage --size X`: (BNBA members, of which in the XLSX run, list NIKs).
# L is the large kabupaten (the figures in docs/PERFORMANCE.md); S and M are quicker.
SIZES = {"S": (20_000, 5_000, 5_000), "M": (100_000, 50_000, 25_000),
         "L": (200_000, 200_000, 50_000)}


def run_all(members: int, xlsx_members: int, list_size: int, pg: str | None = None,
            sqlite: bool = True, memory: bool = True) -> None:
    """The benchmark on a temporary SQLite file and/or the throwaway PostgreSQL database."""
    urls = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='tagar-bench-')}/coverage.db")] \
        if sqlite else []
    if pg:
        urls.append(("postgresql", prepare_url(pg)))
    for name, url in urls:
        print(f"\n== coverage on {name}: BNBA {members:,} members (XLSX {xlsx_members:,}), "
              f"list {list_size:,} NIKs", flush=True)
        run(url, members, xlsx_members, list_size, memory=memory)
        if url.startswith("sqlite:///"):
            os.remove(url[len("sqlite:///"):])
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().strip()}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_coverage")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--xlsx-members", type=int, default=200_000)
    parser.add_argument("--list", type=int, default=50_000)
    parser.add_argument("--pg", default=None)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args(argv)
    run_all(args.members, args.xlsx_members, args.list, pg=args.pg, sqlite=not args.no_sqlite,
            memory=not args.no_memory)


if __name__ == "__main__":
    main()

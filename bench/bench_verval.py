"""Verval by the desa (issue 28) at a kabupaten's size: 400 desa of 100 desil-1 households each
(40,000 households, two members each), one campaign over all of them, 60 % recorded.

    .venv/bin/python -m bench.bench_verval                 # SQLite (a temporary file)
    .venv/bin/python -m bench.bench_verval --pg postgresql://postgres@127.0.0.1:5432/bench_verval

- Opening the campaign (400 desa rows, 40,000 numbered records in two INSERT ... SELECT).
- Recording one household through the page's POST (as the script sends it, JSON answer): by NIK
  (HMAC in memory, member hash -> household -> the desa's record) and by row number and prefix;
  median and 95th percentile of 60 requests each, in process (the server's time, no network).
- The secretariat's progress page of the 400 desa and 20 kecamatan, and its XLSX.
The PostgreSQL database given is emptied and rebuilt (never the one named `test`).
"""
import argparse
import os
import random
import statistics
import tempfile
import time
from array import array
from datetime import date

from bench.common import analyze, make_app, prepare_url

KEY = "bench-household-key-0123456789abcdef"
DISTRICTS, PER_DISTRICT, PER_DESA = 20, 20, 100


def build(districts=DISTRICTS, per_district=PER_DISTRICT, per_desa=PER_DESA):
    """Villages, one BNBA snapshot staged straight from hashes (no file), users."""
    from app.coverage import bnba, keys, staging
    from models import District, Village, db
    from tests import factories

    vids = []
    for d in range(districts):
        district = District(code=f"96.{d + 1:02d}", name=f"Kecamatan Verval {d + 1}")
        db.session.add(district)
        for v in range(per_district):
            village = Village(district=district, code=f"96.{d + 1:02d}.{2001 + v}",
                              name=f"Desa Verval {d + 1}-{v + 1}")
            db.session.add(village)
            vids.append(village)
    db.session.flush()
    hasher = keys.hasher()
    households, desil, villages, members, member_household = [], bytearray(), array("i"), [], \
        array("I")
    for i in range(len(vids) * per_desa):
        households.append(hasher(keys.FAMILY, f"3298{i:012d}"))
        desil.append(1)
        villages.append(vids[i // per_desa].id)
        for k in (0, 1):
            members.append(hasher(keys.MEMBER, f"3299{2 * i + k:012d}"))
            member_household.append(i)
    staged = staging.StagedBnba(households, bytes(desil), villages, members, member_household)
    import json

    bnba.apply(staging.pack_bnba(staged), json.dumps({
        "source": "DTSEN", "taken_on": "2026-01-31", "rows": len(members), "invalid": 0,
        "key_check": hasher.check}))
    sec = factories.user("secretariat", username="sekre")
    operator = factories.user("desa", username="operator", village=vids[0])
    db.session.commit()
    return vids, sec, operator


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    return f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def run(url: str, districts=DISTRICTS, per_district=PER_DISTRICT, per_desa=PER_DESA) -> None:
    from sqlalchemy import select, update

    from app.verval import campaigns
    from models import VervalRecord, VervalVillage, db
    from tests import factories

    app = make_app(url, HOUSEHOLD_KEY=KEY)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        from app.reference.service import ensure_reference_data

        ensure_reference_data()
        t_build, (vids, sec, operator) = timed(build, districts, per_district, per_desa)
        print(f"built {len(vids)} desa, {len(vids) * per_desa:,} households in {t_build:.1f} s")
        t_open, campaign = timed(campaigns.open_campaign, "Verval bench", date(2099, 1, 1),
                                 None, sec)
        db.session.commit()
        print(f"open campaign ({len(vids)} desa, {len(vids) * per_desa:,} records): "
              f"{t_open:.2f} s")
        rng = random.Random(28)
        statuses = ("masih", "tidak_miskin", "pindah", "meninggal", "tidak_ditemukan", "ganda")
        ids = list(db.session.scalars(select(VervalRecord.id)))
        for status in statuses:  # 60 % recorded, spread over the statuses
            chosen = [i for i in ids if rng.random() < 0.1]
            for k in range(0, len(chosen), 900):
                db.session.execute(update(VervalRecord).where(
                    VervalRecord.id.in_(chosen[k:k + 900])).values(status=status))
        db.session.commit()
        analyze()  # as autovacuum would soon after the campaign is opened
        cv = db.session.scalar(select(VervalVillage).where(
            VervalVillage.campaign_id == campaign.id, VervalVillage.village_id == vids[0].id))
        rows = dict(db.session.execute(select(VervalRecord.row_no, VervalRecord.household_id)
                                       .where(VervalRecord.campaign_village_id == cv.id)).all())
        from models import Household

        prefixes = {r: bytes(db.session.get(Household, h).hash).hex()[:6]
                    for r, h in rows.items()}
        db.session.remove()

        client = app.test_client()
        client.post("/login", data={"username": "operator", "password": factories.PASSWORD})
        url_ = f"/verval/desa/{cv.id}/catat"
        json_ = {"Accept": "application/json"}
        client.post(url_, data={"nik": f"3299{0:012d}", "status": "masih"}, headers=json_)
        by_nik, by_row = [], []
        for i in range(60):
            t, resp = timed(client.post, url_, headers=json_, data={
                "nik": f"3299{2 * (i % per_desa):012d}", "status": statuses[i % 6]})
            assert resp.status_code == 200, resp.get_data(as_text=True)
            by_nik.append(t)
            row = i % per_desa + 1
            t, resp = timed(client.post, url_, headers=json_, data={
                "row": str(row), "prefix": prefixes[row], "status": statuses[(i + 1) % 6]})
            assert resp.status_code == 200, resp.get_data(as_text=True)
            by_row.append(t)
        print(f"record one household by NIK: {summary(by_nik)}")
        print(f"record one household by row + prefix: {summary(by_row)}")
        t_sheet = [timed(client.get, f"/verval/desa/{cv.id}")[0] for _ in range(10)]
        print(f"the desa's sheet ({per_desa} households, 50 per page): {summary(t_sheet)}")

        from flask import g

        for name in list(g):  # requests share this app context's g: forget the operator
            g.pop(name)
        client = app.test_client()
        client.post("/login", data={"username": "sekre", "password": factories.PASSWORD})
        page = f"/verval/kampanye/{campaign.id}"
        first = client.get(page)
        last = f"Desa Verval {districts}-{per_district}".encode()
        assert first.status_code == 200 and last in first.data, first.status_code
        t_page = [timed(client.get, page)[0] for _ in range(10)]
        print(f"progress page, {len(vids)} desa + {districts} kecamatan: {summary(t_page)}")
        t_xlsx, resp = timed(client.get, page + "?format=xlsx")
        assert resp.data[:2] == b"PK"
        print(f"progress XLSX (counts of {len(vids)} desa and {districts} kecamatan): "
              f"{t_xlsx:.2f} s")
        from models import District

        district = db.session.scalar(select(District.id).limit(1))
        t_xlsx, resp = timed(client.get, page + f"?format=xlsx&kecamatan={district}")
        assert resp.data[:2] == b"PK"
        print(f"  one kecamatan's XLSX (counts + {per_district * per_desa:,} prefixes by "
              f"status): {t_xlsx:.2f} s")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_verval")
    parser.add_argument("--pg", default=None)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    urls = [] if args.no_sqlite else [
        ("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='tagar-bench-')}/verval.db")]
    if args.pg:
        urls.append(("postgresql", prepare_url(args.pg)))
    for name, url in urls:
        print(f"\n== verval on {name}", flush=True)
        run(url)
        if url.startswith("sqlite:///"):
            os.remove(url[len("sqlite:///"):])
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().strip()}")


if __name__ == "__main__":
    main()

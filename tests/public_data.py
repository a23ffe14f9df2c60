"""A kabupaten for the public portal's tests, built so that a leak can be seen: an OPD whose
TW II is submitted but not verified (its figure 7.777.777,77 must never be public), an OPD with
nothing verified (3.333.333,33), distinctive user names, a review comment, a household hash and
a NIK-like number in free text."""
from datetime import date, datetime
from decimal import Decimal

from app.public import portal
from models import (
    Household,
    HouseholdSnapshot,
    PublicApbdTotal,
    ReviewComment,
    SnapshotVillageCount,
    db,
)

SECRET_AMOUNTS = ("7.777.777", "7777777", "3.333.333", "3333333")
SECRET_TEXTS = ("Siti Rahasiawati", "operator_rahasia", "KOMENTAR-RAHASIA", "AKTIVITAS-RAHASIA",
                "3201234567890123")
HOUSEHOLD_HASH = bytes.fromhex("ab" * 4 + "cd" * 28)


def build(make) -> dict:
    fy = make.fiscal_year(2026)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    d1, d2 = make.district(), make.district()
    v1, v2 = make.village(d1, fy, priority=True, desil1=12), make.village(d1, fy, priority=True)
    v3 = make.village(d2, fy, priority=True, desil1=4)
    a, b, c = make.opd(), make.opd(), make.opd()
    sa_a = make.sub_activity(a, fy, allocation="900000000")
    sa_b = make.sub_activity(b, fy, allocation="900000000")
    sa_c = make.sub_activity(c, fy, allocation="900000000")
    t1 = make.tag(sa_a, "1000000.50", 1, "langsung", target_count=40)
    t2 = make.tag(sa_b, "25000000", 2, "penunjang", target_count=10,
                  description="AKTIVITAS-RAHASIA NIK 3201234567890123")
    t3 = make.tag(sa_c, "5000000", 3, "tidak_langsung", target_count=7)
    t4 = make.tag(sa_a, "2500000.25", 2, "langsung", target_count=5)
    make.tag_village(t1, v1, amount="400000")
    make.tag_village(t1, v3)
    make.tag_village(t2, v2)
    make.tag_village(t4, v1)
    make.realization(t1, q[1], "250000.25", "25", 10)
    make.realization(t1, q[2], "600000.10", "55.5", 25)
    make.realization(t4, q[2], "1200000.13", "40", 3)
    make.realization(t2, q[1], "1500000.01", "10", 2)
    make.realization(t2, q[2], "7777777.77", "60", 9)  # submitted, not verified
    make.realization(t3, q[1], "3333333.33", "50", 5)  # never verified
    make.submission(a, q[1], "verified", verified_at=datetime(2026, 4, 20, 3, 0))
    make.submission(a, q[2], "verified", verified_at=datetime(2026, 7, 21, 4, 30))
    make.submission(b, q[1], "verified", verified_at=datetime(2026, 4, 22, 2, 0))
    sub_b2 = make.submission(b, q[2], "submitted")
    make.submission(c, q[1], "draft")
    secretariat = make.user("secretariat", username="operator_rahasia",
                            full_name="Siti Rahasiawati")
    db.session.add(ReviewComment(submission_id=sub_b2.id, tag_id=t2.id,
                                 author_id=secretariat.id, body="KOMENTAR-RAHASIA"))
    snap = HouseholdSnapshot(taken_on=date(2026, 3, 1), source="P3KE", key_check="k" * 16,
                             households=20, desil1_households=16)
    db.session.add(snap)
    db.session.flush()
    db.session.add(Household(hash=HOUSEHOLD_HASH, village_id=v1.id, desil=1,
                             snapshot_id=snap.id))
    db.session.add_all([
        SnapshotVillageCount(snapshot_id=snap.id, village_id=v1.id, desil=1, households=12),
        SnapshotVillageCount(snapshot_id=snap.id, village_id=v3.id, desil=1, households=4)])
    db.session.add(PublicApbdTotal(fiscal_year_id=fy.id, belanja_murni=Decimal("1500000000000"),
                                   belanja_perubahan=Decimal("1600000000000.50")))
    portal.switch(True)
    db.session.flush()
    return {"fy": fy, "q": q, "a": a, "b": b, "c": c, "sub_b2": sub_b2,
            "secretariat": secretariat, "t2": t2}


ENDPOINT_URLS = {
    "public.home": lambda y, v: ["/terbuka/"],
    "public.year": lambda y, v: [f"/terbuka/{y}/"] + [f"/terbuka/{y}/?triwulan={n}"
                                                      for n in (1, 2, 3, 4)],
    "public.about": lambda y, v: ["/terbuka/tentang"],
    "public.data_index": lambda y, v: ["/terbuka/data/"],
    "public.data_year": lambda y, v: [f"/terbuka/data/{y}/"],
    "public.data_file": lambda y, v: [f"/terbuka/data/{y}/{f}" for f in files()],
    "public.data_version_file": lambda y, v: [f"/terbuka/data/{y}/versi/{v}/{f}"
                                              for f in files()],
    "public.api_openapi": lambda y, v: ["/terbuka/api/openapi.json"],
    "public.api_years": lambda y, v: ["/terbuka/api/tahun"],
    "public.api_year": lambda y, v: [f"/terbuka/api/{y}"] + [f"/terbuka/api/{y}?triwulan={n}"
                                                             for n in (1, 2, 3, 4)],
    "public.api_table": lambda y, v: [f"/terbuka/api/{y}/{t}?triwulan={n}"
                                      for t in api_tables() for n in (1, 2, 3, 4)],
}


def files() -> list[str]:
    from app.public.opendata import RESOURCES

    return ["datapackage.json", "data.json", *(f"{r}.csv" for r in RESOURCES)]


def api_tables() -> tuple:
    from app.public.openapi import NAMES

    return NAMES


def public_urls(app, year: int, version: str) -> list[str]:
    """Every public address: fails when a public route exists that this list does not walk."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("public.")}
    assert endpoints == set(ENDPOINT_URLS), endpoints ^ set(ENDPOINT_URLS)
    return [u for e in sorted(endpoints) for u in ENDPOINT_URLS[e](year, version)]

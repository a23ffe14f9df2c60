"""Demo household coverage (issue 16): a fake BNBA of the lokus desa in two extracts, and
beneficiary lists for some tags, so the coverage pages show something after `make run`.

The NIKs and KK numbers are made up (prefix 3299, no real province) from a fixed seed; they
exist only in memory here and are stored, like real ones, as keyed hashes through the same
commit path as an upload (app/coverage/bnba.py, beneficiaries.py)."""
import json
import random
from array import array
from datetime import timedelta

from sqlalchemy import select

from app.core.clock import today
from models import Tag, TagVillage, Village, VillageYear, db

from ..coverage import beneficiaries, bnba, keys, staging

LIST_UNITS = ("KK", "jiwa")
PER_STRATEGY = 6


def seed(fy, tags: list[Tag], rng: random.Random) -> int:
    """Two snapshots and the lists; the number of households (0 without a household key)."""
    try:
        hasher = keys.hasher()
    except keys.KeyMissing:
        return 0  # production without a key: the demo simply has no coverage data
    lokus = db.session.execute(
        select(Village.id, VillageYear.desil1_households)
        .join(VillageYear, VillageYear.village_id == Village.id)
        .where(VillageYear.fiscal_year_id == fy.id, VillageYear.is_priority)
        .order_by(Village.code)).all()
    families = _families(lokus, rng)
    now = today()
    # Six months ago some of today's desil-2 households were still desil 1 (the trend).
    graduated = {i for i, f in enumerate(families) if f[1] == 2 and rng.random() < 0.35}
    for taken_on, older in ((now - timedelta(days=182), True), (now - timedelta(days=30), False)):
        staged = _stage(families, hasher, graduated if older else set())
        meta = json.dumps({"source": "DTSEN", "taken_on": taken_on.isoformat(),
                           "rows": len(staged.member_hashes), "invalid": 0,
                           "key_check": hasher.check})
        snap = bnba.apply(staging.pack_bnba(staged), meta)
    _lists(fy, tags, snap.id, rng)
    return len(families)


def _families(lokus, rng) -> list[tuple[int, int, int]]:
    """(village id, desil, members) per family: the desa's desil-1 count, and half as many
    families again in desil 2-4."""
    out = []
    for vid, desil1 in lokus:
        out += [(vid, 1, rng.randint(1, 6)) for _ in range(desil1)]
        out += [(vid, rng.choice((2, 2, 3, 4)), rng.randint(1, 5)) for _ in range(desil1 // 2)]
    return out


def _stage(families, hasher, graduated) -> staging.StagedBnba:
    households, desil, villages, members, member_household = [], bytearray(), array("i"), [], \
        array("I")
    serial = 0
    for i, (vid, d, n) in enumerate(families):
        households.append(hasher(keys.FAMILY, f"3298{i:012d}"))
        desil.append(1 if i in graduated else d)
        villages.append(vid)
        for _ in range(n):
            serial += 1
            members.append(hasher(keys.MEMBER, f"3299{serial:012d}"))
            member_household.append(i)
    return staging.StagedBnba(households, bytes(desil), villages, members, member_household)


def _lists(fy, tags, snapshot_id, rng) -> None:
    from models import Household

    by_village: dict[int, list[int]] = {}
    for hid, vid in db.session.execute(select(Household.id, Household.village_id).where(
            Household.snapshot_id == snapshot_id, Household.desil <= 2)):
        by_village.setdefault(vid, []).append(hid)
    everyone = [h for ids in by_village.values() for h in ids]
    quarters = [q.number for q in fy.quarters if q.end_date < today()] or [1]
    chosen = []
    for code in (1, 2, 3):  # some tags of each strategy, so households reached by 1-3 show
        chosen += [t for t in tags if t.target_unit in LIST_UNITS
                   and t.strategy.code == code][:PER_STRATEGY]
    for tag in chosen:
        reach = [tv.village_id for tv in db.session.scalars(
            select(TagVillage).where(TagVillage.tag_id == tag.id))]
        pool = [h for v in reach for h in by_village.get(v, [])] or everyone
        for q in quarters:
            ids = rng.sample(pool, min(len(pool), rng.randint(20, 120)))
            meta = json.dumps({"tag_id": tag.id, "quarter": q, "rows": len(ids) + 6,
                               "invalid": 1, "duplicates": 0, "matched_members": len(ids),
                               "unmatched": 5, "snapshot_id": snapshot_id})
            beneficiaries.apply(tag, staging.pack_ids(ids), meta)

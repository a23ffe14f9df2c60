"""Builds the demo kabupaten from catalog.py: deterministic (a fixed random seed), relative to
today, so the quarters that have ended carry realization and the current one is open."""
import random
from datetime import datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select

from app.accounts.accounts import create_user
from app.core.clock import today
from app.cycle import anomalies
from app.reference.service import create_fiscal_year, ensure_reference_data, settings
from models import (
    District,
    FundingSource,
    Opd,
    Realization,
    RealizationVillage,
    ReviewComment,
    Strategy,
    SubActivity,
    Submission,
    SubmissionEvent,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
)

from . import catalog

# Printed on the console by `flask seed-demo`; exists only in demo databases.
DEMO_PASSWORD = "demo-tagar-2026"
DEMO_USERS = [
    {"username": "admin", "role": "admin", "full_name": "Administrator Sistem"},
    {"username": "sekretariat", "role": "secretariat", "full_name": "Rina Marlina, S.E."},
    {"username": "pimpinan", "role": "viewer", "full_name": "Sekretaris Daerah"},
    {"username": "dinsos", "role": "opd", "full_name": "Agus Setiawan, S.Sos.",
     "opd_short": "Dinsos"},
    {"username": "dinkes", "role": "opd", "full_name": "dr. Wulan Sari", "opd_short": "Dinkes"},
]
# The demo OPD whose reports lag (TW I returned, later quarters in draft): its budget is not
# locked, so `dinkes` can try the whole workspace.
LAGGING_OPD = "Dinkes"
# Cumulative share of the tagged amount spent by the end of each quarter (before noise).
CURVE = {1: Decimal("0.14"), 2: Decimal("0.41"), 3: Decimal("0.66"), 4: Decimal("0.93")}
CENT = Decimal("0.01")


def _money(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_DOWN)


def seed_demo(year: int | None = None) -> dict[str, int]:
    rng = random.Random(2026)
    ensure_reference_data()
    _settings()
    fy = create_fiscal_year(year or today().year)
    fy.is_current = True

    opds = {}
    for o in catalog.OPDS:
        opd = Opd(code=o["code"], name=o["name"], short_name=o["short_name"],
                  head_name=o.get("head_name", ""), head_nip=o.get("head_nip", ""))
        db.session.add(opd)
        opds[o["code"]] = opd
    from .opd_kinds import seed as seed_opd_kinds  # issue 15: dinas, badan, kecamatan, ...

    seed_opd_kinds(opds.values())

    priority = []
    n_villages = 0
    for d in catalog.DISTRICTS:
        district = District(code=d["code"], name=d["name"])
        db.session.add(district)
        for v in d["villages"]:
            village = Village(district=district, code=v["code"], name=v["name"], kind=v["kind"])
            db.session.add(village)
            db.session.add(VillageYear(village=village, fiscal_year=fy,
                                       is_priority=v["priority"], desil1_households=v["desil1"],
                                       source="P3KE", decree="SK Bupati Nomor 400/125/2026"))
            n_villages += 1
            if v["priority"]:
                priority.append((village, v["desil1"]))
    db.session.flush()

    strategies = {s.code: s for s in db.session.scalars(select(Strategy))}
    kinds = {k.code: k for k in db.session.scalars(select(TagKind))}
    funds = {f.code: f for f in db.session.scalars(select(FundingSource))}
    # A few priority villages, some with many desil-1 households, stay unreached so the gap
    # list shows what a TKPKD meeting would need to act on.
    ranked = sorted(priority, key=lambda p: -p[1])
    unreached = ranked[2:30:5]
    reachable = [p for p in ranked if p not in unreached]

    tags: list[Tag] = []
    n_sub = 0
    for s in catalog.SUB_ACTIVITIES:
        sa = SubActivity(
            opd=opds[s["opd_code"]], fiscal_year=fy, code=s["code"], name=s["name"],
            program_code=s["program_code"], program_name=s["program_name"],
            activity_code=s["activity_code"], activity_name=s["activity_name"],
            allocation_original=_money(s["allocation"]),
            funding_source=funds.get(_fund_code(s["funding"])),
            output_indicator=s.get("indicator", ""), output_target=s.get("target"),
            output_unit=s.get("unit", ""), location=s.get("location", ""),
        )
        db.session.add(sa)
        n_sub += 1
        for t in s["tags"]:
            amount = _money(Decimal(s["allocation"]) * Decimal(str(t["share"])) / 1000) * 1000
            tag = Tag(
                sub_activity=sa, strategy=strategies[t["strategy"]], tag_kind=kinds[t["kind"]],
                amount=_money(amount), description=t["description"],
                aid_nature=t.get("aid_nature", ""), aid_type=t.get("aid_type", ""),
                benefit_per_recipient=_money(t["benefit"]) if t.get("benefit") else None,
                duration=t.get("duration", ""), target_count=t.get("target_count"),
                target_unit=t.get("target_unit", ""),
            )
            db.session.add(tag)
            tags.append(tag)
            k = min(t.get("villages", 0), len(reachable))
            if k:
                chosen = rng.sample(reachable, k)
                share = _money(tag.amount / k / 2)  # half the tag spent in named villages
                per_target = (tag.target_count or 0) // (k * 2) or None
                for village, _ in chosen:
                    tag.villages.append(TagVillage(village=village, amount=share,
                                                   target_count=per_target))
    db.session.flush()

    _realization(fy, tags, rng)
    from .convergence import seed as seed_convergence  # issue 17: other sources, themes

    seed_convergence(fy, tags, rng)
    from .households import seed as seed_households  # issue 16: fake BNBA, lists

    n_households = seed_households(fy, tags, random.Random(16))
    users = _users(opds)
    n_sub_events = _submissions(fy, list(opds.values()), rng, users["sekretariat"])
    from .budget_stages import seed as seed_budget_stages  # issue 15: APBD perubahan, e-mails

    seed_budget_stages(fy)
    from .public import seed as seed_public  # issue 29: the APBD total behind the public share

    seed_public(fy)
    from .screening import seed as seed_screening  # issue 26: lines for the screening page

    n_screening = seed_screening(fy, opds, random.Random(26))
    from .boundaries import seed as seed_boundaries  # issue 27: fictional desa boundaries

    seed_boundaries(db.session.scalars(select(District).order_by(District.code)).all())

    from .verval import seed as seed_verval  # issue 28: an open campaign, two desa operators

    n_verval = seed_verval(users["sekretariat"], DEMO_PASSWORD, random.Random(28))
    return {
        "OPD": len(opds), "kecamatan": len(catalog.DISTRICTS), "desa": n_villages,
        "lokus": len(priority), "sub kegiatan": n_sub, "tagging": len(tags),
        "realisasi": db.session.query(Realization).count(), "status laporan": n_sub_events,
        "pengguna": len(users),
        "rumah tangga BNBA": n_households,
        "sub kegiatan belum ditandai (penyaringan)": n_screening,
        "verval dicatat": n_verval,
    }


def _fund_code(code: str) -> str:
    return {"BANKEU-PROV": "BANKEU", "DID": "INSENTIF"}.get(code, code)


def _settings():
    k = catalog.KABUPATEN
    row = settings()
    row.name = f"Pemerintah {k['name']}"
    row.region_name = k["name"]
    row.province_name = k.get("province", "")
    row.address = k.get("address", "")
    row.city = k.get("capital", "")
    row.phone = k.get("phone", "")
    row.email = k.get("email", "")
    row.website = k.get("website", "")
    row.head_title = f"Bupati {k['name'].removeprefix('Kabupaten ')}"
    row.head_name = k.get("bupati_name", "")
    row.head_nip = ""
    row.tkpkd_chair_name = k.get("tkpkd_chair_name", "")
    row.tkpkd_chair_title = k.get("tkpkd_chair_title", "Ketua TKPKD")
    row.tkpkd_chair_nip = k.get("tkpkd_chair_nip", "")
    row.signatories = "both"  # the demo shows both signature blocks


def _past_quarters(fy):
    return [q for q in fy.quarters if q.end_date < today()]


def _realization(fy, tags: list[Tag], rng: random.Random) -> None:
    quarters = _past_quarters(fy)
    if not quarters:
        return
    # A handful of tags carry the errors real reports have (see DESIGN.md).
    special = rng.sample(range(len(tags)), 4)
    kinds = dict(zip(special, ["double_semester", "falling", "done_unspent", "over_target"],
                     strict=True))
    for i, tag in enumerate(tags):
        pace = Decimal(rng.randint(70, 115)) / 100
        prev = None
        for q in quarters:
            share = min(CURVE[q.number] * pace, Decimal(1))
            amount = _money(tag.amount * share)
            progress = min(Decimal(100), (share * 100 + rng.randint(0, 8))).quantize(CENT)
            reached = int((tag.target_count or 0) * min(share * Decimal("1.1"), Decimal(1)))
            kind = kinds.get(i)
            explanation = ""
            if kind == "double_semester" and q.number == len(quarters) and prev is not None:
                # The error DESIGN.md cites: a figure already cumulative, added to the previous
                # one again, which lands above the tagged amount.
                amount = max(_money(prev.amount + tag.amount * CURVE[q.number] * pace),
                             _money(tag.amount * Decimal("1.08")))
                explanation = "Realisasi semester I terjumlah dua kali; akan dikoreksi."
            elif kind == "falling" and q.number == len(quarters) and prev is not None:
                amount = _money(prev.amount * Decimal("0.8"))
                explanation = "Koreksi atas pengembalian dana sisa kegiatan ke kas daerah."
            elif kind == "done_unspent" and q.number == len(quarters):
                amount, progress = Decimal("0.00"), Decimal("100.00")
                explanation = "Pekerjaan selesai, pembayaran menunggu SP2D."
            elif kind == "over_target" and q.number == len(quarters) and tag.target_count:
                reached = tag.target_count + rng.randint(5, 40)
                explanation = "Penambahan penerima dari hasil verifikasi lapangan."
            figures = anomalies.Figures(amount, progress, reached)
            found = anomalies.detect(figures, prev, tagged_amount=tag.amount,
                                     target_count=tag.target_count)
            real = Realization(
                tag=tag, quarter=q, amount=amount, physical_progress=progress,
                reached_count=reached, anomalies=",".join(found), explanation=explanation,
                problems=rng.choice(["", "", "Keterlambatan pengadaan barang.",
                                     "Data penerima masih diverifikasi desa."]),
                follow_up="",
            )
            if real.problems:
                real.follow_up = "Koordinasi dengan pihak terkait."
            for tv in tag.villages:
                if tv.target_count:
                    real.villages.append(RealizationVillage(
                        village=tv.village,
                        reached_count=int(tv.target_count * min(share * Decimal("1.1"), 1))))
            db.session.add(real)
            prev = figures
    db.session.flush()


def _submissions(fy, opds: list[Opd], rng: random.Random, reviewer) -> int:
    """Earlier quarters verified; the latest ended quarter in every state, some late."""
    quarters = _past_quarters(fy)
    events = 0
    ordered = sorted(opds, key=lambda o: o.code)
    for q in quarters:
        latest = q is quarters[-1]
        for j, opd in enumerate(ordered):
            if latest:
                status = ["verified"] * 6 + ["submitted"] * 5 + ["returned"] * 3 + ["draft"] * 4
                status = status[j % len(status)]
            else:
                status = "verified"
            if opd.short_name == LAGGING_OPD:
                # One OPD behind on its reports: nothing verified yet, so its officer can try
                # every step of the workspace and the cycle on the demo.
                status = "returned" if q.number == 1 else "draft"
            late = j % 5 == 4 and status != "draft"
            deadline = datetime.combine(q.deadline, time(2, 0))  # 09.00 WIB
            at = deadline + timedelta(days=rng.randint(1, 6)) if late \
                else deadline - timedelta(days=rng.randint(1, 9))
            sub = Submission(opd=opd, quarter=q, status=status, is_late=late, created_at=at)
            db.session.add(sub)
            sub.events.append(SubmissionEvent(from_status=None, to_status="draft", at=at))
            events += 1
            if status == "draft":
                continue
            sub.submitted_at = sub.first_submitted_at = at
            sub.events.append(SubmissionEvent(from_status="draft", to_status="submitted", at=at))
            events += 1
            if status == "returned":
                when = at + timedelta(days=2)
                ev = SubmissionEvent(from_status="submitted", to_status="returned", at=when,
                                     actor=reviewer,
                                     note="Mohon lengkapi penjelasan realisasi dan lokus desa.")
                sub.events.append(ev)
                sub.comments.append(ReviewComment(
                    author=reviewer, event=ev,
                    body="Realisasi fisik belum sesuai dokumen pendukung; mohon diperbaiki.",
                    created_at=when))
                events += 1
            elif status == "verified":
                when = at + timedelta(days=3)
                sub.verified_at = when
                sub.events.append(SubmissionEvent(from_status="submitted", to_status="verified",
                                                  at=when, actor=reviewer))
                events += 1
    db.session.flush()
    return events


def _users(opds: dict[str, Opd]) -> dict:
    by_short = {o.short_name: o for o in opds.values()}
    users = {}
    for u in DEMO_USERS:
        opd = by_short.get(u.get("opd_short", "")) if u["role"] == "opd" else None
        if u["role"] == "opd" and opd is None:
            opd = next(iter(opds.values()))
        users[u["username"]] = create_user(u["username"], DEMO_PASSWORD, u["role"],
                                           full_name=u["full_name"], opd=opd)
    return users

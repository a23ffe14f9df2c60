"""Demo verval (issue 28): an open campaign over two desa with the most desil-1 households, an
operator for each (`desa1`, `desa2`, the demo password), and partial progress recorded through
the same service as the page (by row number and hash prefix: the demo keeps no NIK either)."""
import random
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.accounts import create_user
from app.core.clock import today
from app.verval import campaigns, recording
from models import Household, VervalRecord, VervalVillage, Village, db

STATUS_WEIGHTS = (("masih", 70), ("tidak_miskin", 12), ("pindah", 7), ("meninggal", 4),
                  ("tidak_ditemukan", 4), ("ganda", 3))
SHARE_RECORDED = (0.6, 0.25)  # desa 1 well on its way, desa 2 just started


def seed(reviewer, password: str, rng: random.Random) -> int:
    """The campaign and its records; the number of households recorded (0 without BNBA)."""
    snap = campaigns.current_snapshot()
    if snap is None:
        return 0
    villages = db.session.execute(
        select(Household.village_id, func.count()).where(
            Household.snapshot_id == snap.id, Household.desil == 1)
        .group_by(Household.village_id).order_by(func.count().desc(), Household.village_id)
        .limit(2)).all()
    if len(villages) < 2:
        return 0
    operators = []
    for i, (vid, _) in enumerate(villages, 1):
        name = db.session.get(Village, vid).name
        operators.append(create_user(f"desa{i}", password, "desa", village_id=vid,
                                     full_name=f"Operator Desa {name}"))
    campaign = campaigns.open_campaign(f"Verval DTSEN {today():%m/%Y}",
                                       today() + timedelta(days=14),
                                       [vid for vid, _ in villages], reviewer)
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    made = 0
    for operator, share in zip(operators, SHARE_RECORDED, strict=True):
        cv = db.session.scalar(select(VervalVillage).where(
            VervalVillage.campaign_id == campaign.id,
            VervalVillage.village_id == operator.village_id))
        rows = db.session.execute(select(VervalRecord.row_no, Household.hash).join(
            Household, Household.id == VervalRecord.household_id).where(
            VervalRecord.campaign_village_id == cv.id).order_by(VervalRecord.row_no)).all()
        for row_no, digest in rows[:int(len(rows) * share)]:
            status = rng.choices(statuses, weights)[0]
            recording.record(cv, operator, status=status, row_no=row_no,
                             prefix=bytes(digest).hex()[:6],
                             note="Sudah bekerja tetap" if status == "tidak_miskin" else "")
            made += 1
    return made

"""Demo data for issue 15 (part B): an APBD perubahan in force from 15 September, changing a
few allocations up and down (never below what is tagged), and e-mail addresses for the demo
accounts (mail stays *Tertahan* in the outbox until SMTP is configured)."""
from datetime import date
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select

from models import SubActivity, Tag, User, db

MILLION = Decimal(1_000_000)


def _round_up(value: Decimal) -> Decimal:
    return (value / MILLION).to_integral_value(rounding=ROUND_CEILING) * MILLION


def seed(fy) -> int:
    """Set the perubahan date and revise every 6th (up 10 %) and 11th (down 10 %) sub kegiatan
    of the year; returns how many changed."""
    fy.revision_date = date(fy.year, 9, 15)
    tagged = dict(db.session.execute(
        select(Tag.sub_activity_id, func.sum(Tag.amount)).group_by(Tag.sub_activity_id)).all())
    changed = 0
    subs = db.session.scalars(select(SubActivity).where(SubActivity.fiscal_year_id == fy.id)
                              .order_by(SubActivity.code)).all()
    for i, sa in enumerate(subs, start=1):
        if i % 6 == 0:
            sa.allocation_revised = _round_up(sa.allocation_original * Decimal("1.1"))
        elif i % 11 == 0:
            floor = Decimal(tagged.get(sa.id) or 0)
            sa.allocation_revised = max(_round_up(sa.allocation_original * Decimal("0.9")),
                                        _round_up(floor))
        else:
            continue
        changed += 1
    for user in db.session.scalars(select(User).where(User.email == "")):
        user.email = f"{user.username}@demo.tagar.invalid"
    db.session.flush()
    return changed

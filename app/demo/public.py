"""Demo data for issue 29: the year's total APBD belanja (so the portal shows the tagged share).
The portal itself stays off: the demo's admin switches it on at Admin → Portal Publik."""
from decimal import Decimal

from models import PublicApbdTotal, db


def seed(fy) -> None:
    db.session.add(PublicApbdTotal(fiscal_year_id=fy.id,
                                   belanja_murni=Decimal("1850000000000"),
                                   belanja_perubahan=Decimal("1923500000000")))
    db.session.flush()

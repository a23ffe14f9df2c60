"""Demo data of issue 17: Dana Desa, BAZNAS, CSR and APBN interventions at some lokus desa,
and the Stunting and Inflasi themes with some tags in them (KLASIK), so that the lokus page,
the dashboard, the themes page and the report annex are populated after `make run`."""
import random
from decimal import Decimal

from sqlalchemy import insert, select

from app.core.clock import today
from models import (
    OtherIntervention,
    Strategy,
    Tag,
    TagTheme,
    Theme,
    Village,
    VillageYear,
    db,
)

THEMES = {
    "Stunting": ("gizi", "balita", "stunting", "posyandu", "ibu hamil", "sanitasi", "air minum",
                 "jamban", "kesehatan"),
    "Inflasi": ("pangan", "beras", "pasar", "harga", "sembako", "pertanian", "benih"),
}
# (source kind, provider, strategy, planned rupiah, households, description)
OFFERS = [
    ("dana_desa", "Pemerintah Desa {desa}", 1, 180_000_000, 60, "BLT Dana Desa"),
    ("dana_desa", "Pemerintah Desa {desa}", 2, 95_000_000, 25, "Padat karya tunai desa"),
    ("baznas", "BAZNAS Kabupaten", 1, 45_000_000, 30, "Santunan fakir miskin"),
    ("csr", "PT Bank Pembangunan Daerah (CSR)", 3, 120_000_000, 15,
     "Bedah rumah tidak layak huni"),
    ("apbn", "Kementerian Sosial (PKH)", 1, 210_000_000, 70, "Program Keluarga Harapan"),
    ("baznas", "LAZ Dompet Ummat", 2, 30_000_000, 12, "Modal usaha mikro mustahik"),
]


def seed(fy, tags: list[Tag], rng: random.Random) -> None:
    default = db.session.scalar(select(Theme).where(Theme.is_default))
    # The seed adds tags directly (not through save_tag): each joins the default theme here.
    db.session.execute(insert(TagTheme).from_select(
        ["tag_id", "theme_id"], select(Tag.id, default.id)))
    for name, words in THEMES.items():
        theme = Theme(code=name.lower(), name=name, is_default=False,
                      description=f"Tagging yang juga melayani percepatan {name.lower()}.")
        db.session.add(theme)
        db.session.flush()
        chosen = [t for t in tags if any(w in (t.description or "").lower() for w in words)]
        chosen = chosen or tags[::7]
        db.session.add_all(TagTheme(tag_id=t.id, theme_id=theme.id) for t in chosen[:25])
    _interventions(fy, rng)
    db.session.flush()


def _interventions(fy, rng: random.Random) -> None:
    strategies = {s.code: s.id for s in db.session.scalars(select(Strategy))}
    villages = db.session.execute(
        select(Village.id, Village.name).join(VillageYear, VillageYear.village_id == Village.id)
        .where(VillageYear.fiscal_year_id == fy.id, VillageYear.is_priority)
        .order_by(VillageYear.desil1_households.desc(), Village.code)).all()
    ended = [q.number for q in fy.quarters if q.end_date < today()]
    for i, (village_id, name) in enumerate(villages[:24]):
        for kind, provider, strategy, planned, households, text in rng.sample(OFFERS, 1 + i % 3):
            planned = Decimal(planned + rng.randrange(0, 20) * 1_000_000)
            iv = OtherIntervention(
                fiscal_year_id=fy.id, village_id=village_id, strategy_id=strategies[strategy],
                source_kind=kind, provider_name=provider.format(desa=name), description=text,
                amount_planned=planned, households_reached=households + rng.randrange(0, 10))
            for n in ended:  # a quarter's own flow: about a quarter of the plan each
                setattr(iv, f"realized_q{n}", (planned / 4).quantize(Decimal("1")))
            db.session.add(iv)

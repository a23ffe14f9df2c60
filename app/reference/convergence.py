"""Reference rows of issue 17: the default theme and the two strategy frameworks.

Migration 0011 inserts the same rows into an existing database (with its own copy of these
literals, as migrations must not import the app); `ensure()` adds what is missing to a new one.
"""
from sqlalchemy import select

from models import Framework, FrameworkStrategy, Strategy, StrategyMapping, Theme, db

DEFAULT_THEME = ("kemiskinan_ekstrem", "Kemiskinan Ekstrem")
DEFAULT_FRAMEWORK = "inpres"
FRAMEWORKS = {
    # code: (name, default?, [(code, name)], {Inpres strategy code: framework strategy code})
    "inpres": ("Inpres 4/2022 jo. Inpres 8/2025", True, [
        (1, "Pengurangan beban pengeluaran masyarakat"),
        (2, "Peningkatan pendapatan masyarakat"),
        (3, "Penurunan jumlah kantong-kantong kemiskinan"),
    ], {1: 1, 2: 2, 3: 3}),
    # The four strategies of Perpres 15/2010 that Permendagri 53/2020 has the TKPK use.
    # Pockets of poverty (Inpres 3) are served by the synergy of programs in one place (4).
    "permendagri_53_2020": ("Permendagri 53/2020", False, [
        (1, "Mengurangi beban pengeluaran masyarakat miskin"),
        (2, "Meningkatkan kemampuan dan pendapatan masyarakat miskin"),
        (3, "Mengembangkan dan menjamin keberlanjutan usaha mikro dan kecil"),
        (4, "Mensinergikan kebijakan dan program penanggulangan kemiskinan"),
    ], {1: 1, 2: 2, 3: 4}),
}


def ensure() -> None:
    """Insert the default theme, the frameworks and their mappings that are missing."""
    if db.session.scalar(select(Theme.id).where(Theme.is_default)) is None:
        code, name = DEFAULT_THEME
        db.session.add(Theme(code=code, name=name, is_default=True))
    strategies = {s.code: s.id for s in db.session.scalars(select(Strategy))}
    have = set(db.session.scalars(select(Framework.code)))
    for code, (name, default, rows, mapping) in FRAMEWORKS.items():
        if code in have:
            continue
        fw = Framework(code=code, name=name, is_default=default)
        fw.strategies = [FrameworkStrategy(code=c, name=n) for c, n in rows]
        db.session.add(fw)
        db.session.flush()
        by_code = {s.code: s.id for s in fw.strategies}
        db.session.add_all(
            StrategyMapping(framework_id=fw.id, strategy_id=strategies[src],
                            framework_strategy_id=by_code[dst])
            for src, dst in mapping.items() if src in strategies)
    db.session.flush()


def default_theme() -> Theme | None:
    return db.session.scalar(select(Theme).where(Theme.is_default))


def default_framework() -> Framework | None:
    return db.session.scalar(select(Framework).where(Framework.is_default))

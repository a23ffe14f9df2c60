"""The per-desa split of the rollup (`village`/`district` groupings), in whole rupiah.

A tag is shared among its desa: by their per-desa amounts where the tag has any (scaled down if
they exceed the tag), else equally. Each figure is split by the largest-remainder rule: every
desa gets the floor of its exact share in whole rupiah (whole beneficiaries for counts), and
the rupiah the floors leave of the tag's placed figure (its whole-rupiah part) go one each to
the desa with the largest remainders (ties: lowest desa id). So a tag of Rp 100.000.000 over
three desa prints 33.333.334 + 33.333.333 + 33.333.333, never sen that nobody budgeted, and the
desa parts add up exactly to the placed figure. What a tag does not place in a desa - no lokus,
the part without a per-desa amount, the sen of a figure with sen - is the row with key None
"Tanpa lokus / tidak terbagi", so the rows still add up to the total. A tag reaching three desa
counts once in each, so `tags` is the only column that does not add up there.

One statement per shape (window functions rank the remainders), as every rollup.
"""
from sqlalchemy import Integer, String, case, cast, func, null, select, union_all

from models import District, TagVillage, Village
from reports.queries.rollup_base import (
    NO_LOKUS,
    ONE,
    RollupFilter,
    RollupRow,
    _base,
    _check,
    _execute,
    _floor,
    _row,
)


def area_rows(f: RollupFilter, by: str) -> list[RollupRow]:
    cur, prev = _check(f)
    result = _execute(("area", by, cur, prev), f, lambda: _area_statement(f, by, cur, prev)).all()
    rows = sorted((r for r in result if r[0] is not None), key=lambda r: (r[1], r[0]))
    for r in result:
        if r[0] is None and (r[3] or r[4] or r[5] or r[7] or r[8]):
            rows.append((None, "", NO_LOKUS, *r[3:]))
    return [_row(*r) for r in rows]


def _area_statement(f: RollupFilter, by: str, cur: int, prev: int):
    b = _base(f, (cur, prev))
    # The per-tag sum and count of the desa shares, aggregated over the filtered tags only:
    # aggregated over all of tag_village and joined afterwards, its size misestimated (CTE
    # columns have no statistics) made PostgreSQL JIT-compile a ~1 s plan for 0.3 s of work.
    tvs = (select(TagVillage.tag_id, func.sum(func.coalesce(TagVillage.amount, 0)).label("s"),
                  func.count().label("n"))
           .select_from(TagVillage).join(b, b.c.tag_id == TagVillage.tag_id)
           .group_by(TagVillage.tag_id).subquery("tvs"))
    weight = case((tvs.c.s > 0, func.coalesce(TagVillage.amount, 0)), else_=1)
    basis = case((tvs.c.s > 0, case((tvs.c.s > b.c.amount, tvs.c.s), else_=b.c.amount)),
                 else_=tvs.c.n)

    rc, rp = b.c[f"r{cur}"], b.c[f"r{prev}"]
    cc, cp = b.c[f"c{cur}"], b.c[f"c{prev}"]
    # Each figure: (value to split, unit: 100 sen = one rupiah, or one beneficiary).
    figures = {"a": (b.c.a, 100), "rc": (rc, 100), "rp": (rp, 100), "t": (b.c.t, 1),
               "cc": (cc, 1), "cp": (cp, 1)}
    placed_share = case((tvs.c.s > 0, tvs.c.s), else_=tvs.c.n)  # the weights' sum
    pw = (b.c[f"p{cur}"] - b.c[f"p{prev}"]) * b.c.a
    cols = [TagVillage.tag_id, TagVillage.village_id, (ONE * pw * weight / basis).label("pw")]
    for name, (x, unit) in figures.items():
        exact = ONE * x * weight / basis / unit
        cols += [exact.label(f"e_{name}"), _floor(exact).label(f"f_{name}"),
                 _floor(ONE * x * placed_share / basis / unit).label(f"P_{name}")]
    shares = (select(*cols).select_from(tvs).join(TagVillage, TagVillage.tag_id == tvs.c.tag_id)
              .join(b, b.c.tag_id == TagVillage.tag_id)).cte("shares")
    sc = shares.c
    ranks = [sc.tag_id, sc.village_id, sc.pw]
    for name in figures:
        ranks += [
            sc[f"f_{name}"], sc[f"P_{name}"],
            func.row_number().over(partition_by=sc.tag_id,
                                   order_by=((sc[f"e_{name}"] - sc[f"f_{name}"]).desc(),
                                             sc.village_id)).label(f"k_{name}"),
            func.sum(sc[f"f_{name}"]).over(partition_by=sc.tag_id).label(f"sf_{name}")]
    ranked = select(*ranks).cte("ranked")
    rk = ranked.c

    def part(name):
        """The floor, plus one unit for the desa among the largest remainders."""
        unit = figures[name][1]
        bump = case((rk[f"k_{name}"] <= rk[f"P_{name}"] - rk[f"sf_{name}"], 1), else_=0)
        return ((rk[f"f_{name}"] + bump) * unit).label(name)

    parts = select(rk.tag_id, rk.village_id, part("a"), part("rc"), part("rp"), rk.pw,
                   part("t"), part("cc"), part("cp")).cte("parts")
    p = parts.c
    sums = (func.count(func.distinct(p.tag_id)), func.sum(p.a), func.sum(p.rc - p.rp),
            func.sum(p.pw), func.sum(p.t), func.sum(p.cc - p.cp))
    if by == "village":
        cols = (Village.id, Village.code, Village.name)
        placed = select(*cols, *sums).select_from(parts).join(Village, Village.id == p.village_id)
    else:
        cols = (District.id, District.code, District.name)
        placed = (select(*cols, *sums).select_from(parts)
                  .join(Village, Village.id == p.village_id)
                  .join(District, District.id == Village.district_id))
    placed = placed.group_by(*cols)
    per_tag = (select(p.tag_id, func.sum(p.a).label("a"), func.sum(p.rc - p.rp).label("r"),
                      func.sum(p.pw).label("pw"), func.sum(p.t).label("t"),
                      func.sum(p.cc - p.cp).label("c"))
               .group_by(p.tag_id).subquery("per_tag"))
    q = per_tag.c
    rest = select(
        cast(null(), Integer), cast(null(), String), cast(null(), String),
        func.count(case((q.tag_id.is_(None), b.c.tag_id))),
        func.sum(b.c.a - func.coalesce(q.a, 0)),
        func.sum(rc - rp - func.coalesce(q.r, 0)),
        func.sum(pw - func.coalesce(q.pw, 0)),
        func.sum(b.c.t - func.coalesce(q.t, 0)),
        func.sum(cc - cp - func.coalesce(q.c, 0)),
    ).select_from(b).outerjoin(per_tag, q.tag_id == b.c.tag_id)
    return union_all(placed, rest)

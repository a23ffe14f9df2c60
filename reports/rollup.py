"""Plan versus realization: the one rollup the dashboard, the PDF/XLSX report and the API share.

Every call is a single SQL statement with GROUP BY. Money is summed in whole sen (integers) so
SQLite, which keeps NUMERIC as floating point, adds up exactly like PostgreSQL; divisions
(absorption, physical progress) are done in Decimal on the grouped figures and rounded there.

Realization is stored to date (cumulative) per tag and quarter; a missing row means 0 to date.
The flow of quarter q is the figure to date at q minus the figure to date at q-1, so the flows
of quarters 1..q add up to the figure to date at q. In flow mode `physical` is likewise the
progress gained in the quarter (percentage points, weighted by tagged amount).

For `village`/`district`, a tag is shared among its desa: by their per-desa amounts where the
tag has any (scaled down if they exceed the tag), else equally. Each part is floored to the sen
(to the whole beneficiary for counts); what a tag does not place in a desa - no lokus, the part
without a per-desa amount, and the sen left over by flooring - is the row with key None
"Tanpa lokus / tidak terbagi", so the rows still add up to the total. A tag reaching three desa
counts once in each, so `tags` is the only column that does not add up there.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from models import (
    District,
    FundingSource,
    Opd,
    Quarter,
    Realization,
    Strategy,
    SubActivity,
    Submission,
    Tag,
    TagKind,
    TagVillage,
    Village,
    db,
)

CENT = Decimal("0.01")
NO_LOKUS = "Tanpa lokus / tidak terbagi"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class RollupFilter:
    fiscal_year_id: int
    quarter: int = 4              # 1..4: figures to date at the end of this quarter
    flow: bool = False            # True: the quarter's own flow (to date at q minus at q-1)
    strategy_code: int | None = None
    tag_kind_code: str | None = None
    opd_id: int | None = None
    funding_source_id: int | None = None
    district_id: int | None = None   # tags that reach at least one desa of this kecamatan
    verified_only: bool = False   # only realization of verified (OPD, quarter) submissions
    sub_activity_id: int | None = None  # addition to the contract: the last drill-down level


GROUPINGS = ("strategy", "tag_kind", "opd", "funding_source", "sub_activity", "tag", "district",
             "village")


@dataclass(frozen=True)
class RollupRow:
    key: int | str | None
    code: str
    label: str
    tags: int
    tagged: Decimal
    realized: Decimal
    absorption: Decimal | None
    physical: Decimal | None
    target: int
    reached: int


# --- portable SQL pieces -------------------------------------------------------------------

class _sen(FunctionElement):
    """Rupiah to whole sen, rounded: exact on PostgreSQL, and exact on SQLite's floats."""

    type = BigInteger()
    name = "sen"
    inherit_cache = True


@compiles(_sen)
def _sen_default(element, compiler, **kw):
    return f"CAST(ROUND(({compiler.process(element.clauses, **kw)}) * 100) AS BIGINT)"


@compiles(_sen, "sqlite")
def _sen_sqlite(element, compiler, **kw):
    return f"CAST(ROUND(({compiler.process(element.clauses, **kw)}) * 100) AS INTEGER)"


class _floor(FunctionElement):
    """Floor of a non-negative number to an integer. PostgreSQL computes in exact numerics.
    SQLite computes in floats, whose quotient of a whole number may fall a hair short: a
    relative nudge of 1e-14 (floats err by ~1e-16) puts it back. It could misjudge only a true
    value within that relative distance below a whole number: one sen, rarely, on SQLite."""

    type = BigInteger()
    name = "floor_int"
    inherit_cache = True


@compiles(_floor)
def _floor_default(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS BIGINT)"


@compiles(_floor, "sqlite")
def _floor_sqlite(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) * 1.00000000000001 AS INTEGER)"


ONE = literal_column("1.0")  # forces decimal (not integer) division on both backends
ZERO_COL = literal_column("0")


# --- the tag base: one row per tag of the filter, with its figures to date ------------------

def _quarter_joins(stmt, n: int, verified_only: bool):
    """Outer-join quarter `n`'s realization; return the statement and (sen, progress, reached)."""
    if n < 1:
        return stmt, (ZERO_COL, ZERO_COL, ZERO_COL)
    q = aliased(Quarter, name=f"q{n}")
    r = aliased(Realization, name=f"r{n}")
    stmt = stmt.outerjoin(q, and_(q.fiscal_year_id == SubActivity.fiscal_year_id,
                                  q.number == n))
    stmt = stmt.outerjoin(r, and_(r.tag_id == Tag.id, r.quarter_id == q.id))
    amount, progress, reached = r.amount, r.physical_progress, r.reached_count
    if verified_only:
        s = aliased(Submission, name=f"s{n}")
        stmt = stmt.outerjoin(s, and_(s.opd_id == SubActivity.opd_id, s.quarter_id == q.id,
                                      s.status == "verified"))
        ok = s.id.is_not(None)
        amount, progress, reached = (case((ok, amount)), case((ok, progress)),
                                     case((ok, reached)))
    return stmt, (_sen(func.coalesce(amount, 0)), func.coalesce(progress, 0),
                  func.coalesce(reached, 0))


def _base(f: RollupFilter, numbers: tuple[int, ...]):
    """A CTE of the filtered tags: ids, dimensions, amount in rupiah (`amount`) and sen (`a`),
    target `t`, and per quarter number n in `numbers`: r{n} sen, p{n} progress, c{n} reached."""
    stmt = (
        select(Tag.id.label("tag_id"), Tag.sub_activity_id, Tag.strategy_id, Tag.tag_kind_id,
               SubActivity.opd_id, SubActivity.funding_source_id,
               Tag.amount.label("amount"), _sen(Tag.amount).label("a"),
               func.coalesce(Tag.target_count, 0).label("t"))
        .select_from(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.fiscal_year_id == f.fiscal_year_id)
    )
    for n in dict.fromkeys(numbers):
        stmt, (r, p, c) = _quarter_joins(stmt, n, f.verified_only)
        stmt = stmt.add_columns(r.label(f"r{n}"), p.label(f"p{n}"), c.label(f"c{n}"))
    if f.strategy_code is not None:
        stmt = stmt.where(Tag.strategy_id.in_(
            select(Strategy.id).where(Strategy.code == f.strategy_code)))
    if f.tag_kind_code is not None:
        stmt = stmt.where(Tag.tag_kind_id.in_(
            select(TagKind.id).where(TagKind.code == f.tag_kind_code)))
    if f.opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == f.opd_id)
    if f.funding_source_id is not None:
        stmt = stmt.where(SubActivity.funding_source_id == f.funding_source_id)
    if f.sub_activity_id is not None:
        stmt = stmt.where(SubActivity.id == f.sub_activity_id)
    if f.district_id is not None:
        stmt = stmt.where(Tag.id.in_(
            select(TagVillage.tag_id).join(Village, Village.id == TagVillage.village_id)
            .where(Village.district_id == f.district_id)))
    return stmt.cte("tagbase")


def _check(f: RollupFilter) -> tuple[int, int]:
    if f.quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    return f.quarter, (f.quarter - 1 if f.flow else 0)


def _measures(b, cur: int, prev: int):
    """Aggregates over the tag base: tags, tagged sen, realized sen, progress*sen, target,
    reached."""
    return (
        func.count(b.c.tag_id), func.sum(b.c.a),
        func.sum(b.c[f"r{cur}"] - b.c[f"r{prev}"]),
        func.sum((b.c[f"p{cur}"] - b.c[f"p{prev}"]) * b.c.a),
        func.sum(b.c.t), func.sum(b.c[f"c{cur}"] - b.c[f"c{prev}"]),
    )


# --- rows ------------------------------------------------------------------------------------

def _ratio(num, den, scale=1) -> Decimal | None:
    if not den:
        return None
    return (Decimal(str(num or 0)) * scale / Decimal(den)).quantize(CENT, ROUND_HALF_UP)


def _row(key, code, label, tags, a, r, pw, target, reached) -> RollupRow:
    a, r = int(a or 0), int(r or 0)
    return RollupRow(
        key=key, code="" if code is None else str(code), label=label or "",
        tags=int(tags or 0), tagged=Decimal(a).scaleb(-2), realized=Decimal(r).scaleb(-2),
        absorption=_ratio(r, a, 100), physical=_ratio(pw, a), target=int(target or 0),
        reached=int(reached or 0),
    )


def _dimension(by: str, b, f: RollupFilter):
    """(select columns, from-clause builder, group-by, order-by) for a plain grouping."""
    if by == "strategy":
        cols = (Strategy.id, Strategy.code, Strategy.name)
        stmt = select(*cols).select_from(Strategy).outerjoin(b, b.c.strategy_id == Strategy.id)
        if f.strategy_code is not None:
            stmt = stmt.where(Strategy.code == f.strategy_code)
        return stmt, cols, (Strategy.code,)
    if by == "tag_kind":
        cols = (TagKind.code.label("kind_key"), TagKind.code, TagKind.name)
        stmt = select(*cols).select_from(TagKind).outerjoin(b, b.c.tag_kind_id == TagKind.id)
        if f.tag_kind_code is not None:
            stmt = stmt.where(TagKind.code == f.tag_kind_code)
        return stmt, (TagKind.code, TagKind.name, TagKind.sort_order), (TagKind.sort_order,)
    if by == "opd":
        cols = (Opd.id, Opd.code, Opd.name)
        return select(*cols).select_from(b).join(Opd, Opd.id == b.c.opd_id), cols, (Opd.code,)
    if by == "funding_source":
        fs = FundingSource
        cols = (fs.id, fs.code, fs.name)
        stmt = select(*cols).select_from(b).outerjoin(fs, fs.id == b.c.funding_source_id)
        return stmt, cols, (case((fs.id.is_(None), 1), else_=0), fs.code)
    if by == "sub_activity":
        sa = SubActivity
        cols = (sa.id, sa.code, sa.name)
        return (select(*cols).select_from(b).join(sa, sa.id == b.c.sub_activity_id), cols,
                (sa.code, sa.id))
    if by == "tag":
        cols = (Tag.id, SubActivity.code, Tag.description)
        stmt = (select(*cols).select_from(b).join(Tag, Tag.id == b.c.tag_id)
                .join(SubActivity, SubActivity.id == Tag.sub_activity_id))
        return stmt, cols, (SubActivity.code, Tag.id)
    raise ValueError(f"unknown grouping {by!r}")


def _grouped(f: RollupFilter, by: str, extra=()):
    cur, prev = _check(f)
    b = _base(f, (cur, prev))
    stmt, group, order = _dimension(by, b, f)
    stmt = stmt.add_columns(*_measures(b, cur, prev), *extra)
    return db.session.execute(stmt.group_by(*group, *extra).order_by(*order)).all()


def _area(f: RollupFilter, by: str) -> list[RollupRow]:
    cur, prev = _check(f)
    b = _base(f, (cur, prev))
    tvs = (select(TagVillage.tag_id, func.sum(func.coalesce(TagVillage.amount, 0)).label("s"),
                  func.count().label("n"))
           .group_by(TagVillage.tag_id).subquery("tvs"))
    weight = case((tvs.c.s > 0, func.coalesce(TagVillage.amount, 0)), else_=1)
    basis = case((tvs.c.s > 0, case((tvs.c.s > b.c.amount, tvs.c.s), else_=b.c.amount)),
                 else_=tvs.c.n)

    def part(x):
        return _floor(ONE * x * weight / basis)

    rc, rp = b.c[f"r{cur}"], b.c[f"r{prev}"]
    cc, cp = b.c[f"c{cur}"], b.c[f"c{prev}"]
    pw = (b.c[f"p{cur}"] - b.c[f"p{prev}"]) * b.c.a
    parts = (
        select(TagVillage.tag_id, TagVillage.village_id, part(b.c.a).label("a"),
               part(rc).label("rc"), part(rp).label("rp"), (ONE * pw * weight / basis).label("pw"),
               part(b.c.t).label("t"), part(cc).label("cc"), part(cp).label("cp"))
        .select_from(TagVillage).join(b, b.c.tag_id == TagVillage.tag_id)
        .join(tvs, tvs.c.tag_id == TagVillage.tag_id)
    ).cte("parts")
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
    result = db.session.execute(union_all(placed, rest)).all()
    rows = sorted((r for r in result if r[0] is not None), key=lambda r: (r[1], r[0]))
    for r in result:
        if r[0] is None and (r[3] or r[4] or r[5] or r[7] or r[8]):
            rows.append((None, "", NO_LOKUS, *r[3:]))
    return [_row(*r) for r in rows]


# --- the contract ----------------------------------------------------------------------------

def rollup(f: RollupFilter, by: str) -> list[RollupRow]:
    """The figures grouped `by` one of GROUPINGS, ordered by code; one SQL statement."""
    if by in ("village", "district"):
        return _area(f, by)
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    rows = _grouped(f, by)
    if by == "tag":
        return [_row(r[0], r[1], r[2] or f"Penandaan #{r[0]}", *r[3:]) for r in rows]
    return [_row(*r) for r in rows]


def total(f: RollupFilter) -> RollupRow:
    cur, prev = _check(f)
    b = _base(f, (cur, prev))
    r = db.session.execute(select(*_measures(b, cur, prev))).one()
    return _row(None, "", "Jumlah", *r)


def trend(f: RollupFilter) -> list[RollupRow]:
    """To-date figures at the end of each quarter 1..4 (f.quarter and f.flow are ignored)."""
    b = _base(f, (1, 2, 3, 4))
    cols = [func.count(b.c.tag_id), func.sum(b.c.a), func.sum(b.c.t)]
    for n in (1, 2, 3, 4):
        cols += [func.sum(b.c[f"r{n}"]), func.sum(b.c[f"p{n}"] * b.c.a), func.sum(b.c[f"c{n}"])]
    r = db.session.execute(select(*cols)).one()
    tags, a, t = r[0], r[1], r[2]
    return [_row(n, str(n), f"Triwulan {ROMAN[n]}", tags, a, r[3 * n], r[3 * n + 1], t,
                 r[3 * n + 2]) for n in (1, 2, 3, 4)]


def incentive_index(f: RollupFilter) -> dict:
    """PMK 97/2023 fiscal-incentive realization index: each tag kind's absorption weighed by
    its weight (direct 50, indirect 30, supporting 20). Absorption above 100 % (an anomaly)
    counts as 100; a kind with nothing tagged counts as 0.

    Returns {"kinds": [{code, label, weight, tagged, realized, absorption, score}], "index"}.
    """
    kinds, index = [], Decimal("0")
    for r in _grouped(f, "tag_kind", extra=(TagKind.weight,)):
        row = _row(*r[:-1])
        weight = Decimal(str(r[-1]))
        capped = min(row.absorption or Decimal("0"), Decimal("100"))
        score = (weight * capped / 100).quantize(CENT, ROUND_HALF_UP)
        index += score
        kinds.append({"code": row.key, "label": row.label, "weight": weight,
                      "tagged": row.tagged, "realized": row.realized,
                      "absorption": row.absorption, "score": score, "row": row})
    return {"kinds": kinds, "index": index.quantize(CENT)}


__all__ = ["GROUPINGS", "NO_LOKUS", "RollupFilter", "RollupRow", "incentive_index", "rollup",
           "total", "trend"]

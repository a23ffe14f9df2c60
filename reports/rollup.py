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
    bindparam,
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


# --- statements built once per shape -------------------------------------------------------
# Building a statement (aliases, CTE, column proxies) costs several times what running it does
# at small sizes, so each is built once per "shape" - the kind of query, its grouping, quarter
# numbers, verified_only and which filters are set - with the filter values as bind parameters
# given at execution. That also lets SQLAlchemy's compiled cache hit.

FILTERS = ("strategy_code", "tag_kind_code", "opd_id", "funding_source_id", "sub_activity_id",
           "district_id")
_STATEMENTS: dict[tuple, object] = {}


def _p(name: str):
    """The bind parameter for RollupFilter field `name` ("fy" for the fiscal year)."""
    return bindparam(name)


def _shape(f: RollupFilter) -> tuple:
    return (f.verified_only, *(getattr(f, n) is not None for n in FILTERS))


def _params(f: RollupFilter) -> dict:
    params = {n: getattr(f, n) for n in FILTERS if getattr(f, n) is not None}
    params["fy"] = f.fiscal_year_id
    return params


def _execute(key: tuple, f: RollupFilter, build):
    """Run the statement of shape `key` (+ the filter's shape), built by `build()` once."""
    key = (*key, *_shape(f))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build()
    return db.session.execute(stmt, _params(f))


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
        .where(SubActivity.fiscal_year_id == _p("fy"))
    )
    for n in dict.fromkeys(numbers):
        stmt, (r, p, c) = _quarter_joins(stmt, n, f.verified_only)
        stmt = stmt.add_columns(r.label(f"r{n}"), p.label(f"p{n}"), c.label(f"c{n}"))
    if f.strategy_code is not None:
        stmt = stmt.where(Tag.strategy_id.in_(
            select(Strategy.id).where(Strategy.code == _p("strategy_code"))))
    if f.tag_kind_code is not None:
        stmt = stmt.where(Tag.tag_kind_id.in_(
            select(TagKind.id).where(TagKind.code == _p("tag_kind_code"))))
    if f.opd_id is not None:
        stmt = stmt.where(SubActivity.opd_id == _p("opd_id"))
    if f.funding_source_id is not None:
        stmt = stmt.where(SubActivity.funding_source_id == _p("funding_source_id"))
    if f.sub_activity_id is not None:
        stmt = stmt.where(SubActivity.id == _p("sub_activity_id"))
    if f.district_id is not None:
        stmt = stmt.where(Tag.id.in_(
            select(TagVillage.tag_id).join(Village, Village.id == TagVillage.village_id)
            .where(Village.district_id == _p("district_id"))))
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
            stmt = stmt.where(Strategy.code == _p("strategy_code"))
        return stmt, cols, (Strategy.code,)
    if by == "tag_kind":
        cols = (TagKind.code.label("kind_key"), TagKind.code, TagKind.name)
        stmt = select(*cols).select_from(TagKind).outerjoin(b, b.c.tag_kind_id == TagKind.id)
        if f.tag_kind_code is not None:
            stmt = stmt.where(TagKind.code == _p("tag_kind_code"))
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

    def build():
        b = _base(f, (cur, prev))
        if by in ("strategy", "tag_kind", "opd", "funding_source"):
            return _per_reference(f, by, b, cur, prev, extra)
        stmt, group, order = _dimension(by, b, f)
        stmt = stmt.add_columns(*_measures(b, cur, prev), *extra)
        return stmt.group_by(*group, *extra).order_by(*order)
    return _execute(("grouped", by, bool(extra), cur, prev), f, build).all()


def _pre_grouped(fk, measures):
    return (select(fk.label("k"), *(m.label(f"m{i}") for i, m in enumerate(measures)))
            .group_by(fk).subquery("g"))


def _m(g, measures):
    return [g.c[f"m{i}"] for i in range(len(measures))]


def _per_reference(f: RollupFilter, by: str, b, cur: int, prev: int, extra):
    """Grouped by a reference table's key: the tag base is grouped by its key first and the
    reference table joined to those few rows (joining the whole base to the reference table
    and grouping after costs SQLite up to 3x). Every strategy and tag kind, empty ones too;
    OPDs with tags; funding sources with tags, and the tags without one (key None) last."""
    if by == "opd":
        measures = _measures(b, cur, prev)
        g = _pre_grouped(b.c.opd_id, measures)
        return (select(Opd.id, Opd.code, Opd.name, *_m(g, measures)).select_from(g)
                .join(Opd, Opd.id == g.c.k).order_by(Opd.code))
    if by == "funding_source":
        fs, measures = FundingSource, _measures(b, cur, prev)
        g = _pre_grouped(b.c.funding_source_id, measures)
        return (select(fs.id, fs.code, fs.name, *_m(g, measures)).select_from(g)
                .outerjoin(fs, fs.id == g.c.k)
                .order_by(case((fs.id.is_(None), 1), else_=0), fs.code))
    if by == "strategy":
        ref, key, fk = Strategy, Strategy.id, b.c.strategy_id
        cols, code, order = (Strategy.id, Strategy.code, Strategy.name), f.strategy_code, (
            Strategy.code,)
    else:
        ref, key, fk = TagKind, TagKind.id, b.c.tag_kind_id
        cols, code, order = ((TagKind.code.label("kind_key"), TagKind.code, TagKind.name),
                             f.tag_kind_code, (TagKind.sort_order,))
    measures = _measures(b, cur, prev)
    g = _pre_grouped(fk, measures)
    stmt = select(*cols, *_m(g, measures), *extra).select_from(ref).outerjoin(g, g.c.k == key)
    if code is not None:
        stmt = stmt.where(ref.code == _p(f"{by}_code"))
    return stmt.order_by(*order)


def _area(f: RollupFilter, by: str) -> list[RollupRow]:
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

    def part(x):
        return _floor(ONE * x * weight / basis)

    rc, rp = b.c[f"r{cur}"], b.c[f"r{prev}"]
    cc, cp = b.c[f"c{cur}"], b.c[f"c{prev}"]
    pw = (b.c[f"p{cur}"] - b.c[f"p{prev}"]) * b.c.a
    parts = (
        select(TagVillage.tag_id, TagVillage.village_id, part(b.c.a).label("a"),
               part(rc).label("rc"), part(rp).label("rp"), (ONE * pw * weight / basis).label("pw"),
               part(b.c.t).label("t"), part(cc).label("cc"), part(cp).label("cp"))
        .select_from(tvs).join(TagVillage, TagVillage.tag_id == tvs.c.tag_id)
        .join(b, b.c.tag_id == TagVillage.tag_id)
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
    return union_all(placed, rest)


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

    def build():
        b = _base(f, (cur, prev))
        return select(*_measures(b, cur, prev))
    r = _execute(("total", cur, prev), f, build).one()
    return _row(None, "", "Jumlah", *r)


def trend(f: RollupFilter) -> list[RollupRow]:
    """To-date figures at the end of each quarter 1..4 (f.quarter and f.flow are ignored)."""
    rows = _execute(("trend",), f, lambda: _trend_statement(f)).all()
    head = next(r for r in rows if r[0] is None)
    by_n = {r[0]: r for r in rows if r[0] is not None}
    tags, a, t = head[1], head[2], head[3]
    out = []
    for n in (1, 2, 3, 4):
        # A quarter without realization rows sums to 0 over the tags, as a missing row means.
        r, pw, c = by_n[n][4:] if n in by_n else (0, 0, 0)
        if not tags:
            r = pw = c = None
        out.append(_row(n, str(n), f"Triwulan {ROMAN[n]}", tags, a, r, pw, t, c))
    return out


def _trend_statement(f: RollupFilter):
    """The tag totals (quarter NULL) and, in one GROUP BY quarter over the realization rows of
    the filtered tags, each quarter's sums: one pass instead of one join per quarter."""
    b = _base(f, ())
    q, r = aliased(Quarter, name="q"), aliased(Realization, name="r")
    head = select(cast(null(), Integer), func.count(b.c.tag_id), func.sum(b.c.a),
                  func.sum(b.c.t), cast(null(), BigInteger), null(), cast(null(), BigInteger))
    per_quarter = (
        select(q.number, cast(null(), BigInteger), cast(null(), BigInteger),
               cast(null(), BigInteger), func.sum(_sen(r.amount)),
               func.sum(r.physical_progress * b.c.a), func.sum(r.reached_count))
        .select_from(b).join(r, r.tag_id == b.c.tag_id)
        .join(q, and_(q.id == r.quarter_id, q.fiscal_year_id == _p("fy")))
    )
    if f.verified_only:
        s = aliased(Submission, name="s")
        per_quarter = per_quarter.join(s, and_(s.opd_id == b.c.opd_id, s.quarter_id == q.id,
                                               s.status == "verified"))
    return union_all(head, per_quarter.group_by(q.number))


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

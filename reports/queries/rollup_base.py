"""The rollup's building blocks: the filter and row types, portable SQL pieces (sen, floor),
the statement cache, and the tag base CTE every rollup statement starts from.

Money is summed exactly and comes back in whole sen: SQLite, which keeps NUMERIC as floating
point, sums whole sen (integers), PostgreSQL its NUMERIC (`_summable`, `_sum_sen`); divisions are
done in Decimal on the grouped figures. Realization is
stored to date per tag and quarter; a missing row means 0 to date. Verified only, a quarter
shows the OPD's last verified figures (reports/queries/verified.py). See reports/queries/rollup.py
for the contract and reports/queries/apportion.py for the per-desa split.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, and_, bindparam, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from models import (
    Quarter,
    Realization,
    Strategy,
    SubActivity,
    Tag,
    TagKind,
    TagTheme,
    TagVillage,
    Village,
    db,
)
from reports.queries import verified

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
    verified_only: bool = False   # verified figures, carried forward (reports/queries/verified.py)
    sub_activity_id: int | None = None  # addition to the contract: the last drill-down level
    theme_id: int | None = None   # only tags serving this theme (issue 17; a tag once per theme)


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
    # Trend rows: how many OPDs' figures at this quarter are carried forward from an earlier
    # quarter (reports/queries/verified.py); 0 elsewhere.
    carried: int = 0


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


class _summable(FunctionElement):
    """Money ready to be summed exactly. PostgreSQL sums NUMERIC exactly, so the rupiah itself
    (scaling every row to sen took a quarter of a rollup query's time there); SQLite's NUMERIC
    is a float, so whole sen as `_sen`. A SUM of these goes back to sen with `_sum_sen`."""

    type = BigInteger()
    name = "summable"
    inherit_cache = True


@compiles(_summable)
def _summable_default(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(_summable, "sqlite")
def _summable_sqlite(element, compiler, **kw):
    return _sen_sqlite(element, compiler, **kw)


class _sum_sen(FunctionElement):
    """A SUM of `_summable` money (or of it times a percentage) in sen: x100 once per group on
    PostgreSQL; on SQLite it already is."""

    name = "sum_sen"
    inherit_cache = True


@compiles(_sum_sen)
def _sum_sen_default(element, compiler, **kw):
    return f"(({compiler.process(element.clauses, **kw)}) * 100)"


@compiles(_sum_sen, "sqlite")
def _sum_sen_sqlite(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)})"


ONE = literal_column("1.0")  # forces decimal (not integer) division on both backends
ZERO_COL = literal_column("0")


# --- statements built once per shape -------------------------------------------------------
# Building a statement (aliases, CTE, column proxies) costs several times what running it does
# at small sizes, so each is built once per "shape" - the kind of query, its grouping, quarter
# numbers, verified_only and which filters are set - with the filter values as bind parameters
# given at execution. That also lets SQLAlchemy's compiled cache hit.

FILTERS = ("strategy_code", "tag_kind_code", "opd_id", "funding_source_id", "sub_activity_id",
           "district_id", "theme_id")
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
    """Outer-join each tag's figure to date at quarter `n`; return the statement and (sen,
    progress, reached). The figure is the row of the tag's latest quarter <= n that has one
    (carried forward); verified only, of the OPD's last verified quarter up to `n` at most
    (the rule and why: reports/queries/verified.py)."""
    if n < 1:
        return stmt, (ZERO_COL, ZERO_COL, ZERO_COL, ZERO_COL)
    q = aliased(Quarter, name=f"q{n}")
    r = aliased(Realization, name=f"r{n}")
    stmt, k = verified.figure_at(stmt, n, verified_only, Tag.realized_quarters,
                                 SubActivity.opd_id, f"lf{n}")
    stmt = stmt.outerjoin(q, and_(q.fiscal_year_id == SubActivity.fiscal_year_id, q.number == k))
    stmt = stmt.outerjoin(r, and_(r.tag_id == Tag.id, r.quarter_id == q.id))
    amount = func.coalesce(r.amount, 0)
    return stmt, (_sen(amount), _summable(amount), func.coalesce(r.physical_progress, 0),
                  func.coalesce(r.reached_count, 0))


def _base(f: RollupFilter, numbers: tuple[int, ...]):
    """A CTE of the filtered tags: ids, dimensions, the quarters with a row (`mask`), amount in
    rupiah (`amount`), sen (`a`) and summable (`ax`, `_summable`), target `t`, and per quarter
    number n in `numbers`: r{n} sen, rx{n} summable, p{n} progress, c{n} reached. A statement
    that reads the CTE once computes only the columns it reads (both backends flatten it)."""
    stmt = (
        select(Tag.id.label("tag_id"), Tag.sub_activity_id, Tag.strategy_id, Tag.tag_kind_id,
               SubActivity.opd_id, SubActivity.funding_source_id,
               Tag.realized_quarters.label("mask"), Tag.amount.label("amount"),
               _sen(Tag.amount).label("a"), _summable(Tag.amount).label("ax"),
               func.coalesce(Tag.target_count, 0).label("t"))
        .select_from(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.fiscal_year_id == _p("fy"))
    )
    for n in dict.fromkeys(numbers):
        stmt, (r, rx, p, c) = _quarter_joins(stmt, n, f.verified_only)
        stmt = stmt.add_columns(r.label(f"r{n}"), rx.label(f"rx{n}"), p.label(f"p{n}"),
                                c.label(f"c{n}"))
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
    if f.theme_id is not None:
        stmt = stmt.where(Tag.id.in_(
            select(TagTheme.tag_id).where(TagTheme.theme_id == _p("theme_id"))))
    return stmt.cte("tagbase")


def _check(f: RollupFilter) -> tuple[int, int]:
    if f.quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    return f.quarter, (f.quarter - 1 if f.flow else 0)


def _measures(b, cur: int, prev: int):
    """Aggregates over the tag base: tags, tagged sen, realized sen, progress*sen, target,
    reached."""
    return (
        func.count(b.c.tag_id), _sum_sen(func.sum(b.c.ax)),
        _sum_sen(func.sum(b.c[f"rx{cur}"] - b.c[f"rx{prev}"])),
        _sum_sen(func.sum((b.c[f"p{cur}"] - b.c[f"p{prev}"]) * b.c.ax)),
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

"""Plan versus realization: the one rollup the dashboard, the PDF/XLSX report and the API share.

Every call is a single SQL statement with GROUP BY. Money is summed exactly and comes back in
whole sen: SQLite, which keeps NUMERIC as floating point, sums whole sen (integers); PostgreSQL
sums its NUMERIC and scales the sum (rollup_base `_summable`); divisions (absorption, physical
progress) are done in Decimal on the grouped figures and rounded there.

Realization is stored to date (cumulative) per tag and quarter; a quarter without a row carries
the tag's latest earlier figure forward, marked (none up to it: 0; reports/queries/verified.py).
The flow of quarter q is the figure to date at q minus the figure to date at q-1, so the flows
of quarters 1..q add up to the figure to date at q. In flow mode `physical` is likewise the
progress gained in the quarter (percentage points, weighted by tagged amount).

For `village`/`district`, a tag is shared among its desa in whole rupiah
(reports/queries/apportion.py);
what it does not place in a desa is the row with key None "Tanpa lokus / tidak terbagi", so the
rows still add up to the total. Verified only: reports/queries/verified.py.

The building blocks (filter, row, SQL pieces, tag base) are in reports/queries/rollup_base.py.
"""
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from models import FundingSource, Opd, Quarter, Realization, Strategy, SubActivity, Tag, TagKind
from reports.queries import verified
from reports.queries.apportion import area_rows
from reports.queries.rollup_base import (
    CENT,
    GROUPINGS,
    NO_LOKUS,
    ROMAN,
    RollupFilter,
    RollupRow,
    _base,
    _check,
    _execute,
    _measures,
    _p,
    _row,
    _sum_sen,
    _summable,
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


# --- the contract ----------------------------------------------------------------------------

def rollup(f: RollupFilter, by: str) -> list[RollupRow]:
    """The figures grouped `by` one of GROUPINGS, ordered by code; one SQL statement."""
    if by in ("village", "district"):
        return area_rows(f, by)
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


def targets_by_unit(f: RollupFilter) -> list[tuple[str, int, int]]:
    """[(unit, target, reached to date at f.quarter)] of the filtered tags, one row per target
    unit ("" when none is given; units as typed): beneficiaries are added up per unit (KK,
    jiwa, unit, desa), never across units. One statement."""
    cur, _ = _check(f)

    def build():
        b = _base(f, (cur,))
        unit = Tag.target_unit
        return (select(unit, func.sum(b.c.t), func.sum(b.c[f"c{cur}"]))
                .select_from(b).join(Tag, Tag.id == b.c.tag_id)
                .group_by(unit).order_by(unit))
    return [(u, int(t or 0), int(c or 0))
            for u, t, c in _execute(("targets", cur), f, build).all()]


def trend(f: RollupFilter) -> list[RollupRow]:
    """To-date figures at the end of each quarter 1..4 (f.quarter and f.flow are ignored);
    `carried` counts the OPDs whose figure at the quarter is carried forward."""
    row = _execute(("trend",), f, lambda: _trend_statement(f)).one()
    tags, a, t = row[:3]
    out = []
    for i, n in enumerate(verified.QUARTERS):
        r, pw, c, carried = row[3 + 4 * i:7 + 4 * i]
        if not tags:
            r = pw = c = None
        out.append(replace(_row(n, str(n), f"Triwulan {ROMAN[n]}", tags, a, r, pw, t, c),
                           carried=int(carried or 0)))
    return out


def _trend_statement(f: RollupFilter):
    """One row: the tag totals, then per quarter n the sums of each tag's figure to date at n
    and the number of OPDs with a figure carried from an earlier quarter.

    The year's rows are read once, joined to the tag base and grouped the way the floor groups
    them (by quarter), and also by OPD and the tags' stored quarters, which is all the
    carried-forward rule needs (verified.figures_by_quarter): a group's sums count at n when its
    quarter is the one the rule picks. A tag's own figures are counted in one group only: that
    of its first row (or of no row). A quarter no tag has a figure for sums to 0."""
    b = _base(f, ())
    q, r = aliased(Quarter, name="tq"), aliased(Realization, name="tr")
    # Two plain outer joins, the year's rows picked by quarter id: SQLite ran an outer join to
    # (realization JOIN quarter) as a materialised join searched per tag, 1.6x slower.
    year = select(Quarter.id).where(Quarter.fiscal_year_id == _p("fy"))
    joined = (b.outerjoin(r, and_(r.tag_id == b.c.tag_id, r.quarter_id.in_(year)))
              .outerjoin(q, q.id == r.quarter_id))
    g = (select(b.c.opd_id, b.c.mask, q.number.label("j"), func.count(b.c.tag_id).label("tags"),
                func.sum(b.c.ax).label("a"), func.sum(b.c.t).label("t"),
                func.sum(_summable(r.amount)).label("amount"),
                func.sum(r.physical_progress * b.c.ax).label("pw"),
                func.sum(r.reached_count).label("reached"))
         .select_from(joined)
         .group_by(b.c.opd_id, b.c.mask, q.number).subquery("g"))
    joined, k = verified.figures_by_quarter(g, f.verified_only)
    own = or_(g.c.j.is_(None), g.c.j == verified.first_quarter(g.c.mask))
    cols = [func.sum(case((own, g.c.tags))), _sum_sen(func.sum(case((own, g.c.a)))),
            func.sum(case((own, g.c.t)))]
    for n in verified.QUARTERS:
        at = g.c.j == k[f"k{n}"]
        cols += [_sum_sen(func.sum(case((at, g.c.amount)))),
                 _sum_sen(func.sum(case((at, g.c.pw)))), func.sum(case((at, g.c.reached))),
                 func.count(distinct(case((and_(at, g.c.j < n), g.c.opd_id))))]
    return select(*cols).select_from(joined)


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
           "targets_by_unit", "total", "trend"]

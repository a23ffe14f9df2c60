"""The rollup by the strategies of another framework (issue 17): Permendagri 53/2020 beside the
default Inpres 4/2022 jo. 8/2025.

Tags keep their Inpres strategy; `strategy_mapping` sends each Inpres strategy to exactly one
strategy of a framework. A tag's figures therefore land in exactly one row and the rows add up
to `rollup.total(f)`; a strategy left unmapped (an admin's omission) shows as its own row
"Belum dipetakan" rather than vanishing. One grouped statement (built once per shape, as every
rollup) plus a read of the framework's few strategies.
"""
from sqlalchemy import bindparam, select

from models import Framework, FrameworkStrategy, Strategy, StrategyMapping, db
from reports.queries.rollup_base import (
    _STATEMENTS,
    RollupFilter,
    RollupRow,
    _base,
    _check,
    _measures,
    _params,
    _row,
    _shape,
)

UNMAPPED = "Belum dipetakan ke kerangka ini"


def framework_of(code: str | None) -> Framework | None:
    """The framework with this code; the default one for None or ""."""
    if code:
        return db.session.scalar(select(Framework).where(Framework.code == code))
    return db.session.scalar(select(Framework).where(Framework.is_default))


def _statement(f: RollupFilter, cur: int, prev: int):
    b = _base(f, (cur, prev))
    m = StrategyMapping
    return (select(m.framework_strategy_id, *_measures(b, cur, prev)).select_from(b)
            .outerjoin(m, (m.strategy_id == b.c.strategy_id)
                       & (m.framework_id == bindparam("framework_id")))
            .group_by(m.framework_strategy_id))


def rollup_by_framework(f: RollupFilter, framework_id: int) -> list[RollupRow]:
    """One row per strategy of the framework (empty ones too), in code order, keyed by the
    framework strategy's code; then the unmapped row (key None) when a tag has no mapping."""
    cur, prev = _check(f)
    key = ("framework", cur, prev, *_shape(f))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = _statement(f, cur, prev)
    sums = {r[0]: r[1:] for r in db.session.execute(
        stmt, {**_params(f), "framework_id": framework_id})}
    strategies = db.session.scalars(
        select(FrameworkStrategy).where(FrameworkStrategy.framework_id == framework_id)
        .order_by(FrameworkStrategy.code)).all()
    rows = [_row(s.code, s.code, s.name, *sums.get(s.id, (0,) * 6)) for s in strategies]
    if None in sums and sums[None][0]:
        rows.append(_row(None, "", UNMAPPED, *sums[None]))
    return rows




def relabel_matrix(rows: list, framework_id: int) -> list:
    """The Kemenko matrix rows under the framework's strategies: each row's strategy (the
    PDF's group heading and column 2) becomes its mapped strategy, rows regrouped by it and
    renumbered; amounts are untouched, so the totals row stays as it was."""
    from dataclasses import replace

    mapping = {code: (fcode, fname) for code, fcode, fname in db.session.execute(
        select(Strategy.code, FrameworkStrategy.code, FrameworkStrategy.name)
        .join(StrategyMapping, StrategyMapping.strategy_id == Strategy.id)
        .join(FrameworkStrategy, FrameworkStrategy.id == StrategyMapping.framework_strategy_id)
        .where(StrategyMapping.framework_id == framework_id))}
    unmapped = (0, UNMAPPED)
    out = []
    for row in sorted(rows, key=lambda r: mapping.get(r.strategy[0], unmapped)[0]):
        code, name = mapping.get(row.strategy[0], unmapped)
        values = (len(out) + 1, f"{code}. {name}", *row.values[2:])
        out.append(replace(row, strategy=(code, name), values=values))
    return out


__all__ = ["UNMAPPED", "framework_of", "relabel_matrix", "rollup_by_framework"]

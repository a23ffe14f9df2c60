"""Themes (issue 17): the rollup per theme and the cross-theme (KLASIK) view.

A tag belongs to a theme at most once (unique tag_theme pair), so a theme's figures count each
tag once; a tag serving two themes counts once in each theme and once in the total (the total
is `rollup.total` over tags, not the sum of the theme rows). The cross-theme view is the spend
of the tags serving two or more themes. Statements built once per shape, as every rollup.
"""
from sqlalchemy import func, select

from models import SubActivity, Tag, TagTheme, Theme, db
from reports.queries.rollup_base import (
    RollupFilter,
    RollupRow,
    _base,
    _check,
    _execute,
    _measures,
    _row,
)


def _multi():
    """Tags serving two or more themes."""
    return (select(TagTheme.tag_id).group_by(TagTheme.tag_id)
            .having(func.count(TagTheme.theme_id) >= 2))


def by_theme(f: RollupFilter) -> list[RollupRow]:
    """Every theme (the default first, then by name) with the figures of its tags."""
    cur, prev = _check(f)

    def build():
        b = _base(f, (cur, prev))
        measures = _measures(b, cur, prev)
        g = (select(TagTheme.theme_id.label("k"),
                    *(m.label(f"m{i}") for i, m in enumerate(measures)))
             .select_from(b).join(TagTheme, TagTheme.tag_id == b.c.tag_id)
             .group_by(TagTheme.theme_id).subquery("g"))
        return (select(Theme.id, Theme.code, Theme.name,
                       *(g.c[f"m{i}"] for i in range(len(measures))))
                .select_from(Theme).outerjoin(g, g.c.k == Theme.id)
                .order_by(Theme.is_default.desc(), Theme.name))
    return [_row(*r) for r in _execute(("themes", cur, prev), f, build)]


def cross_theme(f: RollupFilter) -> tuple[RollupRow, list[tuple[RollupRow, list[str]]]]:
    """(total, [(tag row, its theme names)]) of the tags serving two or more themes."""
    cur, prev = _check(f)

    def build_total():
        b = _base(f, (cur, prev))
        return select(*_measures(b, cur, prev)).where(b.c.tag_id.in_(_multi()))

    def build_rows():
        b = _base(f, (cur, prev))
        return (select(Tag.id, SubActivity.code, Tag.description, *_measures(b, cur, prev))
                .select_from(b).join(Tag, Tag.id == b.c.tag_id)
                .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
                .where(b.c.tag_id.in_(_multi()))
                .group_by(Tag.id, SubActivity.code, Tag.description)
                .order_by(SubActivity.code, Tag.id))
    total = _row(None, "", "Jumlah lintas tema",
                 *_execute(("cross_total", cur, prev), f, build_total).one())
    rows = [_row(r[0], r[1], r[2] or f"Penandaan #{r[0]}", *r[3:])
            for r in _execute(("cross_rows", cur, prev), f, build_rows)]
    names: dict[int, list[str]] = {}
    if rows:
        stmt = (select(TagTheme.tag_id, Theme.name).join(Theme, Theme.id == TagTheme.theme_id)
                .where(TagTheme.tag_id.in_(_multi()))
                .order_by(Theme.is_default.desc(), Theme.name))
        for tag_id, name in db.session.execute(stmt):
            names.setdefault(tag_id, []).append(name)
    return total, [(r, names.get(r.key, [])) for r in rows]


__all__ = ["by_theme", "cross_theme"]

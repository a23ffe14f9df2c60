"""Themes and the tags that serve them (issue 17).

Kemiskinan Ekstrem is the default theme: it cannot be deleted, a new tag joins it (from any path
that creates tags through `save_tag`), and the tag form starts with it checked. A tag may serve
several themes but each at most once (unique pair), and at least one. The administrator adds
and removes the other themes (Stunting, Inflasi, ...); removing a theme removes its memberships,
never a tag. Every change is audited; services flush, the request commits.
"""
import re

from sqlalchemy import func, select

from app.core import audit
from app.core.errors import ServiceError
from models import Tag, TagTheme, Theme, db, utcnow

NAME_MAX = 120


def all_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.is_default.desc(), Theme.name)))


def _code(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "tema"


def create_theme(name: str, description: str = "") -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Nama tema wajib diisi.", field="name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Nama tema paling banyak {NAME_MAX} karakter.", field="name")
    code = _code(name)
    taken = db.session.scalar(select(func.count(Theme.id)).where(
        (func.lower(Theme.name) == name.lower()) | (Theme.code == code)))
    if taken:
        raise ServiceError(f"Tema \"{name}\" sudah ada.", field="name")
    theme = Theme(code=code, name=name, description=(description or "").strip()[:2000],
                  is_default=False)
    db.session.add(theme)
    audit.record_create(theme)
    return theme


def delete_theme(theme: Theme) -> int:
    """Delete a theme that is not the default; returns how many tags left it."""
    if theme.is_default:
        raise ServiceError(f"Tema {theme.name} adalah tema bawaan dan tidak dapat dihapus.")
    members = list(db.session.scalars(select(TagTheme).where(TagTheme.theme_id == theme.id)))
    for m in members:
        db.session.delete(m)
    audit.record_delete(theme, note=f"{len(members)} tagging dilepas dari tema ini")
    db.session.delete(theme)
    db.session.flush()
    return len(members)


def theme_ids_of(tag: Tag | None) -> set[int]:
    if tag is None:
        default = db.session.scalar(select(Theme.id).where(Theme.is_default))
        return {default} if default else set()
    return set(db.session.scalars(select(TagTheme.theme_id).where(TagTheme.tag_id == tag.id)))


def join_default(tag: Tag) -> None:
    """A new tag serves the default theme (called by save_tag on create)."""
    default = db.session.scalar(select(Theme).where(Theme.is_default))
    if default is not None:
        db.session.add(TagTheme(tag_id=tag.id, theme_id=default.id))
        db.session.flush()


def parse_ids(formdata) -> set[int] | None:
    """The checked theme ids of a tag form; None when the form had no theme box at all."""
    if not formdata.get("themes_shown"):
        return None
    out = set()
    for raw in formdata.getlist("theme_ids"):
        if raw.isdigit() and len(raw) < 10:
            out.add(int(raw))
    return out


def set_tag_themes(tag: Tag, wanted: set[int] | None) -> bool:
    """Make the tag serve exactly the themes `wanted` (None: leave them); True if it changed.
    At least one theme; unknown ids are refused."""
    if wanted is None:
        return False
    if not wanted:
        raise ServiceError("Pilih minimal satu tema.", errors={"themes": ["Pilih minimal satu "
                                                                           "tema."]})
    known = set(db.session.scalars(select(Theme.id).where(Theme.id.in_(wanted))))
    if known != wanted:
        raise ServiceError("Tema yang dipilih tidak dikenal.",
                           errors={"themes": ["Tema yang dipilih tidak dikenal."]})
    opd_id, parent = tag.sub_activity.opd_id, ("tag", tag.id)
    rows = {m.theme_id: m for m in db.session.scalars(
        select(TagTheme).where(TagTheme.tag_id == tag.id))}
    changed = False
    for theme_id, m in rows.items():
        if theme_id not in wanted:
            audit.record_delete(m, opd_id=opd_id, parent=parent)
            db.session.delete(m)
            changed = True
    for theme_id in wanted - set(rows):
        m = TagTheme(tag_id=tag.id, theme_id=theme_id)
        db.session.add(m)
        audit.record_create(m, opd_id=opd_id, parent=parent)
        changed = True
    if changed:
        tag.updated_at = utcnow()  # bumps the version: a stale form cannot undo the themes
    db.session.flush()
    return changed


def copy_themes(pairs: list[tuple[Tag, Tag]]) -> None:
    """Tags copied from others (a year rollover) serve the same themes: (source, copy) pairs,
    one query for all of them; a source with no theme gives its copy the default theme."""
    if not pairs:
        return
    held: dict[int, set[int]] = {}
    for tag_id, theme_id in db.session.execute(
            select(TagTheme.tag_id, TagTheme.theme_id)
            .where(TagTheme.tag_id.in_([source.id for source, _ in pairs]))):
        held.setdefault(tag_id, set()).add(theme_id)
    default = theme_ids_of(None)
    db.session.add_all(TagTheme(tag_id=copy.id, theme_id=i)
                       for source, copy in pairs for i in held.get(source.id) or default)
    db.session.flush()

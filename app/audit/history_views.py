"""A tag's realization history: every saved value per quarter, who and when, old -> new.
Readable by whoever may read the tag (the one guard, `load_for`)."""
from decimal import Decimal, InvalidOperation

from flask import render_template
from flask_login import login_required
from sqlalchemy import select

from app.core.money import format_number, format_percent, format_rupiah
from app.cycle import anomalies
from models import Tag, Village, db

from ..security import load_for
from . import history_bp, queries

FIELDS = {  # field -> (label, formatter)
    "amount": ("Realisasi keuangan", "money"),
    "physical_progress": ("Realisasi fisik", "pct"),
    "reached_count": ("Penerima manfaat", "count"),
    "villages": ("Penerima per desa", "villages"),
    "problems": ("Permasalahan", "text"),
    "follow_up": ("Tindak lanjut", "text"),
    "explanation": ("Penjelasan anomali", "text"),
    "anomalies": ("Anomali", "anomalies"),
}
ACTIONS = {"create": "Diisi", "update": "Diubah", "delete": "Dihapus"}


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _show(kind: str, value, villages: dict[int, str]) -> str:
    if value is None or value == "":
        return "-"
    if kind == "money":
        return format_rupiah(_decimal(value))
    if kind == "pct":
        return format_percent(_decimal(value), 2)
    if kind == "count":
        return format_number(value)
    if kind == "anomalies":
        return ", ".join(anomalies.describe(value)) or "-"
    if kind == "villages":
        return ", ".join(f"{villages.get(int(k), k)}: {format_number(v)}"
                         for k, v in sorted(value.items())) or "-"
    return str(value)


def _changes(entry, villages) -> list[tuple[str, str, str]]:
    old, new = entry.old_values or {}, entry.new_values or {}
    out = []
    for field, (label, kind) in FIELDS.items():
        if field not in new and field not in old:
            continue
        before = None if entry.action == "create" else old.get(field)
        after = None if entry.action == "delete" else new.get(field)
        if entry.action == "create" and after in (None, "", {}) and field != "amount":
            continue
        out.append((label, _show(kind, before, villages), _show(kind, after, villages)))
    return out


def _village_names(rows) -> dict[int, str]:
    ids = set()
    for entry, _q, _u in rows:
        for values in (entry.old_values or {}, entry.new_values or {}):
            ids |= {int(k) for k in (values.get("villages") or {})}
    if not ids:
        return {}
    return dict(db.session.execute(select(Village.id, Village.name)
                                   .where(Village.id.in_(ids))).all())


@history_bp.route("/realisasi/<int:tag_id>")
@login_required
def realization(tag_id: int):
    tag = load_for(Tag, tag_id)
    rows = queries.realization_history(tag.id)
    villages = _village_names(rows)
    quarters: dict[int, list] = {}
    for entry, quarter, user_name in rows:
        quarters.setdefault(quarter, []).append({
            "at": entry.at, "who": user_name or "-", "action": ACTIONS.get(entry.action,
                                                                          entry.action),
            "note": entry.note, "changes": _changes(entry, villages)})
    return render_template("audit/realization_history.html", tag=tag, sa=tag.sub_activity,
                           quarters=quarters)

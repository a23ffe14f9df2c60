"""Editing a framework's strategy mapping (issue 17): each Inpres strategy goes to exactly one
strategy of the framework, so a report in that framework totals what the Inpres one does.

The rule is enforced by the shape of the edit: the admin picks one target for every Inpres
strategy (no "none" choice), every target must be a strategy of the same framework, and the
rows are keyed (framework, Inpres strategy) in the table. The default framework (Inpres) is
the identity and is not edited. The mapping has no version column: the form carries a
fingerprint of the mapping it showed, and a save whose fingerprint no longer matches (someone
saved in between) is refused as stale; the framework row is locked for the check-and-write so
two saves at once cannot both pass it. Audited as one update of the framework's mapping.
"""
import hashlib

from sqlalchemy import select

from app.core import audit
from app.core.errors import ServiceError, StaleError
from models import Framework, FrameworkStrategy, Strategy, StrategyMapping, db


def current(framework_id: int) -> dict[int, int]:
    """{Inpres strategy id: framework strategy id} as stored now."""
    return dict(db.session.execute(
        select(StrategyMapping.strategy_id, StrategyMapping.framework_strategy_id)
        .where(StrategyMapping.framework_id == framework_id)).all())


def fingerprint(mapping: dict[int, int]) -> str:
    text = ",".join(f"{s}:{t}" for s, t in sorted(mapping.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _codes(framework_id: int, mapping: dict[int, int]) -> dict[str, int]:
    """The mapping by code ({"1": 1, ...}), as the audit log shows it."""
    inpres = dict(db.session.execute(select(Strategy.id, Strategy.code)).all())
    target = dict(db.session.execute(
        select(FrameworkStrategy.id, FrameworkStrategy.code)
        .where(FrameworkStrategy.framework_id == framework_id)).all())
    return {str(inpres[s]): target.get(t) for s, t in sorted(mapping.items(),
                                                              key=lambda x: inpres[x[0]])}


def save(framework: Framework, chosen: dict[int, int | None], expected: str) -> int:
    """Store `chosen` ({Inpres strategy id: framework strategy id}); return how many Inpres
    strategies changed target. ServiceError for an incomplete or foreign choice, StaleError
    when the mapping changed since the form was opened."""
    if framework.is_default:
        raise ServiceError("Kerangka bawaan (Inpres) memetakan setiap strategi ke dirinya "
                           "sendiri dan tidak dapat diubah.")
    db.session.scalar(select(Framework.id).where(Framework.id == framework.id)
                      .with_for_update())
    before = current(framework.id)
    if fingerprint(before) != expected:
        raise StaleError()
    strategies = list(db.session.scalars(select(Strategy.id).order_by(Strategy.code)))
    targets = set(db.session.scalars(select(FrameworkStrategy.id).where(
        FrameworkStrategy.framework_id == framework.id)))
    errors = {str(sid): ["Pilih satu strategi kerangka ini."] for sid in strategies
              if chosen.get(sid) not in targets}
    if errors:
        raise ServiceError("Setiap strategi Inpres harus dipetakan ke tepat satu strategi "
                           "kerangka ini.", errors=errors)
    rows = {m.strategy_id: m for m in db.session.scalars(select(StrategyMapping).where(
        StrategyMapping.framework_id == framework.id))}
    changed = 0
    for sid in strategies:
        if sid in rows:
            if rows[sid].framework_strategy_id != chosen[sid]:
                rows[sid].framework_strategy_id = chosen[sid]
                changed += 1
        else:
            db.session.add(StrategyMapping(framework_id=framework.id, strategy_id=sid,
                                           framework_strategy_id=chosen[sid]))
            changed += 1
    if changed:
        db.session.flush()
        after = current(framework.id)
        audit.record("update", "framework", framework.id,
                     old={"mapping": _codes(framework.id, before)},
                     new={"mapping": _codes(framework.id, after)},
                     note=f"Pemetaan strategi {framework.name}")
    return changed


__all__ = ["current", "fingerprint", "save"]

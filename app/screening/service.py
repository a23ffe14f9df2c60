"""Suggestions for whatever asks: a list of items (API, CLI, file), or the untagged sub kegiatan
of a fiscal year (the screening page, the OPD's list), ranked by score.

The page's list is computed once per data version, decisions and model (app/core/cache.py), so
3,000 lines cost one model pass per change, not per page view.
"""
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import exists, select

from app.core import cache
from models import Opd, SubActivity, SuggestionDecision, Tag, TagKind, db
from models.data_version import current_version

from . import reference, store
from .evidence import Evidence, fingerprint, gather
from .suggest import Suggestion, combine

STRONG = 0.75  # a tag is listed for a second look when the suggestion disagrees this surely


@lru_cache(maxsize=1)
def _reference_by_code() -> dict:
    return reference.by_code()


def suggest_items(items: list[dict], *, fiscal_year_id: int | None = None,
                  evidence: Evidence | None = None) -> list[Suggestion]:
    if not items:
        return []
    preds = store.current().predict(items)
    ev = evidence if evidence is not None else gather(fiscal_year_id)
    ref = _reference_by_code()
    return [combine(i, p, ev, ref) for i, p in zip(items, preds, strict=True)]


@dataclass
class Line:
    sa_id: int
    opd_id: int
    opd_name: str
    code: str
    name: str
    allocation: Decimal
    suggestion: dict
    tag_strategy: int | None = None
    tag_kind: str | None = None


def _lines(fiscal_year_id: int, tagged: bool):
    has_tag = exists().where(Tag.sub_activity_id == SubActivity.id)
    rejected = exists().where(SuggestionDecision.sub_activity_id == SubActivity.id,
                              SuggestionDecision.decision == "rejected")
    q = (select(SubActivity.id, SubActivity.opd_id, Opd.name.label("opd_name"), SubActivity.code,
                SubActivity.name, SubActivity.program_name, SubActivity.activity_name,
                SubActivity.allocation_original, SubActivity.allocation_revised)
         .join(Opd, Opd.id == SubActivity.opd_id)
         .where(SubActivity.fiscal_year_id == fiscal_year_id)
         .order_by(SubActivity.id))
    q = q.where(has_tag) if tagged else q.where(~has_tag, ~rejected)
    return db.session.execute(q).all()


def _compute(fiscal_year_id: int, tagged: bool) -> list[Line]:
    rows = _lines(fiscal_year_id, tagged)
    items = [{"code": r.code, "name": r.name, "program": r.program_name,
              "activity": r.activity_name, "opd_name": r.opd_name} for r in rows]
    suggestions = suggest_items(items, fiscal_year_id=fiscal_year_id)
    main = {}
    if tagged and rows:
        for sa_id, strategy, kind, amount in db.session.execute(
                select(Tag.sub_activity_id, Tag.strategy_id, TagKind.code, Tag.amount)
                .join(TagKind, TagKind.id == Tag.tag_kind_id)
                .where(Tag.sub_activity_id.in_([r.id for r in rows]))):
            if sa_id not in main or amount > main[sa_id][2]:
                main[sa_id] = (strategy, kind, amount)
    from models import Strategy

    codes = dict(db.session.execute(select(Strategy.id, Strategy.code)).all())
    lines = []
    for r, s in zip(rows, suggestions, strict=True):
        m = main.get(r.id)
        lines.append(Line(r.id, r.opd_id, r.opd_name, r.code, r.name,
                          r.allocation_revised if r.allocation_revised is not None
                          else r.allocation_original, s.as_dict(),
                          codes.get(m[0]) if m else None, m[1] if m else None))
    lines.sort(key=lambda line: (-line.suggestion["score"], line.code, line.sa_id))
    return lines


def _key(fiscal_year_id: int, tagged: bool) -> dict:
    model = store.current()
    return {"fy": fiscal_year_id, "tagged": tagged, "data": current_version(),
            "evidence": list(fingerprint()), "model": id(model), "rows": model.trained_rows}


def untagged(fiscal_year_id: int) -> list[Line]:
    """Every untagged, not rejected sub kegiatan of the year, best suggestion first."""
    return cache.cached("screening", _key(fiscal_year_id, False),
                        lambda: _compute(fiscal_year_id, False))


def filtered(lines: list[Line], *, opd_id: int | None = None, strategy: int | None = None,
             min_score: float | None = None) -> list[Line]:
    return [line for line in lines
            if (opd_id is None or line.opd_id == opd_id)
            and (strategy is None or line.suggestion["strategy_code"] == strategy)
            and (min_score is None or line.suggestion["score"] >= min_score)]


def disagreements(fiscal_year_id: int) -> list[Line]:
    """Tagged lines whose strategy or kelompok the suggestion contradicts with confidence
    >= STRONG: listed for a second look, never changed."""
    lines = cache.cached("screening", _key(fiscal_year_id, True),
                         lambda: _compute(fiscal_year_id, True))
    out = []
    for line in lines:
        s = line.suggestion
        if (s["strategy_code"] and s["strategy_code"] != line.tag_strategy
                and s["strategy_confidence"] >= STRONG) or (
                s["tag_kind_code"] and s["tag_kind_code"] != line.tag_kind
                and s["tag_kind_confidence"] >= STRONG):
            out.append(line)
    return out


def for_lines(fiscal_year_id: int, sa_ids) -> dict[int, dict]:
    """Suggestions of the given untagged lines (the OPD's list), by id."""
    wanted = set(sa_ids)
    return {line.sa_id: line.suggestion for line in untagged(fiscal_year_id)
            if line.sa_id in wanted}


def suggestions_if_trained(fiscal_year_id: int, sa_ids) -> dict[int, dict]:
    """The OPD's list: suggestions only once a model exists (the list never waits for a
    training); an empty dict otherwise."""
    if not sa_ids or not store.available():
        return {}
    return for_lines(fiscal_year_id, sa_ids)

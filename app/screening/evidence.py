"""What the kabupaten and its province already decided, per sub kegiatan code: the evidence the
suggester weighs above its model (own decisions > own earlier tags > province > shipped
reference > the model's reading of the words).

Read in three statements per request, never per line; plain data (cacheable, picklable).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from models import (
    FiscalYear,
    ProvinceReference,
    ProvinceReferenceRow,
    Strategy,
    SubActivity,
    SuggestionDecision,
    Tag,
    TagKind,
    db,
)


@dataclass(frozen=True)
class Past:
    year: int
    strategy: int | None
    kind: str | None
    decision: str = "tag"  # tag | accepted | rejected
    reason: str = ""


@dataclass
class Consensus:
    members: int
    tagged: int
    strategy: Counter = field(default_factory=Counter)
    kind: Counter = field(default_factory=Counter)


@dataclass
class Evidence:
    tags: dict[str, Past] = field(default_factory=dict)  # code -> latest own tag (other years)
    decisions: dict[str, Past] = field(default_factory=dict)  # code -> latest decision
    province: dict[str, Consensus] = field(default_factory=dict)
    province_name: str = ""


def _own_tags(exclude_year_id: int | None) -> dict[str, Past]:
    """Per code, the largest tag of the most recent other year."""
    q = (select(SubActivity.code, FiscalYear.year, Strategy.code, TagKind.code,
                func.sum(Tag.amount))
         .join(Tag, Tag.sub_activity_id == SubActivity.id)
         .join(FiscalYear, FiscalYear.id == SubActivity.fiscal_year_id)
         .join(Strategy, Strategy.id == Tag.strategy_id)
         .join(TagKind, TagKind.id == Tag.tag_kind_id)
         .group_by(SubActivity.code, FiscalYear.year, Strategy.code, TagKind.code))
    if exclude_year_id is not None:
        q = q.where(SubActivity.fiscal_year_id != exclude_year_id)
    best: dict[str, tuple] = {}
    for code, year, strategy, kind, amount in db.session.execute(q):
        key = (year, amount or 0)
        if code not in best or key > best[code][0]:
            best[code] = (key, Past(year, strategy, kind))
    return {code: past for code, (_key, past) in best.items()}


def _decisions() -> dict[str, Past]:
    q = (select(SuggestionDecision.code, FiscalYear.year, SuggestionDecision.strategy_code,
                SuggestionDecision.tag_kind_code, SuggestionDecision.decision,
                SuggestionDecision.reason)
         .join(SubActivity, SubActivity.id == SuggestionDecision.sub_activity_id)
         .join(FiscalYear, FiscalYear.id == SubActivity.fiscal_year_id)
         .order_by(SuggestionDecision.decided_at, SuggestionDecision.id))
    return {code: Past(year, strategy, kind, decision, reason)
            for code, year, strategy, kind, decision, reason in db.session.execute(q)}


def _province() -> tuple[str, dict[str, Consensus]]:
    ref = db.session.scalar(select(ProvinceReference).where(ProvinceReference.is_current)
                            .order_by(ProvinceReference.id.desc()).limit(1))
    if ref is None:
        return "", {}
    out: dict[str, Consensus] = defaultdict(lambda: Consensus(ref.members, 0))
    for code, dim, value, n in db.session.execute(
            select(ProvinceReferenceRow.code, ProvinceReferenceRow.dimension,
                   ProvinceReferenceRow.value, ProvinceReferenceRow.kabupaten)
            .where(ProvinceReferenceRow.reference_id == ref.id)):
        c = out[code]
        if dim == "any":
            c.tagged = n
        elif dim == "strategy" and value in ("1", "2", "3"):
            c.strategy[int(value)] = n
        elif dim == "kind":
            c.kind[value] = n
    return ref.province_name, dict(out)


def gather(fiscal_year_id: int | None = None) -> Evidence:
    name, province = _province()
    return Evidence(tags=_own_tags(fiscal_year_id), decisions=_decisions(), province=province,
                    province_name=name)


def fingerprint() -> tuple:
    """Changes whenever the evidence above changes (for cache keys)."""
    decisions = db.session.execute(select(func.count(SuggestionDecision.id),
                                          func.max(SuggestionDecision.decided_at))).one()
    ref = db.session.scalar(select(func.max(ProvinceReference.id)))
    return (decisions[0], str(decisions[1]), ref)

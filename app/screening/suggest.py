"""Suggestions: the model's reading of the words, overruled step by step by what people decided.

Each source of evidence is a layer with a weight: the kabupaten's own decision on the same code
(6), its own tag of the code in another year (4), the province's consensus (2, scaled by how
many kabupaten tagged it), the shipped reference for the code (1) and the model (1). The score
is the weighted mean of the layers' relevance, the strategy and the kelompok the weighted mean
of their distributions; every layer that speaks adds its reason, strongest first. A suggestion
is only ever a suggestion: nothing here writes a tag.
"""
from dataclasses import asdict, dataclass

from .evidence import Evidence
from .model import Prediction

# Set before the held-out evaluation, kept after it (docs/SCREENING.md): there, precision 0.95
# and recall 0.99 at 0.4.
THRESHOLD = 0.4
WEIGHTS = {"decision": 6.0, "tag": 4.0, "province": 2.0, "reference": 1.0, "model": 1.0}
KIND_LABELS = {"langsung": "langsung", "tidak_langsung": "tidak langsung",
               "penunjang": "penunjang"}


@dataclass
class Suggestion:
    relevant: bool
    score: float
    strategy_code: int | None
    strategy_confidence: float
    tag_kind_code: str | None
    tag_kind_confidence: float
    reasons: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def _onehot(value) -> dict | None:
    return None if value is None else {value: 1.0}


def _share(counter) -> dict | None:
    total = sum(counter.values())
    return {k: v / total for k, v in counter.items()} if total else None


def _label(strategy, kind) -> str:
    text = f"Strategi {strategy}" if strategy else "tanpa strategi"
    return f"{text} {KIND_LABELS.get(kind, '')}".strip()


def _layers(item: dict, pred: Prediction, ev: Evidence, reference: dict) -> list[tuple]:
    layers = []
    code = (item.get("code") or "").strip()
    if code:
        d = ev.decisions.get(code)
        if d is not None and d.decision == "accepted":
            layers.append((WEIGHTS["decision"], 1.0, _onehot(d.strategy), _onehot(d.kind),
                           f"kode sama diterima sebagai {_label(d.strategy, d.kind)} "
                           f"pada {d.year}"))
        elif d is not None:
            reason = f": {d.reason[:80]}" if d.reason else ""
            layers.append((WEIGHTS["decision"], 0.0, None, None,
                           f"kode sama ditolak pada {d.year}{reason}"))
        t = ev.tags.get(code)
        if t is not None:
            layers.append((WEIGHTS["tag"], 1.0, _onehot(t.strategy), _onehot(t.kind),
                           f"kode sama ditandai {_label(t.strategy, t.kind)} pada {t.year}"))
        c = ev.province.get(code)
        if c is not None and c.members:
            top = c.strategy.most_common(1)
            text = (f"ditandai Strategi {top[0][0]} oleh {top[0][1]} dari {c.members} kabupaten "
                    f"di provinsi" if top else
                    f"tidak ditandai oleh {c.members} kabupaten di provinsi")
            layers.append((WEIGHTS["province"], c.tagged / c.members, _share(c.strategy),
                           _share(c.kind), text))
        r = reference.get(code)
        if r is not None:
            text = (f"referensi nomenklatur: {_label(r['strategy'], r['kind'])}"
                    if r["relevant"] else "referensi nomenklatur: biasanya bukan belanja "
                                          "kemiskinan ekstrem")
            layers.append((WEIGHTS["reference"], 1.0 if r["relevant"] else 0.0,
                           _onehot(r["strategy"]), _onehot(r["kind"]), text))
    words = f"kata: {', '.join(pred.words)}" if pred.words else ""
    layers.append((WEIGHTS["model"], pred.relevance, pred.strategy, pred.kind, words))
    return layers


def _mix(layers, index) -> tuple:
    total, mixed = 0.0, {}
    for layer in layers:
        dist = layer[index]
        if not dist:
            continue
        total += layer[0]
        for key, p in dist.items():
            mixed[key] = mixed.get(key, 0.0) + layer[0] * p
    if not total:
        return None, 0.0
    best = max(sorted(mixed, key=str), key=lambda k: mixed[k])
    return best, round(mixed[best] / total, 4)


def combine(item: dict, pred: Prediction, ev: Evidence, reference: dict,
            threshold: float = THRESHOLD) -> Suggestion:
    layers = _layers(item, pred, ev, reference)
    weight = sum(layer[0] for layer in layers)
    score = round(sum(layer[0] * layer[1] for layer in layers) / weight, 4)
    strategy, s_conf = _mix(layers, 2)
    kind, k_conf = _mix(layers, 3)
    reasons = [layer[4] for layer in layers if layer[4]]
    return Suggestion(relevant=score >= threshold, score=score,
                      strategy_code=int(strategy) if strategy is not None else None,
                      strategy_confidence=s_conf, tag_kind_code=kind,
                      tag_kind_confidence=k_conf, reasons=reasons)

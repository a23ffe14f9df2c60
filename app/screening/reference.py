"""The shipped reference: the Kepmendagri 050-5889/2021 nomenclature with, for the lines that
typically serve extreme poverty, the strategy (Inpres 4/2022, kept by Inpres 8/2025) and the
kelompok (langsung / tidak langsung / penunjang).

Built by `build()` (CLI: `flask suggest build-reference`) from three inputs in data/sources/:
- nomenclature_public.csv: level, code, name of programs, kegiatan and sub kegiatan, extracted
  from a public listing (scripts/screening/extract_public_nomenclature.py; docs/SCREENING.md);
- poverty_rules.csv: ordered keyword rules (first match wins) naming the strategy and kelompok a
  sub kegiatan typically serves; a sub kegiatan of a support program (`*.01`, the "Program
  Penunjang Urusan") or matching no rule is labelled not relevant;
- demo_catalog.csv: the demo catalog's tagged sub kegiatan, each with its largest tag
  (exported from app/demo/catalog.py by scripts/screening/export_demo_catalog.py);
- curated_lines.csv: typical local elaborations (no code) of the three strategies, written for
  the themes the nomenclature names rarely (coordination, village convergence, enterprise).
The output is data/reference.csv (one row per sub kegiatan) and data/reference.json (version,
sha256, counts). The held-out data/evaluation.csv never enters it: `build()` drops any row whose
normalised name is in the evaluation set.
"""
import csv
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOURCES = DATA / "sources"
REFERENCE_CSV = DATA / "reference.csv"
REFERENCE_META = DATA / "reference.json"
EVALUATION_CSV = DATA / "evaluation.csv"
VERSION = "2026.1"
COLUMNS = ("code", "name", "program_code", "program_name", "activity_code", "activity_name",
           "relevant", "strategy", "kind", "source")
KINDS = ("langsung", "tidak_langsung", "penunjang")


@dataclass(frozen=True)
class Rule:
    rule: str
    pattern: re.Pattern
    strategy: int
    kind: str


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).split())


def rules() -> list[Rule]:
    with (SOURCES / "poverty_rules.csv").open(encoding="utf-8") as fh:
        return [Rule(r["rule"], re.compile(r"\b(?:" + r["pattern"] + r")\b"),
                     int(r["strategy"]), r["kind"]) for r in csv.DictReader(fh)]


def label(name: str, code: str, rule_list: list[Rule]) -> tuple[int, int | None, str, str]:
    """(relevant, strategy, kind, rule id) for one nomenclature line."""
    parts = code.split(".")
    if len(parts) > 2 and parts[2] == "01":  # Program Penunjang Urusan: office running costs
        return 0, None, "", "penunjang-urusan"
    text = name.lower()
    for r in rule_list:
        if r.pattern.search(text):
            return 1, r.strategy, r.kind, r.rule
    return 0, None, "", "no-rule"


def _demo_rows() -> list[dict]:
    with (SOURCES / "demo_catalog.csv").open(encoding="utf-8") as fh:
        return [{**r, "relevant": 1, "strategy": int(r["strategy"]), "source": "demo-catalog"}
                for r in csv.DictReader(fh)]


def build() -> dict:
    """Rebuild reference.csv and reference.json from the sources; returns the metadata."""
    with (SOURCES / "nomenclature_public.csv").open(encoding="utf-8") as fh:
        nomen = list(csv.DictReader(fh))
    names = {r["code"]: r["name"] for r in nomen}
    held_out = {norm(r["name"]) for r in evaluation()}
    rule_list = rules()
    rows: dict[str, dict] = {}
    for r in nomen:
        if r["level"] != "sub_kegiatan":
            continue
        code = r["code"]
        relevant, strategy, kind, rule = label(r["name"], code, rule_list)
        rows[code] = {"code": code, "name": r["name"],
                      "program_code": code[:7], "program_name": names.get(code[:7], ""),
                      "activity_code": code[:12], "activity_name": names.get(code[:12], ""),
                      "relevant": relevant, "strategy": strategy or "", "kind": kind,
                      "source": f"kepmendagri-public;rule:{rule}"}
    for r in _demo_rows():
        rows.setdefault(r["code"], r)  # the public nomenclature wins on a shared code
    with (SOURCES / "curated_lines.csv").open(encoding="utf-8") as fh:
        for n, r in enumerate(csv.DictReader(fh), start=1):
            rows[f"CUR-{n:04d}"] = {
                "code": "", "name": r["name"], "program_code": "", "program_name": r["program"],
                "activity_code": "", "activity_name": r["activity"], "relevant": 1,
                "strategy": int(r["strategy"]), "kind": r["kind"], "source": "curated"}
    kept = [r for r in rows.values() if norm(r["name"]) not in held_out]
    kept.sort(key=lambda r: (r["code"] == "", r["code"], r["name"]))
    with REFERENCE_CSV.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        out.writeheader()
        out.writerows(kept)
    meta = {"version": VERSION, "sha256": hashlib.sha256(REFERENCE_CSV.read_bytes()).hexdigest(),
            "rows": len(kept), "relevant": sum(1 for r in kept if r["relevant"]),
            "by_strategy": {str(s): sum(1 for r in kept if str(r["strategy"]) == str(s))
                            for s in (1, 2, 3)},
            "sources": ["nomenclature_public.csv", "poverty_rules.csv", "demo_catalog.csv",
                        "curated_lines.csv"]}
    REFERENCE_META.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    load.cache_clear()
    return meta


@lru_cache(maxsize=1)
def load() -> tuple[dict, ...]:
    """The shipped reference rows (typed: relevant bool, strategy int or None, kind or None)."""
    with REFERENCE_CSV.open(encoding="utf-8") as fh:
        return tuple({**r, "relevant": r["relevant"] == "1",
                      "strategy": int(r["strategy"]) if r["strategy"] else None,
                      "kind": r["kind"] or None} for r in csv.DictReader(fh))


def meta() -> dict:
    return json.loads(REFERENCE_META.read_text(encoding="utf-8"))


def by_code() -> dict[str, dict]:
    return {r["code"]: r for r in load()}


def evaluation() -> list[dict]:
    with EVALUATION_CSV.open(encoding="utf-8") as fh:
        return [{**r, "relevant": r["relevant"] == "1",
                 "strategy": int(r["strategy"]) if r["strategy"] else None,
                 "kind": r["kind"] or None} for r in csv.DictReader(fh)]

"""Screening (issue 26): quality on the held-out set, and speed. Figures in docs/SCREENING.md
and docs/PERFORMANCE.md.

    .venv/bin/python -m bench.bench_screening            # evaluation + speed (SQLite temp file)
    .venv/bin/python -m bench.bench_screening --only eval

Evaluation: the model trained on the shipped reference only (app/screening/data/reference.csv),
scored on app/screening/data/evaluation.csv, which it never saw (nor the demo catalog's names).
The held-out items carry no code, so only the model speaks (no decision, tag or province
evidence): the hardest case. Speed: 10,000 items through the whole suggester (stem cache cold,
then warm); the screening page with 3,000 untagged lines (first view computes, later views
come from the cache until the data changes).
"""
import argparse
import os
import tempfile
import time
from collections import Counter

from bench.common import make_app, measure


def evaluate(threshold: float | None = None) -> dict:
    from app.screening import reference
    from app.screening.evidence import Evidence
    from app.screening.model import TrainedModel, TrainRow
    from app.screening.suggest import THRESHOLD, combine

    threshold = THRESHOLD if threshold is None else threshold
    rows = [TrainRow({"name": r["name"], "program": r["program_name"],
                      "activity": r["activity_name"]}, r["relevant"], r["strategy"], r["kind"])
            for r in reference.load()]
    started = time.perf_counter()
    model = TrainedModel(rows)
    trained = time.perf_counter() - started
    held = reference.evaluation()
    items = [{"name": e["name"], "program": e["program"], "activity": e["activity"],
              "opd_name": e["opd_name"]} for e in held]
    preds = model.predict(items)
    by_code = reference.by_code()
    out = [combine(i, p, Evidence(), by_code, threshold) for i, p in zip(items, preds, strict=True)]
    print(f"trained on {len(rows)} rows in {trained:.1f} s; held-out items: {len(held)} "
          f"({sum(e['relevant'] for e in held)} relevant)")
    print("threshold  precision  recall")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        tp = sum(1 for e, s in zip(held, out, strict=True) if e["relevant"] and s.score >= t)
        fp = sum(1 for e, s in zip(held, out, strict=True) if not e["relevant"] and s.score >= t)
        fn = sum(1 for e, s in zip(held, out, strict=True) if e["relevant"] and s.score < t)
        mark = "  <- chosen" if abs(t - threshold) < 1e-9 else ""
        print(f"  {t:.2f}      {tp / max(1, tp + fp):.3f}      {tp / max(1, tp + fn):.3f}{mark}")
    tp = sum(1 for e, s in zip(held, out, strict=True) if e["relevant"] and s.relevant)
    fp = sum(1 for e, s in zip(held, out, strict=True) if not e["relevant"] and s.relevant)
    fn = sum(1 for e, s in zip(held, out, strict=True) if e["relevant"] and not s.relevant)
    tn = len(held) - tp - fp - fn
    relevant = [(e, s) for e, s in zip(held, out, strict=True) if e["relevant"]]
    top1 = sum(1 for e, s in relevant if s.strategy_code == e["strategy"]) / len(relevant)
    kind = sum(1 for e, s in relevant if s.tag_kind_code == e["kind"]) / len(relevant)
    confusion = Counter((e["strategy"], s.strategy_code) for e, s in relevant)
    print(f"relevance at {threshold}: precision {tp / max(1, tp + fp):.3f}, recall "
          f"{tp / max(1, tp + fn):.3f} (TP {tp}, FP {fp}, FN {fn}, TN {tn})")
    print(f"strategy top-1 accuracy (relevant items): {top1:.3f}; kelompok: {kind:.3f}")
    print("strategy confusion (rows: labelled, columns: suggested 1 2 3)")
    for a in (1, 2, 3):
        print(f"  {a}: " + " ".join(f"{confusion[(a, b)]:3d}" for b in (1, 2, 3)))
    for e, s in relevant:
        if s.strategy_code != e["strategy"]:
            print(f"  miss: S{e['strategy']}->S{s.strategy_code} {e['name']}")
    return {"precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn), "top1": top1}


def speed(runs: int) -> None:
    from app.screening import reference, service, store
    from app.screening.evidence import gather
    from models import FiscalYear, Opd, SubActivity, User, db

    path = os.path.join(tempfile.mkdtemp(prefix="tagar-screening-bench-"), "bench.db")
    app = make_app(f"sqlite:///{path}",
                   SCREENING_MODEL_DIR=os.path.dirname(path))
    from app.screening import text

    with app.app_context():
        db.create_all()
        from app.reference.service import create_fiscal_year, ensure_reference_data

        ensure_reference_data()
        fy = create_fiscal_year(2026, deadline_days=15)
        started = time.perf_counter()
        store.train()
        print(f"training from shipped data: {time.perf_counter() - started:.1f} s")
        ref = [r for r in reference.load() if r["code"]]
        items = [{"code": r["code"], "name": f"{r['name']} Tahap {n // len(ref) + 1}",
                  "program": r["program_name"], "activity": r["activity_name"],
                  "opd_name": "Dinas Uji"} for n, r in enumerate(ref * 6)][:10_000]
        text._STEMS.clear()
        started = time.perf_counter()
        service.suggest_items(items, evidence=gather(None))
        print(f"10,000 items, stem cache cold: {time.perf_counter() - started:.2f} s")
        warm = measure(lambda: service.suggest_items(items, evidence=gather(None)), runs)
        cpu = time.process_time()
        service.suggest_items(items, evidence=gather(None))
        print(f"10,000 items, warm: best {warm.min_ms / 1000:.2f} s "
              f"(CPU of one run {time.process_time() - cpu:.2f} s)")
        opds = [Opd(code=f"9.99.0.00.0.00.{i:02d}.0000", name=f"Dinas Uji {i}") for i in range(18)]
        db.session.add_all(opds)
        db.session.flush()
        for n, r in enumerate((ref * 2)[:3000]):
            db.session.add(SubActivity(
                opd_id=opds[n % 18].id, fiscal_year_id=fy.id, code=r["code"],
                name=r["name"], program_code=r["program_code"], program_name=r["program_name"],
                activity_code=r["activity_code"], activity_name=r["activity_name"],
                allocation_original=100_000_000))
        from app.accounts.accounts import create_user

        user = create_user("sekretariat-bench", "bench-pass-2026-Tagar", "secretariat",
                           full_name="Sekretariat")
        db.session.commit()
        user_id = user.id
        assert db.session.get(User, user_id) and db.session.get(FiscalYear, fy.id)
    client = app.test_client()
    client.post("/login", data={"username": "sekretariat-bench",
                                "password": "bench-pass-2026-Tagar"})
    url = "/penyaringan/?tahun=2026"
    started = time.perf_counter()
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    print(f"screening page, 3,000 lines, first view (computes): "
          f"{time.perf_counter() - started:.2f} s")
    page = measure(lambda: client.get(url), runs)
    cpu = time.process_time()
    client.get(url)
    print(f"screening page, 3,000 lines, later views (cached): best {page.min_ms / 1000:.3f} s "
          f"(CPU of one view {time.process_time() - cpu:.3f} s)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_screening")
    parser.add_argument("--only", choices=("eval", "speed"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.only in (None, "eval"):
        evaluate()
    if args.only in (None, "speed"):
        speed(args.runs)


if __name__ == "__main__":
    main()

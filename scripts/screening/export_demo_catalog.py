"""Write the demo catalog's tagged sub kegiatan (each with its largest tag) to
app/screening/data/sources/demo_catalog.csv, one of the inputs of `flask suggest build-reference`.

A script rather than an import: the screening package must not import the demo package (the
import contracts keep app's packages acyclic). Run it when app/demo/catalog.py changes.
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.demo.catalog import SUB_ACTIVITIES  # noqa: E402

OUT = ROOT / "app/screening/data/sources/demo_catalog.csv"
COLUMNS = ("code", "name", "program_code", "program_name", "activity_code", "activity_name",
           "strategy", "kind")


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for sa in SUB_ACTIVITIES:
            if sa["code"].startswith("X.") or not sa["tags"]:
                continue  # cross-cutting support lines are tagged case by case
            main_tag = max(sa["tags"], key=lambda t: t["share"])
            out.writerow([sa["code"], sa["name"], sa["program_code"], sa["program_name"],
                          sa["activity_code"], sa["activity_name"], main_tag["strategy"],
                          main_tag["kind"]])
    print(f"-> {OUT}")


if __name__ == "__main__":
    main()

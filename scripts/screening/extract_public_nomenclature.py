"""Extract the Kepmendagri 050-5889/2021 nomenclature facts (level, code, name) from a public
listing into app/screening/data/sources/nomenclature_public.csv.

Usage: python scripts/screening/extract_public_nomenclature.py PROGRAM.php KEGIATAN.php SUB.php

The inputs are the public seed listings of github.com/AldiAlfatih/BAPPEDA (commit 915fd4e,
database/seeders/{Program,Kegiatan,SubKegiatan}Seeder.php). Only the facts are taken: each
`nomor_kode` and `nomenklatur` pair. That listing writes the activity type digit as `02`
(`1.01.01.02.01.0001`); the nomenclature writes it as `2`, so codes are normalised. Names are
whitespace-normalised; a code listed twice keeps its first name. Run once by hand when the
source changes; the result is committed and `flask suggest build-reference` reads it.
"""
import csv
import re
import sys
from pathlib import Path

PAIR = re.compile(r"'nomor_kode'\s*=>\s*'([^']+)'\s*,\s*'nomenklatur'\s*=>\s*'([^']*)'")
OUT = Path(__file__).resolve().parents[2] / "app/screening/data/sources/nomenclature_public.csv"
LEVELS = {3: "program", 5: "kegiatan", 6: "sub_kegiatan"}


def normalise(code: str) -> str | None:
    parts = code.strip().split(".")
    if len(parts) >= 4 and parts[3] == "02":
        parts[3] = "2"
    if len(parts) not in LEVELS or not all(p.isdigit() for p in parts):
        return None
    return ".".join(parts)


def main(paths: list[str]) -> None:
    rows: dict[str, tuple[str, str]] = {}
    for path in paths:
        for code, name in PAIR.findall(Path(path).read_text(encoding="utf-8")):
            norm = normalise(code)
            name = " ".join(name.split())
            if norm and name and norm not in rows:
                level = LEVELS[len(norm.split("."))]
                rows[norm] = (level, name[0].upper() + name[1:] if level != "program"
                              else name.title().replace("Dan ", "dan ").replace("Dari ", "dari "))
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["level", "code", "name"])
        for code in sorted(rows, key=lambda c: [int(p) for p in c.split(".")]):
            out.writerow([rows[code][0], code, rows[code][1]])
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])

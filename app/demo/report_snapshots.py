"""Page images of the report for the docs: the letter, the summaries, the matrix and the lokus
annex of the demo kabupaten's TW III report, verified figures only (so carried-forward OPDs
show their marker), rendered with poppler's pdftoppm.

    python -m app.demo.report_snapshots            # writes
    docs/report-{cover,summary,matrix,annex}.png
    python -m app.demo.report_snapshots --out /tmp --dpi 100

It builds the demo in a throwaway in-memory database with a fixed clock, so the images change
only when the report's layout (or the demo) does.
"""
import argparse
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

YEAR = 2026
CLOCK = "2026-10-20T03:00:00"  # TW III over, its reports being verified
PAGES = {  # image name -> the text that marks its first page
    "cover": None,
    "summary": "A. Ringkasan per Strategi",
    "matrix": "E. Matriks",
    "annex": "F. Lokus Desa",
}


def build_demo_pdf() -> bytes:
    from app import create_app
    from app.demo.seed import seed_demo
    from config import TestConfig
    from models import db
    from reports.content.kemenko import build_content, resolve_options
    from reports.pdf.kemenko import build_pdf

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", TAGAR_NOW=CLOCK)
    with app.app_context():
        db.create_all()
        seed_demo(year=YEAR)
        db.session.flush()
        content = build_content(resolve_options(YEAR, quarter=3,
                                                fixed_date=date(2026, 10, 20)))
        data = build_pdf(content).data
        db.session.rollback()
        return data


def _first_pages(pdf: Path) -> dict[str, int]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout.split("\f")
    return {name: 1 if marker is None else
            next(i for i, t in enumerate(text, 1) if marker in t)
            for name, marker in PAGES.items()}


def write_snapshots(out: Path, dpi: int = 80) -> list[Path]:
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm tidak ditemukan: pasang paket poppler-utils.")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(build_demo_pdf())
        for name, page in _first_pages(pdf).items():
            target = out / f"report-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l",
                            str(page), "-singlefile", str(pdf), str(target)], check=True)
            written.append(target.with_suffix(".png"))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "docs")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args(argv)
    for path in write_snapshots(args.out, args.dpi):
        print(path)


if __name__ == "__main__":
    main()

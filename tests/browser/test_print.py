"""Printing (issue 23): the dashboard, the review page and the realization sheet print their
data on A4 landscape, read back from Chromium's own PDF with pdftotext: no page holding only a
heading, no rupiah figure broken across lines, each total row once, and on the first page the
applied filters and the print time in WIB (the server's clock, not the machine's date)."""
import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from models import Opd, Realization, Submission, Tag, db

from .conftest import log_in, log_out

PDFTOTEXT = shutil.which("pdftotext")
PRINTED_AT = "23 Nov 2026 10.00 WIB"  # DEMO_NOW (03:00 UTC) in WIB
A4_LANDSCAPE = (841.89, 595.28)


def _print(page, tmp_path, name) -> list[str]:
    """The page as Chromium prints it: the text of each PDF page (pdftotext -layout)."""
    page.emulate_media(media="print")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    page.emulate_media(media="screen")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w), round(h)) == tuple(map(round, A4_LANDSCAPE)), info
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def _check_pages(pages, name):
    for i, text in enumerate(pages, 1):
        lines = [ln for ln in text.splitlines() if ln.strip()]
        assert len(lines) >= 3, f"{name} page {i} holds only {lines}"
        # "Rp" with its figure on the next line (alone, or beside other cells' "Rp").
        broken = [ln for ln in lines if re.search(r"Rp(\s{2,}|\s*$)", ln)]
        assert not broken, f"{name} page {i}: a figure split across lines: {broken}"
    assert PRINTED_AT in pages[0], f"{name}: no print time in WIB on the first page"


@pytest.fixture(scope="module")
def ids(live_app):
    with live_app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.status == "submitted")
                                .order_by(Submission.id))
        dinkes = db.session.scalar(select(Opd.id).where(Opd.short_name == "Dinkes"))
        real = db.session.scalar(
            select(Realization).join(Tag).join(Tag.sub_activity)
            .where(Realization.quarter_id == sub.quarter_id,
                   Tag.sub_activity.has(opd_id=dinkes)).order_by(Tag.id))
        out = {"sub": sub.id, "sub_code": sub.opd.code, "tag_desc": real.tag.description[:30]}
        db.session.remove()
    return out


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
def test_dashboard_review_and_sheet_print_their_data(page, live_app, ids, tmp_path):
    log_in(page, "sekretariat")
    page.goto(page.base + "/dasbor/?triwulan=3&strategi=1")
    totals = page.locator("tfoot tr").count()
    pages = _print(page, tmp_path, "dasbor")
    _check_pages(pages, "dashboard")
    assert "Filter yang diterapkan" in pages[0] and "Strategi: 1." in pages[0]
    assert "Per OPD" in "".join(pages) and "Per kecamatan" in "".join(pages)
    total_lines = sum(len(re.findall(r"^\s*(Jumlah|Indeks realisasi|Realisasi semester|Total "
                                     r"realisasi)\b(?! menurut)", p, re.M)) for p in pages)
    assert total_lines == totals, "a total row printed more (or less) than once"
    assert len(pages) <= 6

    page.goto(page.base + f"/verifikasi/{ids['sub']}")
    rows = page.locator("form#keputusan tbody tr").count()
    pages = _print(page, tmp_path, "verifikasi")
    _check_pages(pages, "review")
    text = "".join(pages)
    assert text.count("Rp ") >= rows * 3  # tagged, to date and flow of every row
    assert "Keputusan" not in text  # the decision form is not data
    log_out(page)

    log_in(page, "dinkes")
    page.goto(page.base + "/realisasi/?triwulan=3")
    cards = page.locator("article.tag-card").count()
    pages = _print(page, tmp_path, "lembar")
    _check_pages(pages, "sheet")
    text = "".join(pages)
    assert text.count("Keuangan s.d. Triwulan III") == cards  # every card, closed groups too
    assert ids["tag_desc"] in re.sub(r"\s+", " ", text)

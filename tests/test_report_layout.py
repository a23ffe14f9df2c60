"""The report's layout read back from the PDF: a portrait letter before landscape tables on
the paper chosen in Pengaturan; every figure inside its column (word positions against the
grid's rules, with pdfplumber); words broken only at spaces or Indonesian hyphenation points."""
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from app.core.money import format_rupiah
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.fit import segments, syllables, wrap
from reports.pdf.kemenko import build_pdf
from reports.pdf.styles import CONDENSED
from tests import report_data

FIXED = date(2077, 10, 20)


def _content(year, **kw):
    kw.setdefault("quarter", 4)
    return build_content(resolve_options(year, fixed_date=FIXED, **kw))


def _verticals(page):
    """The grid's vertical rules as (x, top, bottom)."""
    rules = [(ln["x0"], ln["top"], ln["bottom"]) for ln in page.lines
             if abs(ln["x0"] - ln["x1"]) < 0.1]
    for r in page.rects:  # a BOX may come as a rectangle
        rules += [(r["x0"], r["top"], r["bottom"]), (r["x1"], r["top"], r["bottom"])]
    return rules


def _words(page):
    """The page's words, less the DRAFT watermark's 120 pt letters."""
    return [w for w in page.extract_words(x_tolerance=1, y_tolerance=1)
            if w["bottom"] - w["top"] < 20]


def _crossing(page):
    """Words that a vertical rule runs through: text overflowing its cell."""
    rules = _verticals(page)
    bad = []
    for w in _words(page):
        for x, top, bottom in rules:
            if (w["x0"] + 0.3 < x < w["x1"] - 0.3 and top <= w["top"] + 0.5
                    and bottom >= w["bottom"] - 0.5):
                bad.append((w["text"], round(x, 1)))
                break
    return bad


def _cut_parts(content) -> set:
    """Every run of syllables, short of the whole word, that a line may end with (before its
    "-") in the words the matrix prints."""
    cuts = set()
    texts = [c.label for c in content.columns]
    texts += [str(v) for row in content.matrix for v in row.values if isinstance(v, str)]
    for text in set(texts):
        for word in set(text.split()):
            parts = [p for p, _ in segments(word)]
            for i in range(len(parts)):
                for j in range(i + 1, len(parts)):
                    cuts.add("".join(parts[i:j]))
    return cuts


def _page_texts(data: bytes) -> list[str]:
    """Each page's text: pdftotext takes 0.1 s where pypdf takes 2 s on S's 48 pages."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                             check=True).stdout.decode()
        return out.split("\f")
    return [p.extract_text() for p in PdfReader(BytesIO(data)).pages]


def check_matrix_pages(data: bytes, content, pages: slice | None = None):
    """Every matrix page: no word crosses a column rule, every figure is whole, every hyphen
    stands at a hyphenation point of the word it cuts."""
    cuts = _cut_parts(content)
    words_seen = set()
    texts = _page_texts(data)
    with pdfplumber.open(BytesIO(data)) as pdf:
        start = next(i for i, t in enumerate(texts) if "E. Matriks" in t)
        end = next(i for i, t in enumerate(texts) if "F. Lokus" in t)
        matrix_pages = list(range(start, end + 1))
        if pages is not None:
            matrix_pages = matrix_pages[pages] + [end - 1]  # the totals row's page too
        for n in matrix_pages:
            page = pdf.pages[n]
            assert _crossing(page) == [], f"page {n + 1}"
            for w in _words(page):
                text = w["text"]
                words_seen.add(text)
                if text.endswith("-") and len(text) > 2 and text[:-2].isalpha():
                    assert text[:-1] in cuts or text in cuts, \
                        f"{text!r} is not cut at a hyphenation point"
    return words_seen


@pytest.fixture
def kab():
    return report_data.build()


def test_letter_portrait_tables_landscape_a4_and_f4(kab):
    from app.reference.service import settings

    pdf = PdfReader(BytesIO(build_pdf(_content(report_data.YEAR, quarter=3)).data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages]
    assert sizes[0] == pytest.approx((210 * mm, 297 * mm), abs=0.5)  # the letter: portrait
    assert all(s == pytest.approx((297 * mm, 210 * mm), abs=0.5) for s in sizes[1:])
    settings().paper_size = "F4"
    pdf = PdfReader(BytesIO(build_pdf(_content(report_data.YEAR, quarter=3)).data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages]
    assert sizes[0] == pytest.approx((215 * mm, 330 * mm), abs=0.5)
    assert all(s == pytest.approx((330 * mm, 215 * mm), abs=0.5) for s in sizes[1:])


def test_small_report_figures_stay_in_their_columns(kab):
    content = _content(report_data.YEAR, quarter=3)
    data = build_pdf(content).data
    words = check_matrix_pages(data, content)
    # The totals row's figures are whole words, each in its own cell.
    assert format_rupiah(content.total.tagged, with_symbol=False) in words
    assert format_rupiah(content.total.realized, with_symbol=False) in words
    with pdfplumber.open(BytesIO(data)) as pdf:  # summaries and annex too
        for page in pdf.pages[1:]:
            assert _crossing(page) == []
    # An amount never wraps after "Rp" (the bold totals of sections A and B did).
    text = "\n".join(_page_texts(data))
    assert "Rp " in text and not re.search(r"\bRp\s*\n", text)


def test_demo_data_tw4_matrix_fits(app):
    from app.demo.seed import seed_demo

    seed_demo(year=2079)
    content = _content(2079, include_unverified=True)
    check_matrix_pages(build_pdf(content).data, content, pages=slice(0, 3))


def test_generated_s_data_tw4_matrix_fits(app):
    """S: 300 tags, kabupaten-wide totals in the hundreds of billions at TW IV."""
    from bench.generate import generate

    generate(1, year=2080)
    content = _content(2080)
    big = format_rupiah(content.total.tagged, with_symbol=False)
    words = check_matrix_pages(build_pdf(content).data, content, pages=slice(0, 2))
    assert big in words


def test_wrap_breaks_at_spaces_and_syllables_only():
    text = ("Penyediaan perlengkapan penunjang konvergensi penanganan kemiskinan ekstrem "
            "Pembiayaan Perlindungan")
    for width in (18, 25, 40, 80):
        lines = wrap(text, CONDENSED, 6, width)
        joined = ""
        for line in lines:
            joined += line[:-1] if line.endswith("-") else line + " "
        assert joined.split() == text.split()
        pending = ""  # the part of a word cut on earlier lines
        for line in lines:
            tokens = line.split()
            tokens[0] = pending + tokens[0]
            pending = ""
            if line.endswith("-"):
                head = tokens[-1][:-1]
                assert any(head in {"".join(syllables(w)[:k])
                                    for k in range(1, len(syllables(w)))}
                           for w in text.split()), head
                pending = head
    assert syllables("penanganan") == ["pe", "na", "ngan", "an"]  # never "nga-n-an"
    assert syllables("Pembiayaan") == ["Pem", "bi", "aya", "an"]


def test_repeated_texts_are_broken_into_lines_once():
    """Issue 25: a big report sets the same program and desa names thousands of times; the
    lines of a text are computed once and then taken from the cache, unchanged."""
    from reports.pdf import fit

    text = "Penyediaan Jaminan Kesehatan Daerah bagi Penduduk Miskin Ekstrem di Kecamatan Uji"
    first = fit.wrap(text, "Helvetica", 6, 60.0)
    hits = fit._wrap.cache_info().hits
    again = fit.wrap(text, "Helvetica", 6, 60.0)
    assert again == first and len(first) > 1
    assert fit._wrap.cache_info().hits == hits + 1
    again.append("x")  # a caller's copy: the cached lines stay as they were
    assert fit.wrap(text, "Helvetica", 6, 60.0) == first

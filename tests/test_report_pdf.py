"""The Kemenko PMK PDF read back: rollup totals, every OPD and strategy, pages, DRAFT, bytes."""
import os
import shutil
import subprocess
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.core.money import format_percent, format_rupiah
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.queries import rollup
from tests import report_data

FIXED = date(2077, 10, 20)


@pytest.fixture
def kab():
    return report_data.build()


def _build(kab, **kw):
    kw.setdefault("quarter", 3)
    kw.setdefault("fixed_date", FIXED)
    content = build_content(resolve_options(report_data.YEAR, **kw))
    return content, build_pdf(content)


def _pages(data: bytes) -> list[str]:
    """Each page's text with whitespace collapsed (table cells wrap their words)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def _filter(kab, **kw):
    return rollup.RollupFilter(fiscal_year_id=kab.fy.id, **kw)


def test_pdf_shows_the_rollup_totals_every_opd_and_strategy(kab):
    content, pdf = _build(kab)
    text = "\n".join(_pages(pdf.data))
    total = rollup.total(_filter(kab, quarter=3, verified_only=True))
    # The same figures as the dashboard, formatted as the summaries print them.
    assert format_rupiah(total.tagged) == "Rp 750.000.000"
    assert format_rupiah(total.tagged) in text
    assert format_rupiah(total.realized) in text
    assert format_percent(total.absorption, 2) in text
    for row in rollup.rollup(_filter(kab, quarter=3, verified_only=True), "opd"):
        assert row.label in text  # non-Latin-1 letters come out as letters (DejaVu embedded)
        assert format_rupiah(row.realized) in text
    for row in rollup.rollup(_filter(kab, quarter=3, verified_only=True), "strategy"):
        assert row.label in text
        assert format_rupiah(row.tagged) in text
    # The matrix: the tag descriptions, its totals row and the row of column numbers.
    assert "Pelatihan usaha" in text and "JUMLAH" in text
    assert "Realisasi TW III (Rp)" in text
    assert "Dinas Sosial Ćwiek Łódź" in text


def test_page_layout_and_page_x_of_y(kab):
    content, pdf = _build(kab)
    pages = _pages(pdf.data)
    # Layout: the letter (1), the summaries (2-3), the matrix (4), the lokus annex (5).
    assert len(pages) == pdf.pages == 5
    assert "Nomor" in pages[0] and "Halaman" not in pages[0]
    assert "A. Ringkasan per Strategi" in pages[1]
    assert "E. Matriks Rencana Aksi dan Realisasi" in pages[3]
    assert "F. Lokus Desa Prioritas" in pages[4]
    for n, text in enumerate(pages[1:], 2):
        assert f"Halaman {n} dari 5" in text


def test_matrix_header_repeats_on_every_page(app):
    """Enough tags to run over several pages: each matrix page starts with the header and the
    row of column numbers."""
    from bench.bench_report import build_dataset

    build_dataset(60, 2078)
    content = build_content(resolve_options(2078, quarter=3, fixed_date=FIXED))
    pages = _pages(build_pdf(content).data)
    start = next(i for i, t in enumerate(pages) if "E. Matriks" in t)
    end = next(i for i, t in enumerate(pages) if "F. Lokus" in t)
    assert end - start >= 3
    for text in pages[start:end]:
        text = text.replace("- ", "")  # header words hyphenated in narrow columns
        assert "Aktivitas Tidak Langsung" in text and "Alokasi Anggaran (Rp)" in text
        assert "17 18 19 20 21 22 23 24" in text  # the row of column numbers


def test_only_verified_by_default_and_draft_watermark(kab):
    content, pdf = _build(kab)
    text = "\n".join(_pages(pdf.data))
    assert "DRAFT" not in text
    draft_content, draft = _build(kab, include_unverified=True)
    pages = _pages(draft.data)
    assert all("DRAFT" in t for t in pages)
    # Opd B's unverified TW III (60.000.000 + 75.000.000 to date) counts only in the draft;
    # verified-only, its figure to date at TW III is its verified TW II one (30 + 40 million),
    # carried forward, not 0.
    assert draft_content.total.realized - content.total.realized == 135_000_000 - 70_000_000
    assert format_rupiah(draft_content.total.realized) in "\n".join(pages)


def test_same_data_same_file_with_a_fixed_date(kab):
    _, first = _build(kab)
    _, second = _build(kab)
    assert first.data == second.data
    _, other = _build(kab, fixed_date=date(2077, 10, 21))
    assert other.data != first.data


def test_variants(kab):
    _, plan = _build(kab, variant="plan", quarter=None)
    text = "\n".join(_pages(plan.data))
    assert "Rencana Aksi Penghapusan Kemiskinan Ekstrem Tahun 2077" in text
    assert "Realisasi" not in text.split("E. Matriks")[1]
    _, sem = _build(kab, variant="semester", semester=1, quarter=None)
    text = "\n".join(_pages(sem.data))
    assert "Realisasi Semester I (Rp)" in text
    # Semester I is the figure to date at the end of TW II.
    sem1 = rollup.total(_filter(kab, quarter=2, verified_only=True))
    assert format_rupiah(sem1.realized) in text
    content, one = _build(kab, variant="opd", opd_id=kab.opd_a.id)
    text = "\n".join(_pages(one.data))
    assert "Kepala Dinas Sosial Ćwiek Łódź" in text and "Dra. Siti Ñurhayati" in text
    assert "NIP. 197001011995032001" in text
    assert "Dinkes" not in text and len(content.matrix) == 2


def test_one_opd_annex_lists_only_the_desa_its_tags_reach(kab):
    from models import db
    from tests import factories as make

    def lokus_desa(name, tag):
        v = make.village(fy=kab.fy, priority=True, desil1=5)
        v.name = name
        make.tag_village(tag, v)
        return name

    ours = lokus_desa("Desa Jangkauan Dinsos", kab.tags[1])  # Opd A's tag
    theirs = lokus_desa("Desa Jangkauan Dinkes", kab.tags[2])  # Opd B's tag only
    db.session.flush()

    def annex(**kw):
        _, pdf = _build(kab, **kw)
        text = "\n".join(_pages(pdf.data))
        return text.split("F. Lokus Desa Prioritas")[1]

    one = annex(variant="opd", opd_id=kab.opd_a.id)
    assert ours in one and "Dinsos" in one
    assert theirs not in one and "Belum ada" not in one.split("* Bagian")[0]
    whole = annex()
    assert ours in whole and theirs in whole
    assert "Belum ada" in whole  # the kabupaten report keeps the gap (KK Desil 1 = 12)


def test_bad_options_name_the_field(kab):
    from app.core.errors import ServiceError

    with pytest.raises(ServiceError) as exc:
        resolve_options(report_data.YEAR, "opd", quarter=3)
    assert exc.value.field == "opd"
    with pytest.raises(ServiceError) as exc:
        resolve_options(1999, quarter=3)
    assert exc.value.field == "year"


def test_pdftotext_reads_the_totals(kab, tmp_path):
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdftotext) must be installed in CI")
        pytest.skip("pdftotext not installed")
    content, pdf = _build(kab)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert format_rupiah(content.total.tagged) in text
    assert format_rupiah(content.total.realized) in text
    assert "Halaman 5 dari 5" in text

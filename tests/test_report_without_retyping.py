"""The Kemenko report needs no retyping (issue 23): an OPD whose TW III is carried forward shows
a marked dash with its legend in "Realisasi TW III", not 0; targets per unit; every annex table
has its total row; Menko PMK is ticked by default; the XLSX says the kelompok in words; the
letter starts no sentence with a digit; a word is cut only to fill a mostly empty line."""
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from reports.content import letter
from reports.content.kemenko import CARRIED_CELL, build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.xlsx.kemenko import build_xlsx
from tests import report_data


@pytest.fixture
def content():
    report_data.build()
    return build_content(resolve_options(report_data.YEAR, quarter=3,
                                         fixed_date=date(2077, 10, 20)))


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.replace("\u00a0", " ")


def test_carried_quarter_is_a_marked_dash_not_zero(content):
    tw3 = next(i for i, c in enumerate(content.columns) if c.label == "Realisasi TW III (Rp)")
    dinkes = [r for r in content.matrix if "Dinkes" in r.values[2]]
    dinsos = [r for r in content.matrix if "Dinsos" in r.values[2]]
    assert dinkes and all(r.values[tw3] == CARRIED_CELL for r in dinkes)
    assert all(r.values[tw3] != CARRIED_CELL for r in dinsos)
    assert content.matrix_notes and content.matrix_notes[0].startswith("– *")
    ws = load_workbook(io.BytesIO(build_xlsx(content)))["Matriks"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert cells.count(CARRIED_CELL) == len(dinkes)
    assert any(isinstance(c, str) and c.startswith("– * tidak ada angka baru") for c in cells)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_annexes_have_totals_and_the_strategy_header_stays_whole(content, tmp_path):
    text = _text(build_pdf(content).data, tmp_path)
    lokus = text[text.index("F. Lokus Desa"):]
    assert re.search(r"Jumlah\s+2 desa\s+89", lokus)  # 77 + 12 KK desil 1
    assert "– * tidak ada angka baru" in " ".join(text.split())
    assert not re.search(r"\bStra-", text)  # the strategy column's header stays whole
    assert "Sasaran dan capaian per satuan" in text


def test_xlsx_annex_totals_and_kelompok_in_words(content):
    wb = load_workbook(io.BytesIO(build_xlsx(content)))
    rows = list(wb["Lokus Desa"].iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == "Jumlah (2 desa)")
    assert total[4] == 89
    summary = [r for r in wb["Ringkasan"].iter_rows(values_only=True)]
    codes = {r[1] for r in summary if r[1]}
    assert "tidak_langsung" not in codes and "langsung" not in codes
    assert any(r[1] and "langsung" in str(r[1]).lower() for r in summary)
    late = list(wb["Kepatuhan"].iter_rows(values_only=True)) if "Kepatuhan" in wb else []
    assert not late or any(r[2] and str(r[2]).startswith("Jumlah:") for r in late)


def test_menko_pmk_is_an_addressee_by_default(client, make, login, content):
    assert "menko_pmk" in content.addressees
    login(make.user("secretariat"))
    page = client.get("/laporan/").get_data(as_text=True)
    box = re.search(r'<input[^>]*value="menko_pmk"[^>]*>', page).group(0)
    assert "checked" in box


def test_no_sentence_of_the_letter_starts_with_a_digit(content):
    assert content.carried  # "Sebanyak 1 perangkat daerah ..." is in the letter
    for paragraph in letter.letter_body(content):
        for sentence in re.split(r"(?<=[.;])\s+", paragraph):
            assert not sentence[:1].isdigit(), sentence


def test_a_word_that_fits_a_line_of_its_own_is_not_cut_to_fill_a_full_line():
    from reports.pdf import styles as st
    from reports.pdf.fit import line_width, wrap

    width = line_width("Bantuan sosial xx", st.CONDENSED, 7)
    lines = wrap("Bantuan sosial Pemberdayaan", st.CONDENSED, 7, width)
    assert lines == ["Bantuan sosial", "Pemberdayaan"]  # not "Bantuan sosial Pem-"

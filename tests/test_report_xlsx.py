"""The XLSX: cells equal the rollup (as Decimal), numbers stay numbers, formulas are defused."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.core.xlsx_cells import RUPIAH
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.queries import rollup
from reports.xlsx.kemenko import build_xlsx
from tests import report_data


def dec(value) -> Decimal:
    return Decimal(str(value))  # openpyxl reads numbers back as float


@pytest.fixture
def book():
    kab = report_data.build()
    content = build_content(resolve_options(report_data.YEAR, quarter=3,
                                            fixed_date=date(2077, 10, 20)))
    return kab, content, load_workbook(BytesIO(build_xlsx(content)))


def _rows(ws, first_label):
    """Rows of the table whose header row starts with `first_label`, as lists of cells."""
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == first_label)
    return rows[start:]


def test_matrix_cells_equal_the_rollup_by_tag(book):
    kab, content, wb = book
    ws = wb["Matriks"]
    header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "No")]
    col = {label: i for i, label in enumerate(header)}
    by_tag = {r.key: r for r in rollup.rollup(rollup.RollupFilter(
        kab.fy.id, quarter=3, verified_only=True), "tag")}
    body = _rows(ws, "No")[2:]  # past the header and the row of column numbers
    body = body[:next(i for i, r in enumerate(body) if r[1].value == "JUMLAH") + 1]
    assert len(body) == len(by_tag) + 1
    descriptions = {t.id: t.description for t in kab.tags}
    for row in body[:-1]:
        kind_cells = [row[col[k]].value for k in ("Aktivitas Langsung",
                                                  "Aktivitas Tidak Langsung",
                                                  "Aktivitas Penunjang")]
        tag_id = next(i for i, d in descriptions.items() if d in kind_cells)
        expected = by_tag[tag_id]
        assert dec(row[col["Alokasi Anggaran (Rp)"]].value) == expected.tagged
        assert dec(row[col["Total Realisasi s.d. TW III (Rp)"]].value) == expected.realized
        assert dec(row[col["Serapan (%)"]].value) == expected.absorption
        assert row[col["Alokasi Anggaran (Rp)"]].number_format == RUPIAH
        assert row[col["Jumlah Sasaran"]].value == expected.target
    total = body[-1]
    assert total[1].value == "JUMLAH"
    assert dec(total[col["Alokasi Anggaran (Rp)"]].value) == content.total.tagged
    assert dec(total[col["Total Realisasi s.d. TW III (Rp)"]].value) == content.total.realized
    assert ws.freeze_panes == "E7"


def test_summary_sheet_equals_rollup_by_strategy_and_opd(book):
    kab, content, wb = book
    ws = wb["Ringkasan"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    for row in content.by_strategy + content.by_opd:
        # A carried-forward OPD's label carries its footnote sign (verified-only figures).
        label = f"{row.label} {content.marks[row.key]}" if row in content.by_opd and \
            row.key in content.marks else row.label
        line = next(v for v in values if v[2] == label)
        assert (dec(line[4]), dec(line[5])) == (row.tagged, row.realized)
    totals = [v for v in values if v[2] == "Jumlah"]
    assert len(totals) == 3 and all(dec(v[4]) == Decimal("750000000") for v in totals)
    index = next(v for v in values if v[0] == "Indeks serapan tertimbang" and v[5] is not None)
    assert dec(index[5]) == content.index["index"]


def test_formula_text_is_stored_as_text(book):
    _, _, wb = book
    cell = next(c for r in wb["Matriks"].iter_rows() for c in r
                if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s" and cell.quotePrefix


def test_lokus_sheet_lists_gaps(book):
    _, content, wb = book
    values = [[c.value for c in r] for r in wb["Lokus Desa"].iter_rows()]
    lokus = [v for v in values if v[4] in (77, 12)]
    assert sorted((v[4], v[5]) for v in lokus) == [(12, 0), (77, 2)]


@pytest.mark.slow
def test_a_thousand_tags_build(app):
    from bench.bench_report import build_dataset

    build_dataset(1000, 2079)
    content = build_content(resolve_options(2079, quarter=3, fixed_date=date(2079, 10, 20)))
    pdf = build_pdf(content)
    data = build_xlsx(content)
    assert len(content.matrix) == 1000
    # 66 pages since the matrix columns are sized to their content (more than 100 before).
    assert pdf.pages > 50 and data[:2] == b"PK"
    matrix = load_workbook(BytesIO(data))["Matriks"]
    assert matrix.max_row >= 1000 + 7
    # A guard against a quadratic layout, with room for a loaded CI machine (about 11 s idle).


def test_a_sheet_for_each_part_of_the_pdf_with_print_setup(book):
    _, content, wb = book
    assert wb.sheetnames == ["Surat", "Ringkasan", "Matriks", "Lokus Desa", "Kepatuhan"]
    letter = [c.value for c in wb["Surat"]["A"]]
    assert any(str(v).startswith("Nomor: 400.14/") for v in letter)
    assert any(v and "Berdasarkan data yang telah diverifikasi" in v for v in letter)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == ("portrait" if ws.title == "Surat" else "landscape")
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert setup.paperSize == 9  # A4, the default paper
    matrix = wb["Matriks"]
    assert matrix.print_title_rows == "$5:$6"  # the header and the row of column numbers
    assert [c.value for c in matrix[5]][:2] == ["No", "Strategi"]
    assert wb["Lokus Desa"].print_title_rows == "$5:$5"
    # The trend has each quarter's own flow beside the figure to date, as the PDF.
    values = [[c.value for c in r] for r in wb["Ringkasan"].iter_rows()]
    head = next(v for v in values if v[0] == "Triwulan")
    assert head[2:4] == ["Realisasi Triwulan", "Realisasi s.d. Triwulan"]


def test_money_shows_sen_where_a_column_has_them(app):
    from app.core.xlsx_cells import RUPIAH_SEN
    from tests import factories as make

    kab = report_data.build()
    sa = kab.tags[0].sub_activity
    make.tag(sa, "26661678045.68", 1, "langsung", description="Dengan sen")
    content = build_content(resolve_options(report_data.YEAR, quarter=3,
                                            fixed_date=date(2077, 10, 20)))
    ws = load_workbook(BytesIO(build_xlsx(content)))["Matriks"]
    header = [c.value for c in ws[5]]
    alloc = header.index("Alokasi Anggaran (Rp)")
    realized = header.index("Total Realisasi s.d. TW III (Rp)")
    body = [r for r in ws.iter_rows(min_row=7) if isinstance(r[alloc].value, int | float)]
    assert body and all(r[alloc].number_format == RUPIAH_SEN for r in body)
    cell = next(r[alloc] for r in body if r[alloc].value == 26661678045.68)
    assert dec(cell.value) == Decimal("26661678045.68")
    # A column of whole rupiah keeps whole rupiah ("Rp 0,00" nowhere).
    assert all(r[realized].number_format == RUPIAH for r in body
               if r[realized].value is not None)

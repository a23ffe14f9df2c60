"""plain_table (reports/pdf/plain_table.py) makes the table reportlab would make from the same
data and style, without styling cell by cell: the same cell styles, row heights, and PDF."""
from io import BytesIO

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from reports.pdf import styles as st
from reports.pdf.plain_table import plain_table

ATTRS = ("fontname", "fontsize", "leading", "leftPadding", "rightPadding", "topPadding",
         "bottomPadding", "alignment", "valign", "color", "background")


def _data(rows: int):
    head = [["No", "Uraian\npanjang", "Anggaran"], ["1", "2", "3"]]
    body = [[str(i), "baris\n" * (i % 3) + f"desa {i}", "-" if i % 4 == 0 else f"{i}.000"]
            for i in range(rows)]
    return head + body + [["", "JUMLAH", "99.000"]]


def _style():
    style = st.grid_style(header_rows=1, total_rows=1, numbers_row=True, pad=1.6)
    style.add("FONT", (0, 0), (-1, 0), st.CONDENSED_BOLD, 6, 7)
    style.add("FONT", (0, 1), (-1, -1), st.CONDENSED, 5.4, 6.5)
    style.add("ALIGN", (0, 0), (-1, 0), "CENTER")
    style.add("ALIGN", (2, 2), (2, -1), "RIGHT")
    style.add("ALIGN", (1, 2), (-2, -1), "LEFT")
    style.add("FONT", (0, -1), (-1, -1), st.CONDENSED_BOLD, 5.4, 6.5)
    style.add("LINEBELOW", (0, -2), (-1, -2), 1, st.RULE)
    return style


def _pair(rows: int):
    data = _data(rows)
    dashes = {(2, i): {"alignment": "CENTER"} for i, r in enumerate(data) if r[2] == "-"}
    mine = plain_table([r[:] for r in data], _style(), [20, 80, 40], overrides=dashes,
                       repeatRows=2)
    theirs = Table([r[:] for r in data], colWidths=[20, 80, 40], repeatRows=2)
    style = _style()
    for col, row in dashes:
        style.add("ALIGN", (col, row), (col, row), "CENTER")
    theirs.setStyle(style)
    return mine, theirs


@pytest.mark.parametrize("rows", [0, 1, 9])
def test_the_cell_styles_and_row_heights_are_reportlabs(rows):
    mine, theirs = _pair(rows)
    for r, (a_row, b_row) in enumerate(zip(mine._cellStyles, theirs._cellStyles, strict=True)):
        for c, (a, b) in enumerate(zip(a_row, b_row, strict=True)):
            assert [getattr(a, n) for n in ATTRS] == [getattr(b, n) for n in ATTRS], (r, c)
    mine.wrap(140, 800)
    theirs.wrap(140, 800)
    assert mine._rowHeights == theirs._rowHeights
    assert mine._height == theirs._height


def _pdf(table) -> bytes:
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build([table])
    return out.getvalue()


def test_a_long_table_splits_into_the_same_pages_and_bytes():
    mine, theirs = _pair(400)  # several pages: every split carries the shared styles
    assert _pdf(mine) == _pdf(theirs)


def test_only_plain_strings_are_taken():
    with pytest.raises(TypeError):
        plain_table([["a", 1]], TableStyle([]), [10, 10])

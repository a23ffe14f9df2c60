"""Issue 25: the report PDF built in bounded memory (footers as pages finish, the story made
as the layout reaches it, the matrix in chunks) says exactly what the former build says, page
by page, "Halaman x dari y" included, on the generator's S kabupaten."""
import subprocess

import pytest
from sqlalchemy import select

from bench.generate import generate
from models import FiscalYear, db
from reports.pdf import kemenko
from reports.render import build_content, resolve_options


def pdf_pages(data: bytes, tmp_path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture
def s_content(app):
    generate(1, year=2026, seed=3)
    db.session.flush()
    assert db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == 2026))
    from datetime import date

    return build_content(resolve_options(year=2026, quarter=3, fixed_date=date(2026, 10, 20)))


@pytest.mark.parametrize("chunk", [kemenko.MATRIX_CHUNK, 7])
def test_the_bounded_build_says_what_the_former_build_says(s_content, tmp_path, monkeypatch,
                                                           chunk):
    monkeypatch.setattr(kemenko, "MATRIX_CHUNK", chunk)  # 7: many chunks, most mid-page
    before = kemenko.build_pdf(s_content, bounded=False)
    after = kemenko.build_pdf(s_content)
    assert after.pages == before.pages > 10
    old, new = pdf_pages(before.data, tmp_path, "a.pdf"), pdf_pages(after.data, tmp_path,
                                                                       "b.pdf")
    assert len(old) == len(new)
    for number, (a, b) in enumerate(zip(old, new, strict=True), 1):
        assert a == b, f"page {number}"
    assert f"Halaman {before.pages} dari {before.pages}" in new[-1]

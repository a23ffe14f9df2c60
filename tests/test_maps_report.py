"""The report's map page (issue 27), read back from the PDF with pdftotext: present with its
title, legend, counts and source once desa boundaries exist; absent before."""
import shutil
import subprocess

import pytest
from sqlalchemy import select

from app.maps import importer
from models import Village, VillageYear
from models import db as _db
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from tests import report_data

from .maps_files import feature, geojson, square

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return [" ".join(p.split()) for p in text.split("\f")]


def _report() -> list[str]:
    content = build_content(resolve_options(report_data.YEAR, quarter=3,
                                            include_unverified=True))
    return _pages(build_pdf(content).data)


def test_report_has_the_map_page_once_boundaries_exist():
    kab = report_data.build()
    assert not any("Peta Sebaran" in p for p in _report())
    villages = _db.session.scalars(select(Village).join(
        VillageYear, VillageYear.village_id == Village.id).where(
        VillageYear.fiscal_year_id == kab.fy.id).order_by(Village.id)).all()
    data = geojson([feature({"kode": v.code}, square(i)) for i, v in enumerate(villages)])
    importer.apply_plan(importer.build_plan(data, "batas-resmi.geojson"), actor=None)
    _db.session.commit()
    pages = [p for p in _report() if "Peta Sebaran Intervensi di Desa Lokus" in p]
    assert len(pages) == 1
    page = pages[0]
    assert "Keterangan" in page and "Konvergensi 2 dari 3 strategi" in page
    assert "Kesenjangan: RT desil 1 tanpa intervensi" in page
    assert "2 desa lokus tergambar dari 2 desa yang memiliki batas wilayah" in page
    assert "1 desa lokus dengan rumah tangga desil 1 belum dijangkau" in page
    assert "Sumber: batas wilayah batas-resmi.geojson" in page
    assert villages[0].district.name in page  # the kecamatan label on the map

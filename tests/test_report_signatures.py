"""Who signs and who receives, as set in Pengaturan and chosen per report: one or two signature
blocks with name and NIP, addressee lines (Menko PM, Menko PMK, Mendagri, Gubernur), the
semester report to the governor (Inpres 8/2025), and the build key that follows the choice."""
import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.reference.service import settings
from app.reports.build_service import request_build
from models import PemdaSettings, ReportBuild, db
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from tests import report_data

CHAIR = "Drs. Sekar Ayu Pratiwi, M.Si."
CHAIR_NIP = "196805121990032007"


@pytest.fixture
def kab():
    kab = report_data.build()
    row = settings()
    row.province_name = "Provinsi Sejahtera Uji"
    row.head_name = "H. Bupati Penguji"
    row.tkpkd_chair_name, row.tkpkd_chair_nip = CHAIR, CHAIR_NIP
    row.tkpkd_chair_title = "Sekretaris Daerah selaku Ketua TKPKD"
    db.session.flush()
    return kab


def _pages(**kw) -> list[str]:
    kw.setdefault("quarter", 3)
    content = build_content(resolve_options(report_data.YEAR, fixed_date=date(2077, 10, 20),
                                            **kw))
    reader = PdfReader(BytesIO(build_pdf(content).data))
    return [" ".join(p.extract_text().split()) for p in reader.pages]


def test_ketua_tkpkd_signs_with_name_and_nip_when_set(kab):
    settings().signatories = "both"
    pages = _pages()
    for text in (pages[0], pages[-1]):  # the letter and the end of the annex
        assert "Sekretaris Daerah selaku Ketua TKPKD," in text
        assert CHAIR in text and f"NIP. {CHAIR_NIP}" in text
        assert "H. Bupati Penguji" in text  # both blocks
    settings().signatories = "head"
    pages = _pages()
    assert CHAIR not in pages[0] and CHAIR_NIP not in pages[-1]
    assert "H. Bupati Penguji" in pages[0]
    settings().signatories = "chair"
    pages = _pages()
    assert CHAIR in pages[0] and "H. Bupati Penguji" not in pages[0]


def test_addressees_are_chosen_per_report(kab):
    letter = _pages()[0]  # nothing chosen, nothing set: Menko PM, Menko PMK (issue 23), Mendagri
    assert "1. Menteri Koordinator Bidang Pemberdayaan Masyarakat;" in letter
    assert "2. Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan;" in letter
    assert "3. Menteri Dalam Negeri di Jakarta" in letter
    letter = _pages(addressees=("menko_pmk", "gubernur"))[0]
    assert "1. Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan;" in letter
    assert "2. Gubernur Sejahtera Uji" in letter
    assert "Menteri Dalam Negeri" not in letter
    assert "Tembusan: 1. Ketua TKPKD Provinsi." in letter  # the governor is addressed already
    settings().report_addressees = "mendagri"
    letter = _pages()[0]
    assert "Yth. Menteri Dalam Negeri di Jakarta" in letter
    assert "Tembusan: 1. Gubernur Sejahtera Uji; 2. Ketua TKPKD Provinsi." in letter


def test_semester_report_to_the_governor(kab):
    pages = _pages(variant="gubernur", semester=1, quarter=None,
                   addressees=("menko_pm",))  # the variant's addressee is the governor
    letter = pages[0]
    assert "Yth. Gubernur Sejahtera Uji di Tempat" in letter
    assert "sebagai bahan laporan Gubernur kepada Menteri Koordinator Bidang Pemberdayaan " \
           "Masyarakat dan Menteri Dalam Negeri" in letter
    assert "Semester I Tahun 2077" in letter
    assert any("Realisasi Semester I (Rp)" in p for p in pages)


def test_build_key_follows_the_addressees(kab):
    db.session.commit()
    one, created = request_build("pdf", year=report_data.YEAR, variant="quarterly", quarter=3,
                                 addressees=["menko_pm"])
    assert created and one.addressees == "menko_pm"
    same, created = request_build("pdf", year=report_data.YEAR, variant="quarterly",
                                  quarter=3, addressees=["menko_pm", "bogus"])
    assert not created and same.id == one.id
    other, created = request_build("pdf", year=report_data.YEAR, variant="quarterly",
                                   quarter=3, addressees=["mendagri", "menko_pm"])
    assert created and other.id != one.id and other.addressees == "menko_pm,mendagri"
    gub, created = request_build("pdf", year=report_data.YEAR, variant="gubernur", semester=1)
    assert created and gub.semester == 1 and gub.quarter is None
    assert db.session.get(ReportBuild, gub.id).variant == "gubernur"


def test_settings_page_saves_paper_and_signatories(client, make, login, kab):
    login(make.user("admin"))
    form = {"name": "Pemerintah Kabupaten Uji", "region_name": "Kabupaten Uji",
            "head_title": "Bupati", "report_deadline_days": "15", "paper_size": "F4",
            "signatories": "both", "tkpkd_chair_title": "Sekretaris Daerah",
            "tkpkd_chair_name": CHAIR, "tkpkd_chair_nip": CHAIR_NIP,
            "report_addressees": ["menko_pm", "gubernur"]}
    resp = client.post("/admin/pengaturan", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    row = db.session.get(PemdaSettings, settings().id)
    db.session.refresh(row)
    assert (row.paper_size, row.signatories, row.report_addressees) == (
        "F4", "both", "menko_pm,gubernur")
    html = client.get("/admin/pengaturan").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="gubernur"', html)
    assert not re.search(r'<input checked[^>]*value="mendagri"', html)
    bad = client.post("/admin/pengaturan", data={**form, "paper_size": "A3",
                                                 "tkpkd_chair_title": "x" * 121})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Paling banyak 120 karakter" in text
    assert "Not a valid choice" in text or "bukan pilihan" in text.lower() or \
        'aria-invalid="true"' in text
    db.session.refresh(row)
    assert row.paper_size == "F4"


def test_report_page_offers_addressees_defaulting_to_settings(client, make, login, kab):
    settings().report_addressees = "menko_pmk"
    db.session.commit()
    login(make.user("secretariat"))
    html = client.get("/laporan/").get_data(as_text=True)
    assert 'name="addressees"' in html and "Laporan semester kepada Gubernur" in html
    assert re.search(r'<input checked[^>]*name="addressees"[^>]*value="menko_pmk"', html)
    assert not re.search(r'<input checked[^>]*value="menko_pm"', html)

"""Issue 30: the governor's report fit to sign (the province's own letterhead and signatories,
the cover letter saying how many kabupaten/kota sent, Sasaran and Terjangkau, the signatures
kept with their text, no report without bundles) and `flask province init`."""
import io
import subprocess

import pytest
from openpyxl import load_workbook

from app.federation import content, receive
from app.federation.province_setup import ProvinceIdentity, init_province
from app.reference.service import settings
from models import User, db

from . import test_federation as fed
from .test_federation import YEAR, build_kabupaten, post

# The federation tests' fixtures: this kabupaten's key, its registration, province mode.
kab_key, member, province_mode = fed.kab_key, fed.member, fed.province_mode

IDENTITY = ProvinceIdentity("Provinsi Sinar Timur", address="Jl. Gubernuran No. 9",
                            city="Kota Fajar", governor="Hj. Ratna Dewi", governor_nip="",
                            secretary="Ir. Bambang Surya", secretary_nip="197001011990031001",
                            chair="Drs. Adi Nugroho", chair_nip="196801011991031002")


def pdf_text(data: bytes, tmp_path) -> list[str]:
    """The PDF's pages as text (pdftotext), one string a page."""
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                         check=True, text=True).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


@pytest.fixture
def a_province(province_mode):
    init_province(IDENTITY)
    db.session.flush()


def test_province_init_sets_letterhead_signatories_and_first_admin():
    row, user = init_province(IDENTITY, admin_username="adminprov",
                              admin_password="Kopi-Pagi-Sinar-77")
    assert row.name == "Pemerintah Provinsi Sinar Timur"
    assert (row.head_title, row.head_name) == ("Gubernur", "Hj. Ratna Dewi")
    assert row.secretary_name == "Ir. Bambang Surya"
    assert row.tkpkd_chair_title == "Ketua TKPK Provinsi"
    assert user.role == "admin"
    # Run again: the letterhead is updated, the existing admin kept (not a second one).
    row, again = init_province(ProvinceIdentity("Sinar Timur"), admin_username="adminprov",
                               admin_password="x")
    assert again is None and row.region_name == "Provinsi Sinar Timur"
    assert db.session.query(User).filter_by(username="adminprov").count() == 1


def test_province_init_cli_refuses_a_kabupaten_instance(app):
    result = app.test_cli_runner().invoke(args=["province", "init", "--name", "Provinsi X"])
    assert result.exit_code != 0 and "TAGAR_MODE=province" in result.output


def test_governor_pdf_has_the_provinces_letterhead_signatories_count_and_targets(
        client, make, login, kab_key, member, a_province, tmp_path):
    build_kabupaten(make)
    _, token = member
    other, _ = receive.register("36.99", "Kota Belum Kirim", receive.bundle.public_b64(kab_key))
    assert post(client, content.export(YEAR, "semester", 1)[0], token).status_code == 201
    login(make.user("provinsi"))
    resp = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=1&format=pdf")
    assert resp.status_code == 200
    pages = pdf_text(resp.data, tmp_path)
    letter, rest = pages[0], " ".join(pages[1:])
    assert "PEMERINTAH PROVINSI SINAR TIMUR" in letter and "Jl. Gubernuran No. 9" in letter
    assert "Menteri Koordinator Bidang Pemberdayaan Masyarakat" in letter
    assert "Menteri Dalam Negeri" in letter
    assert "1 dari 2 kabupaten/kota" in letter and "belum mengirim: Kota Belum Kirim" in letter
    assert "Gubernur Sinar Timur" in letter and "Hj. Ratna Dewi" in letter
    assert "Bupati" not in " ".join(pages) and "Harapan Jaya" not in " ".join(pages)
    assert "Sasaran" in rest and "Terjangkau" in rest
    # The last page carries the three signatures and the sentence they sign.
    last = pages[-1]
    assert "disahkan oleh" in last
    for name in ("Ir. Bambang Surya", "Drs. Adi Nugroho", "Hj. Ratna Dewi"):
        assert name in last
    assert f"Halaman {len(pages)} dari {len(pages)}" in last


def test_governor_xlsx_has_the_same_columns_and_the_signatories(
        client, make, login, kab_key, member, a_province):
    build_kabupaten(make)
    _, token = member
    assert post(client, content.export(YEAR, "semester", 1)[0], token).status_code == 201
    login(make.user("provinsi"))
    resp = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=1&format=xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    header = [c.value for row in wb["Kabupaten"].iter_rows() for c in row]
    assert "Sasaran" in header and "Terjangkau" in header
    signers = [c.value for row in wb["Pengesahan"].iter_rows() for c in row]
    assert "Hj. Ratna Dewi" in signers and "Ir. Bambang Surya" in signers
    letter = " ".join(str(c.value) for row in wb["Surat"].iter_rows() for c in row if c.value)
    assert "1 dari 1 kabupaten/kota" in letter


def test_a_semester_without_bundles_gives_no_signed_report(client, make, login, member,
                                                            a_province):
    login(make.user("provinsi"))
    for fmt in ("pdf", "xlsx"):
        resp = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=2&format={fmt}")
        assert resp.status_code == 404 and not resp.data.startswith(b"%PDF")
        assert "Belum ada bundel terverifikasi" in resp.get_data(as_text=True)
    page = client.get(f"/provinsi/laporan?tahun={YEAR}&semester=2").get_data(as_text=True)
    assert "laporan gubernur tidak dibuat" in page and "Unduh PDF" not in page
    assert settings().head_title == "Gubernur"

"""The API and the CLI offer what the report page offers (issue 13): the addressees chosen per
report and the semester report to the governor, read back from the PDF they produce."""
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.accounts.api_tokens import create_token
from app.reference.service import settings
from models import db
from tests import report_data

YEAR = report_data.YEAR


@pytest.fixture
def kab():
    kab = report_data.build()
    settings().province_name = "Provinsi Sejahtera Uji"
    db.session.commit()
    return kab


def _letter(data: bytes) -> str:
    return " ".join(PdfReader(BytesIO(data)).pages[0].extract_text().split())


@pytest.fixture
def api(client, make):
    _, secret = create_token(make.user("secretariat"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}

    def post(**body):
        return client.post("/api/v1/reports", json=body, headers=headers)

    def file(build):
        resp = client.get(build["file_url"], headers=headers)
        assert resp.status_code == 200
        return resp.data
    return post, file


def test_api_report_addressed_as_asked(api, kab):
    post, file = api
    resp = post(variant="quarterly", year=YEAR, quarter=3, addressees=["mendagri"])
    assert resp.status_code == 200, resp.get_json()
    build = resp.get_json()
    assert build["addressees"] == ["mendagri"]
    letter = _letter(file(build))
    assert "Yth. Menteri Dalam Negeri di Jakarta" in letter
    assert "Pemberdayaan Masyarakat" not in letter
    both = post(variant="quarterly", year=YEAR, quarter=3,
                addressees=["gubernur", "menko_pmk"]).get_json()
    assert both["id"] != build["id"] and both["addressees"] == ["menko_pmk", "gubernur"]
    letter = _letter(file(both))
    assert "1. Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan;" in letter
    assert "2. Gubernur Sejahtera Uji" in letter
    # Unknown codes are refused with the field named, not silently dropped.
    bad = post(variant="quarterly", year=YEAR, quarter=3, addressees=["presiden"])
    assert bad.status_code == 422 and "addressees" in bad.get_json()["errors"]["json"]


def test_api_semester_report_to_the_governor(api, kab):
    post, file = api
    resp = post(variant="gubernur", year=YEAR, semester=1, addressees=["menko_pm"])
    assert resp.status_code == 200, resp.get_json()
    build = resp.get_json()
    assert build["variant"] == "gubernur" and build["addressees"] == ["gubernur"]
    letter = _letter(file(build))
    assert "Yth. Gubernur Sejahtera Uji di Tempat" in letter
    assert "Semester I Tahun" in letter
    missing = post(variant="gubernur", year=YEAR)
    assert missing.status_code == 422 and "semester" in missing.get_json()["errors"]["json"]


def test_cli_offers_the_governor_variant_and_addressees(app, kab, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "gub.pdf"
    result = runner.invoke(args=["report", "kemenko", "--year", str(YEAR), "--variant",
                                 "gubernur", "--semester", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    letter = _letter(out.read_bytes())
    assert "Yth. Gubernur Sejahtera Uji di Tempat" in letter and "Semester I Tahun" in letter
    out = tmp_path / "two.pdf"
    result = runner.invoke(args=["report", "kemenko", "--year", str(YEAR), "--quarter", "3",
                                 "--addressee", "menko_pm", "--addressee", "gubernur",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    letter = _letter(out.read_bytes())
    assert "1. Menteri Koordinator Bidang Pemberdayaan Masyarakat;" in letter
    assert "2. Gubernur Sejahtera Uji" in letter and "Menteri Dalam Negeri" not in letter
    result = runner.invoke(args=["report", "kemenko", "--year", str(YEAR), "--quarter", "3",
                                 "--addressee", "presiden", "-o", str(out)])
    assert result.exit_code != 0 and "presiden" in result.output

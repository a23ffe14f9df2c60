"""Where to get the report: the download page by role, and `flask report kemenko`."""
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests import report_data


@pytest.fixture
def kab():
    return report_data.build()


def _post(client, **data):
    form = {"variant": "quarterly", "year": report_data.YEAR, "quarter": 3, "semester": 1,
            "opd_id": 0, "fmt": "pdf", "number": ""}
    form.update(data)
    return client.post("/laporan/", data=form)


def test_secretariat_downloads_pdf_and_xlsx(client, login, make, kab):
    login(make.user("secretariat"))
    page = client.get("/laporan/")
    assert page.status_code == 200 and "Unduh laporan" in page.get_data(as_text=True)
    resp = _post(client)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "laporan-kemenko-2077-tw3.pdf" in resp.headers["Content-Disposition"]
    text = " ".join(PdfReader(BytesIO(resp.data)).pages[1].extract_text().split())
    assert "Rp 750.000.000" in text
    resp = _post(client, fmt="xlsx", include_unverified="y")
    assert resp.status_code == 200 and "DRAFT" in resp.headers["Content-Disposition"]
    assert "Matriks" in load_workbook(BytesIO(resp.data)).sheetnames


def test_viewer_may_download(client, login, make, kab):
    login(make.user("viewer"))
    assert _post(client, variant="plan").status_code == 200


def test_opd_user_gets_only_its_own_opd(client, login, make, kab):
    login(make.user("opd", kab.opd_a))
    page = client.get("/laporan/").get_data(as_text=True)
    assert "Dinsos" in page and "Dinkes" not in page
    resp = _post(client, variant="opd", opd_id=kab.opd_a.id)
    assert resp.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(resp.data)).pages)
    assert "Dinkes" not in text and "Dinsos" in text
    assert _post(client, variant="opd", opd_id=kab.opd_b.id).status_code == 403
    assert _post(client, opd_id=0).status_code == 403  # the kabupaten-wide report


def test_login_required(client):
    assert client.get("/laporan/").status_code in (302, 401)


def test_bad_choice_shows_message_not_500(client, login, make, kab):
    login(make.user("secretariat"))
    resp = _post(client, variant="opd", opd_id=0)
    assert resp.status_code == 200
    assert "Laporan perangkat daerah memerlukan satu OPD." in resp.get_data(as_text=True)


def test_cli_writes_pdf_and_xlsx(app, kab, tmp_path):
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    args = ["report", "kemenko", "--year", str(report_data.YEAR), "--quarter", "3",
            "--fixed-date", "2077-10-20", "-o", str(pdf), "--xlsx", str(xlsx)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "5 halaman" in result.output
    first = pdf.read_bytes()
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    assert pdf.read_bytes() == first  # same data, fixed date: the same file
    assert load_workbook(xlsx)["Ringkasan"]["A1"].value.startswith("LAPORAN PELAKSANAAN")
    bad = app.test_cli_runner().invoke(args=["report", "kemenko", "--year", "1999",
                                             "--quarter", "3", "-o", str(pdf)])
    assert bad.exit_code != 0 and "Tahun anggaran 1999 tidak ada." in bad.output

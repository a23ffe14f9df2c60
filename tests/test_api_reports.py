"""POST /api/v1/reports, GET /api/v1/reports/{id} and its file: the report page's rules (an OPD
user only its own OPD, never the kabupaten), the same request answered from the stored build,
and the documented errors. Jobs run in the request here (TestConfig); tests/test_jobs.py runs
the API against a real Redis queue and worker, where the first answer is 202."""
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.api_tokens import create_token
from app.reference.service import settings
from app.reports.build_service import request_build, run_build
from models import ReportBuild, db
from tests import report_data

YEAR = report_data.YEAR


@pytest.fixture
def kab():
    kab = report_data.build()
    settings()
    db.session.commit()
    return kab


@pytest.fixture
def api(client):
    class Api:
        def __init__(self):
            self.headers = {}

        def as_(self, user):
            _, secret = create_token(user, "uji")
            self.headers = {"Authorization": f"Bearer {secret}"}
            return self

        def post(self, **body):
            return client.post("/api/v1/reports", json=body, headers=self.headers)

        def get(self, path):
            return client.get(path, headers=self.headers)

    return Api()


def test_request_poll_and_download(api, make, kab):
    api.as_(make.user("secretariat"))
    resp = api.post(variant="quarterly", year=YEAR, quarter=3, number="400/7/TKPKD")
    assert resp.status_code == 200  # built in the request here: finished at once
    build = resp.get_json()
    assert build["status"] == "done" and build["progress"] == 100 and build["format"] == "pdf"
    assert build["file_url"] == f"/api/v1/reports/{build['id']}/file"
    assert resp.headers["Location"].endswith(f"/api/v1/reports/{build['id']}")
    assert api.get(f"/api/v1/reports/{build['id']}").get_json() == build
    pdf = api.get(build["file_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages).split())
    assert "400/7/TKPKD" in text and "Rp 750.000.000" in text
    # The same request: the same build, no second one.
    again = api.post(variant="quarterly", year=YEAR, quarter=3, number="400/7/TKPKD")
    assert again.status_code == 200 and again.get_json()["id"] == build["id"]
    assert db.session.scalar(select(func.count()).select_from(ReportBuild)) == 1
    xlsx = api.post(format="xlsx", variant="semester", year=YEAR, semester=1,
                    include_unverified=True)
    assert xlsx.status_code == 200 and xlsx.get_json()["file_name"].endswith("-DRAFT.xlsx")
    assert api.get(xlsx.get_json()["file_url"]).mimetype.endswith("spreadsheetml.sheet")


def test_unfinished_build_is_202_and_its_file_409(api, make, kab):
    api.as_(make.user("secretariat"))
    build, _ = request_build("pdf", year=YEAR, variant="plan")  # queued, no worker here
    db.session.commit()
    resp = api.post(variant="plan", year=YEAR)
    assert resp.status_code == 202 and resp.get_json()["id"] == build.id
    assert resp.get_json()["status"] == "queued" and resp.get_json()["file_url"] is None
    file = api.get(f"/api/v1/reports/{build.id}/file")
    assert file.status_code == 409 and "belum selesai" in file.get_json()["message"]


def test_failed_build_gives_its_reason(api, make, kab):
    api.as_(make.user("secretariat"))
    build, _ = request_build("pdf", year=YEAR, variant="plan")
    build.year = 2099
    db.session.commit()
    run_build(build.id)
    got = api.get(f"/api/v1/reports/{build.id}").get_json()
    assert got["status"] == "failed" and got["error"] == "Tahun anggaran 2099 tidak ada."
    file = api.get(f"/api/v1/reports/{build.id}/file")
    assert file.status_code == 409 and file.get_json()["message"] == got["error"]


def test_opd_user_only_its_own_opd(api, make, kab):
    other, _ = request_build("pdf", year=YEAR, variant="opd", quarter=3, opd_id=kab.opd_b.id)
    whole, _ = request_build("pdf", year=YEAR, variant="quarterly", quarter=3)
    db.session.commit()
    api.as_(make.user("opd", kab.opd_a))
    own = api.post(variant="opd", year=YEAR, quarter=3, opd_id=kab.opd_a.id)
    assert own.status_code == 200 and own.get_json()["opd_id"] == kab.opd_a.id
    assert api.get(own.get_json()["file_url"]).status_code == 200
    assert api.post(variant="opd", year=YEAR, quarter=3, opd_id=kab.opd_b.id).status_code == 403
    assert api.post(variant="quarterly", year=YEAR, quarter=3).status_code == 403
    for build in (other, whole):
        for path in (f"/api/v1/reports/{build.id}", f"/api/v1/reports/{build.id}/file"):
            resp = api.get(path)
            assert resp.status_code == 403 and resp.get_json()["message"]
    assert api.get("/api/v1/reports/999999").status_code == 404
    assert api.get("/api/v1/reports/99999999999").status_code == 404


def test_bad_requests_are_422_with_field_messages(api, make, kab):
    api.as_(make.user("secretariat"))
    resp = api.post(variant="opd", year=YEAR, quarter=3)
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["json"] == {
        "opd_id": ["Laporan perangkat daerah memerlukan satu OPD."]}
    resp = api.post(variant="tahunan", year=YEAR, quarter=9, format="doc", extra=1)
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]["json"]) == {"variant", "quarter", "format", "extra"}
    assert api.post(variant="quarterly", year=2099, quarter=1).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ReportBuild)) == 0


def test_token_required_and_documented(client):
    assert client.post("/api/v1/reports", json={}).status_code == 401
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/reports"]["post"]["responses"]
    assert {"200", "202", "403", "422", "503"} <= set(post)
    assert "409" in spec["paths"]["/api/v1/reports/{build_id}/file"]["get"]["responses"]

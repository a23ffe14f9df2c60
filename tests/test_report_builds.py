"""Reports built as jobs: keyed by what they depend on, reused while the data is unchanged,
rebuilt after a write, failures shown with their reason, each OPD's builds its own, and the
job's file the same report as the synchronous build.

The suite's app runs jobs in the request (TAGAR_JOBS_WORKER=immediate) inside the test's
transaction; tests/test_jobs.py runs the real queues."""
import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, func, select, update

from app.reference.service import settings
from app.reports.build_service import STALLED, prune, request_build, run_build
from models import DataVersion, ReportBuild, Tag, db, utcnow
from models.data_version import current_version
from reports.render import build_report
from tests import report_data

YEAR = report_data.YEAR


@pytest.fixture
def kab():
    kab = report_data.build()
    settings()  # the pemda row exists in any running system; a build would create it otherwise
    db.session.commit()
    return kab


def _post(client, **data):
    form = {"variant": "quarterly", "year": YEAR, "quarter": 3, "semester": 1, "opd_id": 0,
            "fmt": "pdf", "number": ""}
    form.update(data)
    return client.post("/laporan/", data=form)


def _builds() -> int:
    return db.session.scalar(select(func.count()).select_from(ReportBuild))


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_same_request_twice_returns_the_stored_file(client, login, make, kab):
    login(make.user("secretariat"))
    first = _post(client)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    build = db.session.scalars(select(ReportBuild)).one()
    assert build.status == "done" and build.progress == 100 and build.pages == 5
    second = _post(client)
    assert second.status_code == 200 and second.data == first.data
    assert _builds() == 1  # answered from the stored build, nothing built again
    # Another format, period or scope is another build.
    assert _post(client, fmt="xlsx").status_code == 200
    assert _post(client, quarter=2).status_code == 200
    assert _builds() == 3


def test_a_write_to_a_tag_changes_the_data_version_and_gives_a_new_build(client, login, make,
                                                                          kab):
    login(make.user("secretariat"))
    _post(client)
    old = db.session.scalars(select(ReportBuild)).one()
    version = current_version()
    tag = db.session.get(Tag, kab.tags[3].id)
    tag.description = "Bantuan gizi balita dan ibu hamil"
    db.session.commit()
    assert current_version() == version + 1
    resp = _post(client)
    assert resp.status_code == 200 and _builds() == 2
    new = db.session.scalars(select(ReportBuild).order_by(ReportBuild.id.desc())).first()
    assert new.id != old.id and new.data_version == version + 1
    assert "dan ibu hamil" in _text(resp.data) and "dan ibu hamil" not in _text(old.data)


def test_bulk_updates_count_and_rolled_back_or_unrelated_writes_do_not(make, kab):
    version = current_version()
    db.session.execute(update(Tag).where(Tag.id == kab.tags[0].id).values(
        amount=Decimal("310000000")))
    db.session.commit()
    assert current_version() == version + 1
    kab.tags[1].description = "Tidak jadi"
    db.session.flush()
    db.session.rollback()
    assert current_version() == version + 1
    make.user("viewer")  # users, tokens, throttles, builds: not read by a report
    db.session.commit()
    assert current_version() == version + 1


def test_a_missing_version_row_is_recreated_not_silently_stuck(make, kab):
    db.session.execute(delete(DataVersion))
    assert current_version() == 0
    kab.tags[0].description = "Diubah"
    db.session.commit()
    assert current_version() == 1


def test_failed_build_shows_the_reason(client, login, make, kab):
    user = login(make.user("secretariat"))
    build, _ = request_build("pdf", user=user, year=YEAR, variant="quarterly", quarter=3)
    build.year = 2099  # as if the fiscal year were removed after the request
    db.session.commit()
    run_build(build.id)
    db.session.refresh(build)
    assert build.status == "failed" and build.error == "Tahun anggaran 2099 tidak ada."
    assert build.finished_at is not None and build.data is None
    page = client.get("/laporan/").get_data(as_text=True)
    assert "Gagal:</strong> Tahun anggaran 2099 tidak ada." in page
    state = client.get(f"/laporan/bangun/{build.id}").get_json()
    assert state["status"] == "failed" and state["error"] == "Tahun anggaran 2099 tidak ada."
    assert state["download_url"] is None
    # A failed build is never reused: the same request queues a new one.
    again, created = request_build("pdf", user=user, year=YEAR, variant="quarterly", quarter=3)
    assert created and again.id != build.id


def test_queued_and_running_builds_show_their_progress(client, login, make, kab):
    user = login(make.user("secretariat"))
    build, created = request_build("pdf", user=user, year=YEAR, variant="quarterly", quarter=3)
    assert created and build.status == "queued"
    db.session.commit()
    page = client.get("/laporan/").get_data(as_text=True)
    row = page[page.index(f'id="build-{build.id}"'):]
    assert '<progress max="100" value="0">' in row and "Menunggu antrean" in row
    build.status, build.progress = "running", 40
    db.session.commit()
    page = client.get("/laporan/").get_data(as_text=True)
    assert '<progress max="100" value="40">' in page and "Sedang disusun 40%" in page
    assert '<script src="/static/reports.js">' in page and "<script>" not in page
    # The same request meanwhile joins the build under way instead of queueing another.
    same, created = request_build("pdf", user=user, year=YEAR, variant="quarterly", quarter=3)
    assert same.id == build.id and not created
    # Its file is not there yet: the download link leads back to the list.
    resp = client.get(f"/laporan/bangun/{build.id}/berkas")
    assert resp.status_code == 302 and f"#build-{build.id}" in resp.headers["Location"]


def test_a_stalled_build_is_replaced(app, make, kab):
    build, _ = request_build("pdf", year=YEAR, variant="quarterly", quarter=3)
    build.created_at = utcnow() - timedelta(minutes=app.config["REPORT_STALE_MINUTES"] + 1)
    db.session.flush()
    fresh, created = request_build("pdf", year=YEAR, variant="quarterly", quarter=3)
    assert created and fresh.id != build.id
    assert build.status == "failed" and build.error == STALLED


def test_opd_user_sees_and_downloads_only_its_own_opds_builds(client, login, make, kab):
    own, _ = request_build("pdf", year=YEAR, variant="opd", quarter=3, opd_id=kab.opd_a.id)
    other, _ = request_build("pdf", year=YEAR, variant="opd", quarter=3, opd_id=kab.opd_b.id)
    whole, _ = request_build("xlsx", year=YEAR, variant="quarterly", quarter=3)
    db.session.commit()
    for build in (own, other, whole):
        run_build(build.id)
    login(make.user("opd", kab.opd_a))
    page = client.get("/laporan/").get_data(as_text=True)
    assert f'id="build-{own.id}"' in page
    assert f'id="build-{other.id}"' not in page and f'id="build-{whole.id}"' not in page
    assert client.get(f"/laporan/bangun/{own.id}").get_json()["status"] == "done"
    resp = client.get(f"/laporan/bangun/{own.id}/berkas")
    assert resp.status_code == 200 and "Dinsos" in _text(resp.data)
    for build in (other, whole):
        assert client.get(f"/laporan/bangun/{build.id}").status_code == 403
        assert client.get(f"/laporan/bangun/{build.id}/berkas").status_code == 403
    assert client.get("/laporan/bangun/999999").status_code == 404


def test_pdf_from_the_job_matches_the_synchronous_build(make, kab):
    options = {"year": YEAR, "variant": "quarterly", "quarter": 3, "semester": None,
               "opd_id": None, "include_unverified": True, "number": "400/12/TKPKD"}
    name, data = build_report("pdf", **options)
    build, _ = request_build("pdf", **options)
    db.session.commit()
    run_build(build.id)
    db.session.refresh(build)
    assert build.status == "done" and build.file_name == name
    assert _text(build.data) == _text(data.getvalue())
    assert "400/12/TKPKD" in _text(build.data) and "DRAFT" in name


def test_xlsx_from_the_job_opens(make, kab):
    from openpyxl import load_workbook

    build, _ = request_build("xlsx", year=YEAR, variant="semester", semester=1)
    db.session.commit()
    run_build(build.id)
    db.session.refresh(build)
    assert build.status == "done" and build.file_name.endswith("semester-1.xlsx")
    assert "Matriks" in load_workbook(BytesIO(build.data)).sheetnames


def test_old_builds_are_pruned(app, make, kab, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_KEEP_PER_REQUEST", 2)
    monkeypatch.setitem(app.config, "REPORT_DOWNLOAD_GRACE_MINUTES", 0)
    ids = _builds_over_changing_data(kab, 4)
    left = db.session.scalars(select(ReportBuild.id).order_by(ReportBuild.id)).all()
    assert left == ids[-2:]
    other, _ = request_build("xlsx", year=YEAR, variant="plan")
    db.session.commit()
    run_build(other.id)
    db.session.execute(update(ReportBuild).where(ReportBuild.id == ids[-1]).values(
        created_at=utcnow() - timedelta(days=app.config["REPORT_KEEP_DAYS"] + 1)))
    assert prune() == 1
    assert db.session.scalars(select(ReportBuild.id).order_by(ReportBuild.id)).all() == [
        ids[-2], other.id]


def test_a_build_just_finished_stays_downloadable_while_newer_ones_finish(app, make, kab,
                                                                          monkeypatch):
    """Beyond the newest builds of a report, one is deleted only after the grace period: a
    user told "siap" a moment ago can still download it."""
    monkeypatch.setitem(app.config, "REPORT_KEEP_PER_REQUEST", 1)
    ids = _builds_over_changing_data(kab, 3)
    assert db.session.scalars(select(ReportBuild.id).order_by(ReportBuild.id)).all() == ids
    grace = app.config["REPORT_DOWNLOAD_GRACE_MINUTES"]
    db.session.execute(update(ReportBuild).where(ReportBuild.id == ids[0]).values(
        finished_at=utcnow() - timedelta(minutes=grace + 1)))
    assert prune(db.session.get(ReportBuild, ids[0]).request_key) == 1
    assert db.session.scalars(select(ReportBuild.id).order_by(ReportBuild.id)).all() == ids[1:]


def _builds_over_changing_data(kab, n: int) -> list[int]:
    """The same request `n` times, each built, with a change of data between: one request key,
    `n` data versions. Returns the builds' ids."""
    ids = []
    for _ in range(n):
        build, _ = request_build("pdf", year=YEAR, variant="plan")
        ids.append(build.id)
        db.session.commit()
        run_build(build.id)
        kab.tags[0].description = f"Versi {len(ids)}"
        db.session.commit()
    return ids


def test_bad_choice_is_a_form_message_and_queues_nothing(client, login, make, kab):
    login(make.user("secretariat"))
    resp = _post(client, variant="opd", opd_id=0)
    assert resp.status_code == 200
    assert "Laporan perangkat daerah memerlukan satu OPD." in resp.get_data(as_text=True)
    assert _builds() == 0


def test_build_file_names_say_what_they_hold(client, login, make, kab):
    login(make.user("secretariat"))
    resp = _post(client, variant="semester", semester=1, fmt="xlsx", include_unverified="y")
    assert re.search(r"laporan-kemenko-2077-semester-1-DRAFT\.xlsx",
                     resp.headers["Content-Disposition"])

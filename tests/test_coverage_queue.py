"""Privacy of household coverage through a real queue (issue 16): the embedded SQLite queue
worked by a thread of the app, on an app of its own with real commits."""
import io
import time

import pytest
from sqlalchemy import text

from app import create_app
from app.reference.service import ensure_reference_data
from config import TestConfig
from models import db
from tests import factories

from . import coverage_files as cf
from .test_coverage import token_of
from .test_coverage_privacy import assert_absent, secrets_of


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: this app commits for real."""
    yield


def test_queue_storage_holds_no_identifier(tmp_path):
    """A BNBA import committed by a real queue worker (SQLite Huey storage, app database in
    a file): neither file holds a NIK, KK or name afterwards."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}",
                     JOBS_WORKER="", JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}",
                     IMPORT_JOB_ROWS=3)
    try:
        with app.app_context():
            db.create_all()
            ensure_reference_data()
            factories.fiscal_year(2026)
            village = factories.village()
            factories.user("secretariat", username="sekre")
            db.session.commit()
            rows = [cf.member(i, (i + 1) // 2, village, 1) for i in range(1, 9)]
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"username": "sekre", "password": factories.PASSWORD})
        form = {"source": "P3KE", "taken_on": "2026-03-31",
                "file": (io.BytesIO(cf.csv_bytes(cf.BNBA_HEADER, rows)), "bnba.csv")}
        resp = client.post("/cakupan/bnba", data=form, content_type="multipart/form-data")
        resp = client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)})
        assert resp.status_code == 303
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            page = client.get(resp.headers["Location"]).get_data(as_text=True)
            if 'data-status="done"' in page or 'data-status="failed"' in page:
                break
            time.sleep(0.05)
        assert 'data-status="done"' in page
        with app.app_context():
            assert db.session.scalar(text("SELECT COUNT(*) FROM household")) == 4
            db.session.remove()
        app.extensions["jobs"].close()
        needles = secrets_of(rows)
        files = [p for p in tmp_path.iterdir() if p.is_file()]
        assert any(p.name.startswith("jobs.db") for p in files)
        for path in files:
            assert_absent(path.read_bytes(), needles, path.name)
    finally:
        app.extensions["jobs"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

"""An import commit queued for real: the embedded SQLite queue worked by a thread of the app,
on an app of its own with real commits (a worker cannot see a test's rolled-back transaction).
"""
import re
import time

import pytest
from sqlalchemy import func, select

from app import create_app
from app.reference.service import ensure_reference_data
from config import TestConfig
from models import SubActivity, db
from tests import factories

from .test_budget_import import sipd_row, token_of, upload, xlsx


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back outer transaction: this app commits for real."""
    yield


def test_import_job_on_the_embedded_queue(tmp_path):
    """A real queue: the commit is queued, a worker thread writes it, the page follows it."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.db'}",
                     JOBS_WORKER="", JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}",
                     IMPORT_JOB_ROWS=3)
    try:
        with app.app_context():
            db.create_all()
            ensure_reference_data()
            factories.fiscal_year(2026)
            opd = factories.opd()
            factories.user("opd", opd_obj=opd, username="petugas")
            db.session.commit()
            opd_id = opd.id
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"username": "petugas", "password": factories.PASSWORD})
        resp = upload(client, {"opd": type("O", (), {"id": opd_id})},
                      xlsx([sipd_row(i) for i in range(1, 8)]))
        token = token_of(resp.get_data(as_text=True))
        resp = client.post(f"/sub-kegiatan/impor/{token}")
        assert resp.status_code == 303
        url = resp.headers["Location"]
        deadline, states = time.monotonic() + 30, []
        while time.monotonic() < deadline:
            page = client.get(url).get_data(as_text=True)
            states.append(re.search(r'data-status="(\w+)"', page)[1])
            if states[-1] in ("done", "failed"):
                break
            assert 'http-equiv="refresh"' in page  # still running: the page reloads itself
            time.sleep(0.05)
        assert states[-1] == "done", states
        assert "Impor selesai: 7 dibuat" in page
        with app.app_context():
            assert db.session.scalar(select(func.count(SubActivity.id))) == 7
            db.session.remove()
    finally:
        app.extensions["jobs"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

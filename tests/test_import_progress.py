"""An import job reports its progress row by row while it checks the rows (before anything is
written, so each figure can be committed on its own), not only at 10 / 50 / 100 %; and those
commits do not make it reload what it has read (no query per row)."""
import pytest
from sqlalchemy import event, select

from app.jobs import imports
from models import ImportJob, SubActivity, db

from . import test_budget_import
from .test_budget_import import sipd_row, token_of, upload, xlsx

ws = test_budget_import.ws  # an OPD officer's workspace
ROWS = 150


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 3)


def test_job_progress_moves_per_row_and_reads_each_row_once(client, ws, small_threshold,
                                                           monkeypatch):
    rows = [sipd_row(i) for i in range(1, ROWS + 1)]
    token = token_of(upload(client, ws, xlsx(rows)).get_data(as_text=True))
    assert client.post(f"/sub-kegiatan/impor/{token}").status_code == 303  # a job too
    changed = [sipd_row(i, nama_sub_giat=f"Nama baru {i}") for i in range(1, ROWS + 1)]
    token = token_of(upload(client, ws, xlsx(changed)).get_data(as_text=True))

    seen, original = [], imports.record

    def spy(row, **values):
        if isinstance(row, ImportJob) and "progress" in values:
            seen.append(values["progress"])
        return original(row, **values)

    monkeypatch.setattr(imports, "record", spy)
    reloads = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM sub_activity" in statement \
                and "sub_activity.id = " in statement.replace("?", "").replace("%(", ""):
            reloads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = client.post(f"/sub-kegiatan/impor/{token}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert resp.status_code == 303
    job = db.session.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
    db.session.refresh(job)
    assert job.status == "done", job.message
    assert "150 diubah" in job.message
    # 5 (running), 10, then a figure per percent of the rows checked, up to 50.
    checking = [p for p in seen if 10 < p <= 50]
    assert len(checking) >= 35, seen
    assert seen == sorted(seen)
    assert len(reloads) < 5, len(reloads)  # not one reload per sub kegiatan after a commit
    names = set(db.session.scalars(select(SubActivity.name).where(
        SubActivity.opd_id == ws["opd"].id)))
    assert names == {f"Nama baru {i}" for i in range(1, ROWS + 1)}

"""Privacy of the desa verval (issue 28, UU 27/2022): after a campaign recorded by NIK through
the page (with and without the script), the API and a note, no NIK, KK number or name is in any
table (outbox mail and import-job payloads included), the log, or any job's arguments."""
import logging

from sqlalchemy import select

from app.accounts.api_tokens import create_token
from models import MailOutbox, VervalRecord, db

from . import coverage_files as cf
from . import verval_world as vw
from .test_coverage_privacy import assert_absent, dump_tables, secrets_of
from .test_verval import world

__all__ = ["world"]


def test_no_nik_anywhere_after_a_campaign_recorded_by_nik(app, client, login, world, caplog,
                                                          monkeypatch):
    caplog.set_level(logging.DEBUG)
    # Alembic's logging set-up (an earlier migration test in the same run) disables existing
    # loggers; the request log must speak here for its absence of NIKs to mean anything.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger) and logger.disabled:
            monkeypatch.setattr(logger, "disabled", False)
    jobs = []
    queue = app.extensions["jobs"]
    real_enqueue = queue.enqueue
    monkeypatch.setattr(queue, "enqueue", lambda name, *a: (jobs.append((name, a)),
                                                            real_enqueue(name, *a)))
    operator = world["users"]["a"]
    operator.email = "operator.desa@contoh.go.id"
    db.session.flush()
    from app.verval import campaigns

    campaigns.open_campaign("Verval privasi", world["campaign"].deadline, None,
                            world["users"]["sec"])  # a notice mailed to the operator
    login(operator)
    cv = world["cv_a"]
    client.post(f"/verval/desa/{cv.id}/catat", data={"nik": vw.head_nik(1), "status": "pindah"},
                headers={"Accept": "application/json"})
    client.post(f"/verval/desa/{cv.id}/catat", data={"nik": cf.nik(4), "status": "masih"})
    client.post(f"/verval/desa/{cv.id}/catat", data={
        "nik": vw.head_nik(3), "status": "meninggal", "note": f"NIK {vw.head_nik(3)}"})
    client.post(f"/verval/desa/{cv.id}/catat", data={"nik": vw.head_nik(5), "status": "masih"})
    token = create_token(operator, "ponsel")[1]
    client.post(f"/api/v1/verval/campaigns/{world['campaign'].id}/records",
                json={"nik": vw.head_nik(3), "status": "meninggal"},
                headers={"Authorization": f"Bearer {token}"})
    client.post(f"/api/v1/verval/campaigns/{world['campaign'].id}/records",
                json={"nik": vw.head_nik(6), "status": "nonsense"},
                headers={"Authorization": f"Bearer {token}"})
    client.post(f"/verval/desa/{cv.id}/ajukan")
    login(world["users"]["sec"])
    client.post(f"/verval/desa/{cv.id}/setujui")
    pages = b"".join(client.get(u).data for u in (
        f"/verval/desa/{cv.id}", f"/verval/kampanye/{world['campaign'].id}",
        f"/verval/kampanye/{world['campaign'].id}?format=xlsx"))
    needles = secrets_of(world["rows"])
    assert db.session.query(MailOutbox).count() >= 1  # the notices went to the outbox...
    blob = dump_tables()
    recorded = db.session.scalars(select(VervalRecord.status).where(
        VervalRecord.campaign_village_id == cv.id)).all()
    assert sorted(recorded) == ["masih", "meninggal", "pindah"]  # recorded by NIK, submitted
    assert_absent(blob, needles, "the database (outbox and job payloads included)")  # ...clean
    logs = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert caplog.records
    assert_absent(logs, needles, "the log")
    assert_absent(repr(jobs).encode(), needles, "the job arguments")
    assert_absent(pages, needles, "the pages and the export")
    assert_absent(blob + logs, [vw.head_nik(1).encode()[:12]], "database or log (NIK prefix)")

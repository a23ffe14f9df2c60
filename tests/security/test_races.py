"""Issue 11 item 6: a user who loses a race to another save gets the 409 page with the stored
values, as for a stale form; never a 500.

Two kinds of proof:
- deterministic, on SQLite and PostgreSQL: a rival write lands between the request's read and
  its flush (a `before_flush` hook writes on the same transaction what another session would
  have committed), so the request's own UPDATE finds the version moved (StaleDataError) or its
  INSERT finds the unique key taken (IntegrityError). Each of these was a 500 before.
- real concurrency, on PostgreSQL: a threaded server, several logged-in sessions firing at once
  (20 simultaneous submits of a quarter, sessions saving one tag, first saves of one
  realization row), with real commits.
"""
import http.client
import os
import threading
import urllib.parse
from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select, update

from models import Realization, SubActivity, Submission, SubmissionEvent, Tag, db

from .. import factories

STALE = "telah diubah oleh pengguna lain"


@contextmanager
def rival_write(when, statement):
    """Run `statement` on the request's transaction just before the first flush for which
    `when(session)` holds: what another session committed between our read and our write."""
    session = db.session()
    fired = []

    def before_flush(sess, flush_context, instances):
        if not fired and when(sess):
            fired.append(True)
            sess.connection().execute(statement)

    event.listen(session, "before_flush", before_flush)
    try:
        yield fired
    finally:
        event.remove(session, "before_flush", before_flush)


def _tag_form(make, tag, **kw):
    data = {"strategy_id": str(make.strategy(1).id), "tag_kind_id": str(make.tag_kind().id),
            "amount": "1.000.000", "description": "Versi saya", "target_count": "100",
            "target_unit": "KK", "version": str(tag.version)}
    data.update(kw)
    return data


def test_tag_save_losing_to_a_concurrent_save_gets_409(client, make, login):
    opd = make.opd()
    login(make.user("opd", opd_obj=opd))
    tag = make.tag(make.sub_activity(opd), amount="1000000", description="Tersimpan")
    bump = update(Tag).where(Tag.id == tag.id).values(version=Tag.version + 1,
                                                     description="Disimpan rekan")
    with rival_write(lambda s: tag in s.dirty, bump) as fired:
        resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data=_tag_form(make, tag))
    page = resp.get_data(as_text=True)
    assert fired and resp.status_code == 409, page[:300]
    assert STALE in page and "Isian Anda yang tidak disimpan" in page and "Versi saya" in page


def test_sub_activity_edit_losing_the_race_gets_409(client, make, login):
    opd = make.opd()
    login(make.user("opd", opd_obj=opd))
    sa = make.sub_activity(opd, name="Tersimpan")
    bump = update(SubActivity).where(SubActivity.id == sa.id).values(
        version=SubActivity.version + 1)
    data = {"code": sa.code, "name": "Versi saya", "program_name": sa.program_name,
            "activity_name": sa.activity_name, "allocation_original": "100.000.000",
            "version": str(sa.version)}
    with rival_write(lambda s: sa in s.dirty, bump) as fired:
        resp = client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data)
    assert fired and resp.status_code == 409
    assert STALE in resp.get_data(as_text=True)


def _sheet_row(tag, version=0):
    return {f"r-{tag.id}-version": str(version), f"r-{tag.id}-amount": "100.000",
            f"r-{tag.id}-progress": "10", f"r-{tag.id}-reached": "5"}


def test_first_realization_save_losing_the_insert_race_gets_409(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    q = make.quarter(fy, 1)
    rival = Realization.__table__.insert().values(
        tag_id=tag.id, quarter_id=q.id, amount=Decimal("5"), physical_progress=Decimal("1"),
        reached_count=1, problems="", follow_up="", anomalies="", explanation="", version=1)
    with rival_write(lambda s: any(isinstance(o, Realization) for o in s.new), rival) as fired:
        resp = client.post(f"/realisasi/{opd.id}/{q.id}", data=_sheet_row(tag))
    page = resp.get_data(as_text=True)
    assert fired and resp.status_code == 409, page[:300]
    assert STALE in page


def test_submit_losing_the_start_race_gets_409(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    q = make.quarter(fy, 1)
    make.realization(tag, q, amount="100", progress="10", reached=5)
    rival = Submission.__table__.insert().values(opd_id=opd.id, quarter_id=q.id,
                                                 status="draft", version=1)
    with rival_write(lambda s: any(isinstance(o, Submission) for o in s.new), rival) as fired:
        resp = client.post(f"/realisasi/{opd.id}/{q.id}/ajukan", data={})
    page = resp.get_data(as_text=True)
    assert fired and resp.status_code == 409, page[:300]
    assert STALE in page


def test_verify_losing_to_a_concurrent_decision_gets_409(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 1)
    make.realization(tag, q, amount="100", progress="10", reached=5)
    sub = make.submission(opd, q, status="submitted")
    login(make.user("secretariat"))
    bump = update(Submission).where(Submission.id == sub.id).values(
        version=Submission.version + 1)
    with rival_write(lambda s: sub in s.dirty, bump) as fired:
        resp = client.post(f"/verifikasi/{sub.id}/verifikasi",
                           data={"version": str(sub.version)})
    assert fired and resp.status_code == 409
    assert STALE in resp.get_data(as_text=True)


# --- real concurrency (PostgreSQL) -------------------------------------------------------------

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


class _Session:
    """A browser session against the live server: its own cookie, plain HTTP."""

    def __init__(self, port):
        self.port, self.cookie = port, ""

    def post(self, path, data):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if self.cookie:
                headers["Cookie"] = self.cookie
            conn.request("POST", path, urllib.parse.urlencode(data, doseq=True), headers)
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace")
            cookies = resp.headers.get_all("Set-Cookie") or []
            if cookies and path == "/login":  # the session, and the device cookie (issue 24)
                self.cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
            return resp.status, body
        finally:
            conn.close()


def _all_at_once(calls):
    """Run the calls in threads released together; their (status, body) in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported as a result, asserted by the test
            results[i] = (repr(exc), "")

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent writers: PostgreSQL only")
class TestRealConcurrency:
    @pytest.fixture(autouse=True)
    def _transaction(self, app):
        """Replaces the per-test rollback: the server's threads commit for real; the schema
        is rebuilt afterwards so the rest of the suite starts from the same state."""
        from werkzeug.serving import make_server

        from app.reference.service import ensure_reference_data

        ctx = app.app_context()
        ctx.push()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_port
        finally:
            server.shutdown()
            thread.join(10)
            server.server_close()
            db.session.remove()
            db.drop_all()
            db.create_all()
            ensure_reference_data()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
            ctx.pop()

    def _login(self, port, user):
        s = _Session(port)
        status, body = s.post("/login", {"username": user.username,
                                         "password": factories.PASSWORD})
        assert status == 302, body[:300]
        return s

    def test_twenty_simultaneous_submits_of_one_quarter(self, _transaction):
        port = _transaction
        opd, fy, (tag,) = factories.tagged_opd(1, fy=factories.fiscal_year(2031))
        for n in (1, 2, 3, 4):
            factories.realization(tag, factories.quarter(fy, n), amount="100", progress="10",
                                  reached=5)
        user = factories.user("opd", opd_obj=opd)
        db.session.commit()
        sessions = [self._login(port, user) for _ in range(4)]
        for n in (1, 2, 3, 4):  # four rounds, one per quarter
            q = factories.quarter(fy, n)
            path = f"/realisasi/{opd.id}/{q.id}/ajukan"  # plain text: threads see no ORM
            results = _all_at_once([lambda i=i, path=path: sessions[i % 4].post(path, {})
                                    for i in range(20)])
            statuses = [s for s, _ in results]
            assert 500 not in statuses and set(statuses) <= {302, 409}, statuses
            assert statuses.count(302) == 1, statuses
            db.session.expire_all()
            sub = db.session.scalar(select(Submission).where(
                Submission.opd_id == opd.id, Submission.quarter_id == q.id))
            assert sub.status == "submitted"
            assert db.session.scalar(select(func.count(SubmissionEvent.id)).where(
                SubmissionEvent.submission_id == sub.id,
                SubmissionEvent.to_status == "submitted")) == 1

    def test_sessions_saving_one_tag_at_once(self, _transaction):
        port = _transaction
        opd = factories.opd()
        tag = factories.tag(factories.sub_activity(opd, factories.fiscal_year(2032)),
                            amount="1000000")
        user = factories.user("opd", opd_obj=opd)
        strategy, kind = factories.strategy(1).id, factories.tag_kind().id
        db.session.commit()
        sessions = [self._login(port, user) for _ in range(4)]
        lost = 0
        path = f"/sub-kegiatan/tag/{tag.id}/ubah"
        for round_no in range(8):
            db.session.expire_all()
            version = db.session.get(Tag, tag.id).version
            forms = [{"strategy_id": strategy, "tag_kind_id": kind, "amount": "1.000.000",
                      "description": f"Putaran {round_no} sesi {i}", "target_count": "100",
                      "target_unit": "KK", "version": version} for i in range(4)]
            results = _all_at_once([lambda i=i, form=form: sessions[i].post(path, form)
                                    for i, form in enumerate(forms)])
            statuses = [s for s, _ in results]
            assert set(statuses) <= {302, 409}, statuses
            assert statuses.count(302) == 1, statuses
            assert all(STALE in body for s, body in results if s == 409)
            lost += statuses.count(409)
            db.session.expire_all()
            assert db.session.get(Tag, tag.id).version == version + 1
        assert lost == 8 * 3

    def test_first_saves_of_one_realization_row_at_once(self, _transaction):
        port = _transaction
        opd, fy, tags = factories.tagged_opd(6, fy=factories.fiscal_year(2033))
        user = factories.user("opd", opd_obj=opd)
        db.session.commit()
        q = factories.quarter(fy, 1)
        sessions = [self._login(port, user) for _ in range(4)]
        path = f"/realisasi/{opd.id}/{q.id}"
        for tag in tags:  # one round per tag: its first save, four sessions at once
            row = _sheet_row(tag)
            results = _all_at_once([lambda i=i, row=row: sessions[i].post(path, row)
                                    for i in range(4)])
            statuses = [s for s, _ in results]
            assert set(statuses) <= {302, 409}, statuses
            assert statuses.count(302) == 1, statuses
            assert db.session.scalar(select(func.count(Realization.id)).where(
                Realization.tag_id == tag.id)) == 1

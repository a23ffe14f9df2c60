"""Statement budgets per page: the per-page regression of issue 12 (home 10 -> 16 statements,
sheet 10 -> 12) must not come back, and no page may issue a query per row.

Each budget is the figure measured after the fix (bench/bench_pages.py, docs/PERFORMANCE.md);
counted are the statements a request sends between its start and its end, not the test's own
savepoints. Each page is measured with a small and a three-times larger OPD: the count must not
grow with the rows.
"""
from decimal import Decimal

import pytest
from flask import request_finished, request_started
from sqlalchemy import event, select

from app.cycle import notifications as notifications
from models import Realization, db

# Budgets (statements per request). The home's first load of the day also runs the deadline
# reminder (five more); the figures below are the loads after it.
BUDGET = {"home": 10, "sheet": 11, "dashboard": 12, "review": 13, "save": 16}
# After the fix: home 10, sheet 10, dashboard 10, review 12, save 16. Since then the sheet and
# the review page read the open evidence requests (one statement each), and issue 17's filters
# add two to the dashboard.
# Before the fix (same test): home 17, sheet 12, dashboard 11, review 13, save 22.
NOW = "2026-10-20T03:00:00"  # TW III reporting, past its deadline: the home warns
_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class Counter:
    def __init__(self, app):
        self.app, self.active, self.statements = app, False, []

    def _start(self, sender, **kw):
        self.active, self.statements = True, []

    def _stop(self, sender, **kw):
        self.active = False

    def _sql(self, conn, cursor, statement, *args):
        if self.active and not statement.lstrip().upper().startswith(_BOOKKEEPING):
            self.statements.append(statement)

    def __enter__(self):
        request_started.connect(self._start, self.app)
        request_finished.connect(self._stop, self.app)
        event.listen(db.engine, "before_cursor_execute", self._sql)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._sql)
        request_started.disconnect(self._start, self.app)
        request_finished.disconnect(self._stop, self.app)

    def count(self, fn) -> int:
        resp = fn()
        assert resp.status_code in (200, 302), resp.status_code
        return len(self.statements)


def _world(make, n_sub: int):
    """An OPD with `n_sub` sub-activities of three tags each (two lokus desa a tag), figures for
    TW I-III, TW II submitted; a secretariat user."""
    fy = make.fiscal_year(2026)
    fy.is_current = True
    opd = make.opd()
    q1, q2, q3 = (make.quarter(fy, n) for n in (1, 2, 3))
    villages = [make.village(fy=fy, priority=True) for _ in range(4)]
    tags = []
    for s in range(n_sub):
        sa = make.sub_activity(opd, fy)
        for k, kind in enumerate(("langsung", "tidak_langsung", "penunjang")):
            t = make.tag(sa, amount="1000000", strategy_code=k + 1, kind=kind,
                         description=f"Tagging {s}-{k}")
            for v in villages[k % 2:k % 2 + 2]:
                make.tag_village(t, v)
            for q, amount in ((q1, "100000"), (q2, "300000"), (q3, "500000")):
                make.realization(t, q, amount, "30", 10, anomalies="" if s else "over_tagged")
            tags.append(t)
    submission = make.submission(opd, q2, status="submitted")
    officer = make.user("opd", opd_obj=opd)
    secretariat = make.user("secretariat")
    return {"fy": fy, "opd": opd, "q3": q3, "tags": tags, "sub": submission,
            "officer": officer, "secretariat": secretariat}


def _counts(app, client, login, make, clock, n_sub: int) -> dict[str, int]:
    clock(NOW)
    w = _world(make, n_sub)
    login(w["officer"])
    opd, q3 = w["opd"], w["q3"]
    sheet = f"/realisasi/?tahun=2026&triwulan=3&opd={opd.id}"
    out = {}
    with Counter(app) as c:
        client.get("/")  # the day's first home load runs the deadline reminder
        out["home"] = c.count(lambda: client.get("/"))
        client.get(sheet)
        out["sheet"] = c.count(lambda: client.get(sheet))
        client.get("/dasbor/")
        out["dashboard"] = c.count(lambda: client.get("/dasbor/"))
        t = w["tags"][-1]
        form = {f"r-{t.id}-version": "1", f"r-{t.id}-amount": "550.000",
                f"r-{t.id}-progress": "40", f"r-{t.id}-reached": "10"}
        client.post(f"/realisasi/{opd.id}/{q3.id}", data=form)  # the first save starts the draft
        form.update({f"r-{t.id}-version": "2", f"r-{t.id}-amount": "600.000"})
        out["save"] = c.count(lambda: client.post(f"/realisasi/{opd.id}/{q3.id}", data=form))
        login(w["secretariat"])
        review = f"/verifikasi/{w['sub'].id}"
        client.get(review)
        out["review"] = c.count(lambda: client.get(review))
    saved = db.session.scalar(select(Realization.amount).where(
        Realization.tag_id == t.id, Realization.quarter_id == q3.id))
    assert saved == Decimal("600000")  # the counted save was a real one
    return out


@pytest.fixture
def small(app, client, login, make, clock):
    return _counts(app, client, login, make, clock, 1)


def test_each_page_stays_within_its_statement_budget(small):
    over = {page: n for page, n in small.items() if n > BUDGET[page]}
    assert not over, f"over budget {BUDGET}: {small}"


def test_statement_counts_do_not_grow_with_the_rows(app, client, login, make, clock, small):
    # A second, three times larger OPD in the same test: same statements, more rows.
    large = _counts(app, client, login, make, clock, 3)
    assert large == small


def test_home_runs_the_deadline_reminder_once_a_day(app, client, login, make, clock):
    clock(NOW)
    w = _world(make, 1)
    login(w["officer"])
    calls = []
    original = notifications.remind_deadlines

    def spy(opd_id=None):
        calls.append(opd_id)
        return original(opd_id)

    notifications.remind_deadlines = spy
    try:
        page = client.get("/").get_data(as_text=True)
        client.get("/")
        assert calls == [w["opd"].id]
        assert "melewati batas penyampaian" in page  # the overdue notice it made is shown
        clock("2026-10-21T03:00:00")  # the next day: once more
        client.get("/")
        assert calls == [w["opd"].id, w["opd"].id]
    finally:
        notifications.remind_deadlines = original


def test_bell_count_comes_with_the_user_and_follows_reads(app, client, login, make, clock):
    clock(NOW)
    w = _world(make, 1)
    login(w["officer"])
    notifications.notify_opd(w["opd"].id, "comment", "Catatan uji")
    page = client.get("/").get_data(as_text=True)
    unread = notifications.unread_count(w["officer"].id)
    assert unread >= 2  # the comment and the overdue notice
    assert f"Notifikasi, {unread} belum dibaca" in page
    # The list marks them read and its own bell already shows none.
    listing = client.get("/notifikasi/").get_data(as_text=True)
    assert "Notifikasi, 0 belum dibaca" in listing
    assert Decimal(notifications.unread_count(w["officer"].id)) == 0

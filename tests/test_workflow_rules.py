"""Workflow rules at the service level: completeness, explanations, lateness by a fixed clock."""
from datetime import date, datetime

import pytest

from app.core.errors import ServiceError
from app.cycle import workflow
from models import db


@pytest.fixture
def sheet(make):
    opd, fy, tags = make.tagged_opd(2)
    return opd, make.quarter(fy, 1), tags


def _submit(make, opd, q):
    sec = make.user("secretariat")
    sub = workflow.ensure_started(opd.id, q, sec)
    workflow.submit(sub, sec)
    return sub


def test_submit_refuses_missing_figures(make, sheet):
    opd, q, tags = sheet
    make.realization(tags[0], q, amount="10")
    with pytest.raises(ServiceError) as exc:
        _submit(make, opd, q)
    assert "1 tagging belum diisi" in exc.value.message
    assert len(exc.value.errors["missing"]) == 1
    assert tags[1].sub_activity.code in exc.value.errors["missing"][0]


def test_submit_refuses_unexplained_anomaly_then_accepts_explained(make, sheet):
    opd, q, tags = sheet
    make.realization(tags[0], q, amount="10")
    over = make.realization(tags[1], q, amount="2000000")  # tag is 1.000.000
    with pytest.raises(ServiceError) as exc:
        _submit(make, opd, q)
    assert "1 anomali belum diberi penjelasan" in exc.value.message
    assert over.anomalies == "over_tagged"  # recomputed on submit, even if saved without
    over.explanation = "Termasuk pergeseran anggaran yang disahkan."
    db.session.flush()
    assert _submit(make, opd, q).status == "submitted"


def test_submit_recomputes_falling_against_current_previous(make, sheet):
    opd, fy_q1, tags = sheet
    q2 = make.quarter(fy_q1.fiscal_year, 2)
    for t in tags:
        make.realization(t, fy_q1, amount="500000", progress="50", reached=50)
    low = make.realization(tags[0], q2, amount="400000", progress="50", reached=50)
    make.realization(tags[1], q2, amount="600000", progress="60", reached=60)
    with pytest.raises(ServiceError):
        _submit(make, opd, q2)
    assert low.anomalies == "falling"


@pytest.mark.parametrize("now,late", [
    ("2026-04-15T16:59:00", False),  # 23.59 WIB on the deadline day: on time
    ("2026-04-15T17:00:00", True),   # 00.00 WIB the day after: late
    ("2026-04-01T02:00:00", False),
    ("2026-05-20T02:00:00", True),
])
def test_lateness_by_fixed_clock(app, make, sheet, monkeypatch, now, late):
    opd, q, tags = sheet
    assert q.deadline == date(2026, 4, 15)
    for t in tags:
        make.realization(t, q, amount="1")
    monkeypatch.setitem(app.config, "TAGAR_NOW", now)
    sub = _submit(make, opd, q)
    assert sub.is_late is late
    assert sub.first_submitted_at == datetime.fromisoformat(now)


def test_lateness_is_judged_on_first_submission(app, make, sheet, monkeypatch):
    opd, q, tags = sheet
    for t in tags:
        make.realization(t, q, amount="1")
    monkeypatch.setitem(app.config, "TAGAR_NOW", "2026-04-10T03:00:00")
    sub = _submit(make, opd, q)
    sec = make.user("secretariat")
    workflow.return_(sub, sec, general="Perbaiki.")
    monkeypatch.setitem(app.config, "TAGAR_NOW", "2026-05-10T03:00:00")
    workflow.submit(sub, sec)
    assert sub.is_late is False
    assert sub.submitted_at == datetime(2026, 5, 10, 3)
    assert sub.first_submitted_at == datetime(2026, 4, 10, 3)


def test_can_reflects_role_and_state(make, sheet):
    opd, q, _ = sheet
    sub = make.submission(opd, q, status="submitted")
    assert workflow.can(make.user("secretariat"), "verify", sub)
    assert not workflow.can(make.user("opd", opd_obj=opd), "verify", sub)
    assert not workflow.can(make.user("opd", opd_obj=opd), "submit", sub)
    assert not workflow.can(make.user("viewer"), "reopen", sub)

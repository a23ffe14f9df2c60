"""In-app notifications: created by the workflow for the OPD's officers, deadline notices made
once however often the reminder runs, a bell with the unread count, a list that marks read, and
each user seeing only their own."""
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.cycle.notifications import remind_deadlines
from models import Notification, db

AFTER = "2026-11-30T03:00:00"  # TW III 2026 was due 15 October: overdue
BEFORE = "2026-10-10T03:00:00"  # 5 days before it


@pytest.fixture
def opd_world(make):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 2)
    make.realization(tag, q, "100000", "10", 5)
    sub = make.submission(opd, q, "submitted", submitted_at=datetime(2026, 7, 1),
                          first_submitted_at=datetime(2026, 7, 1))
    officers = [make.user("opd", opd_obj=opd), make.user("opd", opd_obj=opd)]
    away = make.user("opd", opd_obj=opd)
    away.active = False
    other = make.user("opd")  # another OPD's officer
    return {"opd": opd, "fy": fy, "tag": tag, "q": q, "sub": sub, "officers": officers,
            "away": away, "other": other}


def _kinds(user):
    return sorted(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id)))


def test_return_verify_reopen_notify_each_active_officer_of_the_opd(client, make, login,
                                                                   opd_world):
    w = opd_world
    login(make.user("secretariat"))
    client.post(f"/verifikasi/{w['sub'].id}/kembalikan", data={
        "general": "Lampirkan SP2D.", f"c-{w['tag'].id}": "Angka fisik?",
        "version": str(w["sub"].version)})
    for officer in w["officers"]:
        assert _kinds(officer) == ["comment", "returned"]
    assert _kinds(w["away"]) == [] and _kinds(w["other"]) == []
    text = db.session.scalar(select(Notification.text).where(
        Notification.user_id == w["officers"][0].id, Notification.kind == "returned"))
    assert "Triwulan II" in text and "Lampirkan SP2D." in text
    db.session.expire_all()
    w["sub"].status = "submitted"
    db.session.flush()
    client.post(f"/verifikasi/{w['sub'].id}/verifikasi", data={"version": str(w["sub"].version)})
    db.session.expire_all()
    client.post(f"/verifikasi/{w['sub'].id}/buka-kembali",
                data={"reason": "Koreksi nilai.", "version": str(w["sub"].version)})
    assert _kinds(w["officers"][1]) == ["comment", "reopened", "returned", "verified"]


def test_bell_counts_unread_and_the_list_marks_read(client, make, login, opd_world):
    w = opd_world
    login(make.user("secretariat"))
    client.post(f"/verifikasi/{w['sub'].id}/kembalikan", data={
        "general": "Lampirkan SP2D.", "version": str(w["sub"].version)})
    login(w["officers"][0])
    home = client.get("/").get_data(as_text=True)
    unread = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == w["officers"][0].id, Notification.read_at.is_(None)))
    assert unread >= 1  # the return, and the overdue notices of the real calendar
    assert re.search(rf'class="notif-count">{unread}<', home)
    assert "Notifikasi terbaru" in home and "Lampirkan SP2D." in home
    page = client.get("/notifikasi/").get_data(as_text=True)
    assert "Lampirkan SP2D." in page and 'class="unread"' in page
    assert "notif-count" not in client.get("/notifikasi/").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == w["officers"][0].id, Notification.read_at.is_(None))) == 0
    # The other officer's copy is still unread: reading is per user.
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == w["officers"][1].id, Notification.kind == "returned",
        Notification.read_at.is_(None))) == 1


def test_a_notification_opens_only_for_its_user(client, make, login, opd_world):
    w = opd_world
    mine = Notification(user_id=w["officers"][0].id, kind="verified", text="Diverifikasi",
                        opd_id=w["opd"].id, quarter_id=w["q"].id)
    db.session.add(mine)
    db.session.flush()
    login(w["other"])
    assert client.get(f"/notifikasi/{mine.id}").status_code == 404
    assert "Diverifikasi" not in client.get("/notifikasi/").get_data(as_text=True)
    login(w["officers"][1])
    assert client.get(f"/notifikasi/{mine.id}").status_code == 404
    db.session.expire_all()
    assert mine.read_at is None
    login(w["officers"][0])
    resp = client.get(f"/notifikasi/{mine.id}")
    assert resp.status_code == 302 and "/realisasi/?triwulan=2" in resp.headers["Location"]
    db.session.expire_all()
    assert mine.read_at is not None


def test_deadline_notices_are_made_once(app, make, clock):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    officer = make.user("opd", opd_obj=opd)
    q3 = make.quarter(fy, 3)
    clock(BEFORE)
    assert remind_deadlines(opd.id) >= 1
    assert remind_deadlines(opd.id) == 0
    assert _kinds(officer).count("deadline_7d") == 1
    clock(AFTER)
    remind_deadlines(opd.id)
    remind_deadlines(opd.id)
    overdue = db.session.scalars(select(Notification).where(
        Notification.user_id == officer.id, Notification.kind == "overdue")).all()
    assert {n.quarter_id for n in overdue} >= {q3.id}
    assert len(overdue) == len({n.quarter_id for n in overdue})
    # A report submitted on time raises no overdue notice.
    on_time = make.opd()
    officer2 = make.user("opd", opd_obj=on_time)
    for n in (1, 2, 3):
        make.submission(on_time, make.quarter(fy, n), "verified",
                        first_submitted_at=datetime(2026, 1, 1), is_late=False)
    remind_deadlines(on_time.id)
    assert "overdue" not in _kinds(officer2)


def test_cli_command_and_home_page_create_them_idempotently(app, client, make, login, clock):
    fy = make.fiscal_year(2026)
    fy.is_current = True
    opd = make.opd()
    officer = make.user("opd", opd_obj=opd)
    clock(AFTER)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "deadlines"])
    assert result.exit_code == 0, result.output
    made = _kinds(officer).count("overdue")
    assert made >= 1
    assert "notifikasi batas waktu dibuat" in runner.invoke(args=["notify", "deadlines"]).output
    login(officer)
    home = client.get("/").get_data(as_text=True)
    assert _kinds(officer).count("overdue") == made  # the page load added nothing twice
    assert "belum diajukan dan telah melewati batas" in home


def test_home_page_load_creates_the_deadline_notice(client, make, login, clock):
    fy = make.fiscal_year(2026)
    fy.is_current = True
    opd = make.opd()
    officer = make.user("opd", opd_obj=opd)
    clock(BEFORE)
    login(officer)
    home = client.get("/").get_data(as_text=True)
    # TW III due in 5 days; TW I and II never sent: overdue, each of them (issue 23: every
    # overdue quarter of the current year, however old).
    assert _kinds(officer) == ["deadline_7d", "overdue", "overdue"]
    assert "tinggal 5 hari lagi" in home and re.search(r'class="notif-count">3<', home)

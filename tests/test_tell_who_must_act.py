"""Tell who must act (issue 23): every submission and resubmission notifies each active
secretariat user in the app (a link to the review page) and by e-mail per their choice; the OPD
home lists every overdue quarter with its days and a link; `flask notify deadlines` makes an
overdue notice for each overdue quarter of the current year, however old."""
from datetime import datetime

import pytest
from sqlalchemy import select

from app.cycle import workflow
from app.mail import notify
from models import MailOutbox, Notification, db

AFTER = "2026-11-30T03:00:00"  # TW II 2026 due 15 July (138 days), TW III 15 October (46)


@pytest.fixture
def world(make):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 2)
    make.realization(tag, q, "100000", "10", 5)
    sub = make.submission(opd, q, "draft")
    officer = make.user("opd", opd_obj=opd)
    wants, declined = make.user("secretariat"), make.user("secretariat")
    wants.email, declined.email = "sekretariat@contoh.go.id", "tidak@contoh.go.id"
    notify.set_kinds(declined, {"returned"})
    away = make.user("secretariat")
    away.active = False
    db.session.flush()
    return dict(opd=opd, fy=fy, sub=sub, officer=officer, wants=wants, declined=declined,
                away=away)


def _notices(user):
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "submitted")))


def test_each_submission_and_resubmission_notifies_the_secretariat(client, login, world):
    w = world
    workflow.submit(w["sub"], w["officer"])
    (first,) = _notices(w["wants"])
    assert "mengajukan laporan Triwulan II" in first.text and w["opd"].name in first.text
    assert len(_notices(w["declined"])) == 1 and _notices(w["away"]) == []
    mails = db.session.scalars(select(MailOutbox.recipient).where(
        MailOutbox.kind == "submitted")).all()
    assert mails == ["sekretariat@contoh.go.id"]  # the other chose no "Laporan masuk" mail
    w["sub"].status = "returned"
    db.session.flush()
    workflow.submit(w["sub"], w["officer"])
    texts = sorted(n.text for n in _notices(w["wants"]))
    assert len(texts) == 2 and "mengajukan ulang laporan Triwulan II" in texts[1] + texts[0]
    # Opening it leads to the report's review page.
    db.session.commit()
    login(w["wants"])
    resp = client.get(f"/notifikasi/{first.id}")
    assert resp.status_code == 302 and resp.location.endswith(f"/verifikasi/{w['sub'].id}")


def test_opd_home_lists_every_overdue_quarter_with_days_and_a_link(
        client, make, login, clock, world):
    w = world
    w["fy"].is_current = True
    make.submission(w["opd"], make.quarter(w["fy"], 1), "verified",
                    first_submitted_at=datetime(2026, 4, 1))
    clock(AFTER)
    login(w["officer"])
    home = client.get("/").get_data(as_text=True)
    section = home[home.index("Laporan terlambat: 2 triwulan"):]
    section = section[:section.index("</section>")]
    assert "Triwulan II</a>: terlambat 138 hari" in section
    assert "Triwulan III</a>: terlambat 46 hari" in section
    assert "triwulan=2" in section and "triwulan=3" in section


def test_notify_deadlines_makes_an_overdue_notice_for_each_overdue_quarter(
        app, make, clock, world):
    w = world
    w["fy"].is_current = True
    make.submission(w["opd"], make.quarter(w["fy"], 1), "verified",
                    first_submitted_at=datetime(2026, 4, 1))
    db.session.commit()
    clock(AFTER)
    result = app.test_cli_runner().invoke(args=["notify", "deadlines"])
    assert result.exit_code == 0, result.output
    keys = set(db.session.scalars(select(Notification.dedup_key).where(
        Notification.user_id == w["officer"].id, Notification.kind == "overdue")))
    quarters = {make.quarter(w["fy"], n).id for n in (2, 3)}
    assert keys == {f"overdue:{qid}" for qid in quarters}  # TW II too, 138 days late

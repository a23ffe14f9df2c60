"""The outbox: written in the request's transaction, sent by the `mail.send` job after the
commit to a real SMTP server on loopback; a failed attempt keeps its reason and is retried;
without SMTP a mail is held, never lost; the admin sees and retries."""
from datetime import timedelta

from sqlalchemy import func, select

from app.mail import outbox, send_pending
from models import AuditLog, MailOutbox, db

from .mail_server import (  # noqa: F401 (fixtures)
    SmtpServer,
    free_port,
    smtp_config_fixture,
    smtp_fixture,
)


def _queue(to="a@contoh.go.id", subject="Perihal", body="Isi surel: Rp 1.234.567"):
    mail = outbox.queue(to, subject, body, kind="test")
    db.session.commit()
    send_pending()
    db.session.refresh(mail)
    return mail


def test_a_queued_mail_is_sent_after_the_commit(app, smtp):
    mail = _queue(subject="Laporan Triwulan I dikembalikan")
    assert mail.status == "sent" and mail.attempts == 1 and mail.sent_at is not None
    assert [m["subject"] for m in smtp.messages] == ["Laporan Triwulan I dikembalikan"]
    got = smtp.messages[0]
    assert got["to"] == ["a@contoh.go.id"] and got["from"] == app.config["MAIL_FROM"]
    assert "Rp 1.234.567" in got["body"]


def test_a_rolled_back_request_sends_nothing(app, smtp):
    outbox.queue("b@contoh.go.id", "Batal", "x")
    db.session.rollback()
    send_pending()
    assert smtp.messages == []


def test_retry_after_the_server_was_down(app, smtp_config, clock):
    clock("2026-11-30T03:00:00")
    mail = _queue()  # nothing listens on the port yet
    assert mail.status == "queued" and mail.attempts == 1
    assert "refused" in mail.last_error.lower() or "connect" in mail.last_error.lower()
    first_retry = mail.next_attempt_at
    assert first_retry == outbox.now() + timedelta(seconds=app.config["MAIL_RETRY_SECONDS"])
    server = SmtpServer(smtp_config)
    server.start()
    try:
        runner = app.test_cli_runner()
        assert "0 surel terkirim" in runner.invoke(args=["mail", "send"]).output  # not due yet
        clock("2026-11-30T03:01:00")
        result = runner.invoke(args=["mail", "send"])
        assert "1 surel terkirim" in result.output, result.output
        db.session.expire_all()
        mail = db.session.get(MailOutbox, mail.id)
        assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_backoff_doubles_and_attempts_are_bounded(app, smtp_config, clock):
    clock("2026-11-30T03:00:00")
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    try:
        mail = _queue()
        waits = []
        for _ in range(2):
            waits.append((mail.next_attempt_at - outbox.now()).total_seconds())
            clock(mail.next_attempt_at.isoformat())
            app.test_cli_runner().invoke(args=["mail", "send"])
            db.session.expire_all()
            mail = db.session.get(MailOutbox, mail.id)
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 5
    base = app.config["MAIL_RETRY_SECONDS"]
    assert waits == [base, 2 * base]
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("failed", 3, None)


def test_without_smtp_mail_is_held_and_the_admin_can_retry(app, client, make, login):
    assert not app.config.get("SMTP_HOST")
    mail = _queue()
    assert mail.status == "held" and "SMTP" in mail.last_error and mail.attempts == 0
    admin = make.user("admin")
    login(admin)
    page = client.get("/admin/surel/?status=held").get_data(as_text=True)
    assert "a@contoh.go.id" in page and "Tertahan" in page and "Kirim ulang" in page


def test_admin_retry_sends_a_failed_mail(app, client, make, login, smtp_config):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    try:
        mail = _queue()
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 5
    assert mail.status == "failed"
    server = SmtpServer(smtp_config)
    server.start()
    try:
        login(make.user("admin"))
        resp = client.post(f"/admin/surel/{mail.id}/kirim-ulang")
        assert resp.status_code == 303
        db.session.expire_all()
        assert db.session.get(MailOutbox, mail.id).status == "sent"
        assert len(server.messages) == 1
        # a sent mail is not sent again
        client.post(f"/admin/surel/{mail.id}/kirim-ulang")
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_outbox_page_is_for_the_admin_only(client, make, login):
    login(make.user("secretariat"))
    assert client.get("/admin/surel/").status_code == 403


def test_a_claimed_mail_is_not_sent_twice(app, smtp):
    mail = outbox.queue("c@contoh.go.id", "Sekali", "x")
    db.session.flush()
    assert outbox.claim(mail.id) is not None
    assert outbox.claim(mail.id) is None  # leased to the first worker
    assert db.session.scalar(select(func.count()).select_from(MailOutbox)) == 1


def test_cli_test_command_reports_the_outcome(app, smtp):
    result = app.test_cli_runner().invoke(args=["mail", "test", "uji@contoh.go.id"])
    assert "Terkirim" in result.output, result.output
    assert smtp.messages[0]["to"] == ["uji@contoh.go.id"]


# --- the quarterly loop's notifications, by mail per user preference --------------------------

def _opd_world(make):
    from datetime import datetime

    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 2)
    make.realization(tag, q, "100000", "10", 5)
    sub = make.submission(opd, q, "submitted", submitted_at=datetime(2026, 7, 1),
                          first_submitted_at=datetime(2026, 7, 1))
    wants, declined, no_mail = (make.user("opd", opd_obj=opd) for _ in range(3))
    wants.email, declined.email = "mau@contoh.go.id", "tidak@contoh.go.id"
    db.session.flush()
    return sub, wants, declined, no_mail


def test_return_mails_the_officers_who_want_it(app, client, make, login, smtp):
    sub, wants, declined, _ = _opd_world(make)
    login(declined)
    page = client.get("/akun/surel").get_data(as_text=True)
    assert "tidak@contoh.go.id" in page and 'value="returned" checked' in page
    client.post("/akun/surel", data={"kinds": ["verified"]})  # no longer "returned"
    login(make.user("secretariat"))
    client.post(f"/verifikasi/{sub.id}/kembalikan", data={
        "general": "Lampirkan SP2D.", "version": str(sub.version)})
    assert [m["to"] for m in smtp.messages] == [["mau@contoh.go.id"]]
    mail = smtp.messages[0]
    assert "Dikembalikan" in mail["subject"] and "Lampirkan SP2D." in mail["body"]
    assert "/notifikasi/" in mail["body"]


def test_deadline_reminders_are_mailed_once_from_the_cli(app, make, smtp, clock):
    sub, _, _, _ = _opd_world(make)
    q3 = make.quarter(sub.quarter.fiscal_year, 3)
    clock((q3.deadline - timedelta(days=3)).isoformat() + "T03:00:00")
    runner = app.test_cli_runner()
    runner.invoke(args=["notify", "deadlines"])
    runner.invoke(args=["notify", "deadlines"])
    mine = [m for m in smtp.messages if m["to"] == ["mau@contoh.go.id"]]
    assert mine and all("Batas 7 hari" in m["subject"] for m in mine)
    assert len(mine) == len({m["subject"] for m in mine})  # once per notice, never repeated


def test_a_held_mail_is_sent_once_smtp_is_configured_and_the_admin_retries(
        app, client, make, login):
    mail = _queue()  # no SMTP host: held, never tried
    assert mail.status == "held"
    port = free_port()
    server = SmtpServer(port)
    server.start()
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        assert "0 surel terkirim" in app.test_cli_runner().invoke(args=["mail", "send"]).output
        login(make.user("admin"))
        client.post(f"/admin/surel/{mail.id}/kirim-ulang")
        db.session.expire_all()
        assert db.session.get(MailOutbox, mail.id).status == "sent"
        assert len(server.messages) == 1
    finally:
        app.config.update(saved)
        server.stop()


def test_preferences_are_kept_and_audited(client, make, login):
    from app.mail.notify import kinds_of

    user = make.user("opd")
    login(user)
    client.post("/akun/surel", data={"kinds": ["overdue", "bukan-jenis", "deadline_7d"]})
    assert kinds_of(user.id) == {"overdue", "deadline_7d"}
    page = client.get("/akun/surel").get_data(as_text=True)
    assert 'value="overdue" checked' in page and 'value="returned" checked' not in page
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "mail_preference"))
    assert entry.user_id == user.id and entry.new_values == {"kinds": "deadline_7d,overdue"}
    client.post("/akun/surel", data={})  # nothing ticked: no mail at all
    assert kinds_of(user.id) == set()


def test_a_typed_line_break_never_reaches_a_header(app, smtp):
    mail = _queue(to="a@contoh.go.id\r\nBcc: x@contoh.go.id",
                  subject="Dikembalikan: baris satu\r\nBcc: korban@contoh.go.id")
    assert mail.status == "sent"
    got = smtp.messages[0]
    assert len(got["to"]) == 1 and got["to"][0] != "x@contoh.go.id"  # one (odd) address
    assert got["subject"] == "Dikembalikan: baris satu Bcc: korban@contoh.go.id"
    assert "korban@contoh.go.id" not in " ".join(got["to"])


def test_an_unexpected_error_marks_the_mail_failed_instead_of_looping(app, smtp, monkeypatch):
    from app.mail import sender

    def broken(mail, config):
        raise RuntimeError("rusak")

    monkeypatch.setattr(sender, "deliver", broken)
    monkeypatch.setattr(outbox, "deliver", broken)
    mail = _queue()
    assert (mail.status, mail.last_error) == ("failed", "RuntimeError: rusak")
    assert outbox.due() == []

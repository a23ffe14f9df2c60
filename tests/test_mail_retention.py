"""Retention and secrets in the outbox: a reset mail's link does not stay in the database after
delivery, and `flask retention` purges old mail, expired reset rows and old login events, never
mail that has not reached anyone yet."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.mail import outbox, send_pending
from models import AuditLog, LoginEvent, MailOutbox, PasswordReset, db

from .mail_server import smtp_config_fixture, smtp_fixture  # noqa: F401 (fixtures)

NOW = datetime(2026, 11, 30, 3, 0, 0)


def test_a_sent_reset_mail_keeps_no_link(app, smtp):
    link = "https://tagar.example/atur-ulang-kata-sandi?t=rahasia-sekali-123"
    mail = outbox.queue("a@contoh.go.id", "Atur ulang kata sandi", f"Buka {link}",
                        kind="password_reset")
    other = outbox.queue("b@contoh.go.id", "Laporan dikembalikan", f"Lihat {link}",
                         kind="returned")
    db.session.commit()
    send_pending()
    db.session.refresh(mail)
    db.session.refresh(other)
    assert [link in m["body"] for m in smtp.messages] == [True, True]  # delivered whole
    assert mail.status == "sent" and link not in mail.body and mail.body == outbox.REDACTED
    assert other.body == f"Lihat {link}"  # only secret kinds are blanked
    assert outbox.retry(mail) is False  # nothing left to send: the user asks for a new link


def test_a_reset_mail_given_up_keeps_no_link(app, smtp):
    mail = outbox.queue("a@contoh.go.id", "Atur ulang", "Buka https://x/?t=Zq81token",
                        kind="password_reset")
    db.session.flush()
    outbox.give_up(mail.id, "alamat ditolak")
    db.session.refresh(mail)
    assert mail.status == "failed" and "Zq81token" not in mail.body


def _world(make):
    user = make.user("admin")
    old, recent = NOW - timedelta(days=400), NOW - timedelta(days=10)
    for status, at in (("sent", old), ("failed", old), ("queued", old), ("held", old),
                       ("sent", recent)):
        db.session.add(MailOutbox(recipient="a@contoh.go.id", subject=f"{status} {at:%Y}",
                                  body="isi", status=status, created_at=at))
    for expires in (NOW - timedelta(days=3), NOW + timedelta(hours=1)):
        db.session.add(PasswordReset(user_id=user.id, token_hash=f"h{expires:%d%H}",
                                     created_at=expires - timedelta(hours=1), expires_at=expires))
    for at in (old, recent):
        db.session.add(LoginEvent(at=at, user_id=user.id, username=user.username,
                                  success=True, reason="ok", address="10.0.0.1"))
    db.session.flush()


def _left():
    mail = sorted(db.session.scalars(select(MailOutbox.subject)))
    resets = db.session.scalar(select(func.count(PasswordReset.id)))
    logins = db.session.scalar(select(func.count(LoginEvent.id)))
    return mail, resets, logins


def test_retention_purges_only_what_is_old_and_done(app, make, clock):
    clock(NOW.isoformat())
    _world(make)
    before = _left()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 surel, 1 tautan atur ulang kata sandi dan 1 catatan masuk akan dihapus" in dry.output
    assert _left() == before
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "2 surel, 1 tautan atur ulang kata sandi dan 1 catatan masuk dihapus" in result.output
    mail, resets, logins = _left()
    assert mail == ["held 2025", "queued 2025", "sent 2026"] and resets == 1 and logins == 1
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "purge"))
    assert entry is not None and entry.entity == "retention"
    again = runner.invoke(args=["retention"])
    assert "0 surel" in again.output


def test_retention_days_are_bounded(app):
    result = app.test_cli_runner().invoke(args=["retention", "--mail-days", "0"])
    assert result.exit_code != 0 and "0" in result.output

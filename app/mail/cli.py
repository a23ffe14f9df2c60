"""`flask mail send` (cron: sends every due mail, retries included), `flask mail test ADDR` and
`flask retention` (cron: purges old outbox mail, expired reset links, old login events)."""
import click
from flask import Flask, current_app

from models import MailOutbox, db

from . import outbox, retention, settings
from .jobs import run_send


def register_cli(app: Flask) -> None:
    group = click.Group("mail", help="Surel: antrean (outbox) dan uji SMTP.")

    @group.command("send")
    def send():
        """Send every queued mail that is due (run it every few minutes from cron)."""
        result = run_send()
        db.session.commit()
        click.echo(f"{result['sent']} surel terkirim, {result['failed']} gagal.")

    @group.command("test")
    @click.argument("address")
    def test(address):
        """Send a test mail to ADDRESS now and print the outcome."""
        if not settings.configured(current_app.config):
            raise click.ClickException(outbox.NOT_CONFIGURED)
        mail = outbox.queue(address, "Uji surel Tagar", "Surel uji dari Tagar.", kind="test")
        db.session.commit()
        outbox.pending_ids()
        sent = outbox.attempt(db.session.get(MailOutbox, mail.id))
        db.session.commit()
        if not sent:
            raise click.ClickException(f"Gagal: {mail.last_error}")
        click.echo(f"Terkirim ke {address}.")

    app.cli.add_command(group)

    @app.cli.command("retention")
    @click.option("--mail-days", type=click.IntRange(1, 36500), default=retention.MAIL_DAYS,
                  show_default=True, help="delete sent/failed mail older than this")
    @click.option("--login-days", type=click.IntRange(1, 36500), default=retention.LOGIN_DAYS,
                  show_default=True, help="delete login events older than this")
    @click.option("--dry-run", is_flag=True, help="count only")
    def retention_cmd(mail_days, login_days, dry_run):
        """Purge old outbox mail, expired reset links and old login events (daily, cron)."""
        result = retention.purge(mail_days, login_days, dry_run=dry_run)
        db.session.commit()
        verb = "akan dihapus" if dry_run else "dihapus"
        click.echo(f"{result.mail} surel, {result.resets} tautan atur ulang kata sandi dan "
                   f"{result.logins} catatan masuk {verb}.")

"""`flask mail send` (cron: sends every due mail, retries included) and `flask mail test ADDR`."""
import click
from flask import Flask, current_app

from models import MailOutbox, db

from . import outbox, settings
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

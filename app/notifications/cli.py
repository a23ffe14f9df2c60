"""`flask notify deadlines`: create the missing deadline and overdue notices (idempotent; run it
daily from cron, or any number of times)."""
import click
from flask import Flask

from app.cycle.notifications import remind_deadlines
from models import db


def register_cli(app: Flask) -> None:
    group = click.Group("notify", help="Notifikasi dalam aplikasi.")

    @group.command("deadlines")
    def deadlines():
        """Create the deadline (7 days) and overdue notices that are missing."""
        made = remind_deadlines()
        db.session.commit()
        from ..mail import send_pending

        send_pending()  # the notices' mails (issue 15), now that they are committed
        click.echo(f"{made} notifikasi batas waktu dibuat.")

    app.cli.add_command(group)

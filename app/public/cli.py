"""`flask public on|off|status`: open or close the public portal without the admin page."""
import click
from flask import Flask

from models import db

from . import portal


def register_cli(app: Flask) -> None:
    @app.cli.group("public")
    def public():
        """Portal publik (/terbuka/)."""

    @public.command("on")
    def on():
        """Open the portal: verified figures become public."""
        portal.switch(True)
        db.session.commit()
        click.echo("Portal publik dibuka: /terbuka/")

    @public.command("off")
    def off():
        """Close the portal: every /terbuka/ address answers 404."""
        portal.switch(False)
        db.session.commit()
        click.echo("Portal publik ditutup.")

    @public.command("status")
    def status():
        click.echo("dibuka" if portal.is_open() else "ditutup")

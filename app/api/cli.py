"""`flask create-token USERNAME NAME`: a personal API token from the shell (shown once), for
setting up an integration on the server; users normally create theirs in the UI."""
import click
from flask import Flask
from sqlalchemy import select

from models import User, db


def register_cli(app: Flask) -> None:
    @app.cli.command("create-token")
    @click.argument("username")
    @click.argument("name")
    def create_token_cmd(username, name):
        """Create an API token acting as USERNAME and print it once."""
        from app.accounts.api_tokens import create_token
        from app.core.errors import ServiceError

        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            raise click.ClickException(f"Pengguna aktif '{username}' tidak ditemukan.")
        try:
            _, secret = create_token(user, name)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(secret)

"""Command-line tools: `flask create-user`, `flask seed-reference`, `flask seed-demo`."""
import click
from flask import Flask
from sqlalchemy import func, select

from app.core.errors import ServiceError
from models import Opd, SubActivity, db


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["opd", "secretariat", "viewer", "admin",
                                                  "provinsi"]),
                  required=True)
    @click.option("--name", "full_name", default="", help="Full name.")
    @click.option("--opd", "opd_code", default=None, help="OPD code, required for role opd.")
    @click.password_option(help="Asked for when not given.")
    def create_user_cmd(username, role, full_name, opd_code, password):
        """Create a user account."""
        from app.accounts.accounts import create_user

        opd = None
        if opd_code:
            opd = db.session.scalar(select(Opd).where(Opd.code == opd_code))
            if opd is None:
                raise click.ClickException(f"OPD dengan kode {opd_code} tidak ditemukan.")
        try:
            user = create_user(username, password, role, full_name=full_name, opd=opd)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(f"Pengguna {user.username} ({user.role}) dibuat.")

    @app.cli.command("seed-reference")
    def seed_reference_cmd():
        """Insert missing strategies, tag kinds and funding sources."""
        from app.reference.service import ensure_reference_data

        ensure_reference_data()
        db.session.commit()
        click.echo("Data referensi lengkap.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database holds data.")
    @click.option("--year", type=int, default=None, help="Fiscal year (default: this year).")
    def seed_demo_cmd(if_empty, year):
        """Build the demo kabupaten: OPDs, desa, tagged sub-activities, realization, users."""
        from .demo.seed import DEMO_PASSWORD, seed_demo

        has_data = db.session.scalar(select(func.count(Opd.id))) or db.session.scalar(
            select(func.count(SubActivity.id)))
        if has_data:
            if if_empty:
                click.echo("Basis data sudah berisi data; data demo tidak dimuat ulang.")
                return
            raise click.ClickException("Basis data sudah berisi data. Data demo hanya untuk "
                                       "basis data kosong.")
        summary = seed_demo(year=year)
        db.session.commit()
        click.echo("Data demo dimuat: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
        click.echo("")
        click.echo("Akun demo (hanya untuk data demo, kata sandi sama untuk semua):")
        for username, role in summary_users():
            click.echo(f"  {username:<14} {role:<12} {DEMO_PASSWORD}")

    def summary_users():
        from .demo.seed import DEMO_USERS

        return [(u["username"], u["role"]) for u in DEMO_USERS]

    from .features import register_cli

    register_cli(app)

"""`flask province ...`: set up a province instance, print its totals, write the governor's
report (the same content as the *Laporan Gubernur* page)."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.core.errors import ServiceError
from models import db

from .province_setup import ProvinceIdentity, init_province


def _province_only() -> None:
    if current_app.config.get("TAGAR_MODE") != "province":
        raise click.ClickException("Perintah ini untuk instans provinsi (TAGAR_MODE=province).")


def register_province_cli(app: Flask) -> None:
    group = AppGroup("province", help="A province instance (issue 30): init, totals, report.")

    @group.command("init")
    @click.option("--name", required=True, help='The province, e.g. "Provinsi Contoh".')
    @click.option("--address", default="", help="Letterhead address.")
    @click.option("--city", default="", help="Where the report is signed.")
    @click.option("--governor", default="", help="The Gubernur's name.")
    @click.option("--governor-nip", default="")
    @click.option("--sekda", default="", help="The Sekretaris Daerah's name.")
    @click.option("--sekda-nip", default="")
    @click.option("--tkpk", default="", help="The Ketua TKPK Provinsi's name.")
    @click.option("--tkpk-nip", default="")
    @click.option("--admin", "admin_username", default="", help="First administrator's username.")
    @click.option("--admin-password", default="", envvar="TAGAR_ADMIN_PASSWORD",
                  help="Its password (or TAGAR_ADMIN_PASSWORD): 10+ characters, not common.")
    def init_cmd(name, address, city, governor, governor_nip, sekda, sekda_nip, tkpk, tkpk_nip,
                 admin_username, admin_password):
        """Letterhead, signatories (Gubernur, Sekda, Ketua TKPK) and the first admin."""
        _province_only()
        identity = ProvinceIdentity(name, address, city, governor, governor_nip, sekda,
                                    sekda_nip, tkpk, tkpk_nip)
        try:
            row, user = init_province(identity, admin_username=admin_username,
                                      admin_password=admin_password)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(f"{row.name}: kop surat dan penanda tangan disimpan.")
        if user is not None:
            click.echo(f"Administrator {user.username} dibuat.")

    @group.command("totals")
    @click.option("--year", type=int, required=True)
    @click.option("--quarter", type=click.IntRange(1, 4), required=True)
    def totals_cmd(year, quarter):
        """Print each kabupaten/kota's tagged and realized total and the province's."""
        from reports.province import queries

        _province_only()
        for m in queries.by_kabupaten(year, quarter):
            f = m.figures
            click.echo(f"{m.code}\t{m.name}\t" + (f"{f.tagged}\t{f.realized}" if f else "-\t-"))
        t = queries.province_total(year, quarter)
        click.echo(f"JUMLAH\t\t{t.tagged}\t{t.realized}")

    @group.command("report")
    @click.option("--year", type=int, required=True)
    @click.option("--semester", type=click.IntRange(1, 2), required=True)
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    def report_cmd(year, semester, file):
        """Write the governor's semester report to FILE (.pdf or .xlsx)."""
        from reports.province import report
        from reports.province.report_pdf import build as build_pdf

        _province_only()
        try:
            data = report.content(year, semester)
        except report.NoBundles as exc:
            raise click.ClickException(str(exc)) from exc
        body = report.xlsx(data) if file.endswith(".xlsx") else build_pdf(data)
        Path(file).write_bytes(body)
        db.session.commit()  # the settings row, when this is its first use
        click.echo(f"Laporan gubernur ditulis ke {file} ({len(body)} bita).")

    app.cli.add_command(group)

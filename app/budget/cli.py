"""`flask import-subactivities FILE --opd CODE --year YYYY [--dry-run]`: the web import's service
from the command line; prints the preview, exits non-zero on errors, writes nothing on --dry-run.
"""
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from app.budget.services.sipd_import import apply_plan, build_plan
from app.core.import_cli import report_plan
from models import FiscalYear, Opd, db


def register_cli(app: Flask) -> None:
    @app.cli.command("import-subactivities")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--opd", "opd_code", required=True, help="OPD code.")
    @click.option("--year", type=int, required=True, help="Fiscal year.")
    @click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
    def import_subactivities(file: Path, opd_code: str, year: int, dry_run: bool):
        """Import sub-activities from a Tagar template or a SIPD export (.xlsx or .csv)."""
        opd = db.session.scalar(select(Opd).where(Opd.code == opd_code))
        if opd is None:
            raise click.ClickException(f"OPD dengan kode {opd_code} tidak ditemukan.")
        fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
        if fy is None:
            raise click.ClickException(f"Tahun anggaran {year} belum ada.")
        plan = build_plan(file.name, file.read_bytes(), opd.id, fy.id)
        click.echo(f"{file.name} ({plan.fmt or 'format tidak dikenal'}) untuk {opd.name} "
                   f"{year}: {plan.summary()}")
        if not report_plan(plan, dry_run=dry_run):
            return
        counts = apply_plan(plan, opd.id, fy.id, note=f"Impor baris perintah {file.name}")
        db.session.commit()
        click.echo(f"Tersimpan: {counts['created']} dibuat, {counts['updated']} diubah, "
                   f"{counts['unchanged']} tidak berubah.")

"""`flask setup import-opds|import-areas|import-users FILE [--dry-run]`, `flask setup templates
DIR`, `flask year create YYYY` and `flask year rollover --from 2026 --to 2027 [--copy-allocation]
[--dry-run]`: the set-up pages' services from the command line. Each prints the preview, exits
non-zero on errors and writes nothing on --dry-run or on any error."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.core import audit
from app.core.errors import ServiceError
from app.core.import_cli import report_plan
from app.reference.service import create_fiscal_year, ensure_reference_data
from app.setup.services.rollover import apply_rollover, plan_rollover
from app.setup.services.setup_import import apply_plan, build_plan, build_template, kinds
from models import FiscalYear, db

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
TEMPLATE_NAMES = {"opds": "opd", "areas": "wilayah", "users": "pengguna"}  # DIR/opd.xlsx ...


def _import(kind: str, file: Path, dry_run: bool) -> None:
    plan = build_plan(kind, file.name, file.read_bytes())
    click.echo(f"{file.name} ({plan.kind.label}): {plan.summary()}")
    if not report_plan(plan, dry_run=dry_run):
        return
    result = apply_plan(plan, note=f"Impor baris perintah {file.name}")
    db.session.commit()
    click.echo(result.message(plan.kind.label))
    if result.passwords:
        click.echo("")
        click.echo("Kata sandi sementara (tampil sekali ini saja; wajib diganti saat masuk "
                   "pertama):")
        for username, name, password in result.passwords:
            click.echo(f"  {username:<24} {password}  {name}")


def register_cli(app: Flask) -> None:
    setup = AppGroup("setup", help="Set up a kabupaten from files (OPDs, areas, users).")
    year = AppGroup("year", help="Fiscal years: carry one over into the next.")

    @setup.command("import-opds")
    @click.argument("file", type=FILE)
    @click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
    def import_opds(file: Path, dry_run: bool):
        """Import or update OPDs (kode, nama, singkatan, kepala, NIP, jenis) by code."""
        _import("opds", file, dry_run)

    @setup.command("import-areas")
    @click.argument("file", type=FILE)
    @click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
    def import_areas(file: Path, dry_run: bool):
        """Import or update kecamatan and desa/kelurahan by Kemendagri code."""
        _import("areas", file, dry_run)

    @setup.command("import-users")
    @click.argument("file", type=FILE)
    @click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
    def import_users(file: Path, dry_run: bool):
        """Import or update users by username; new ones get a printed temporary password."""
        _import("users", file, dry_run)

    @setup.command("templates")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def templates(directory: Path):
        """Write the three XLSX templates into DIRECTORY."""
        directory.mkdir(parents=True, exist_ok=True)
        for kind in kinds():
            path = directory / f"{TEMPLATE_NAMES[kind]}.xlsx"
            path.write_bytes(build_template(kind))
            click.echo(str(path))

    @year.command("create")
    @click.argument("number", type=click.IntRange(2000, 2100))
    @click.option("--not-current", is_flag=True, help="Do not make it the current year.")
    def create_year(number: int, not_current: bool):
        """Create a fiscal year with its four quarters (and any missing reference data)."""
        ensure_reference_data()
        try:
            fy = create_fiscal_year(number)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        if not not_current:
            for other in db.session.scalars(select(FiscalYear).where(FiscalYear.is_current)):
                other.is_current = False
            fy.is_current = True
        audit.record_create(fy, note="Dibuat dari baris perintah")
        db.session.commit()
        click.echo(f"Tahun anggaran {number} dibuat dengan empat triwulan"
                   + ("." if not_current else " dan menjadi tahun berjalan."))

    @year.command("rollover")
    @click.option("--from", "from_year", type=int, required=True, help="Source fiscal year.")
    @click.option("--to", "to_year", type=int, required=True, help="Target fiscal year.")
    @click.option("--copy-allocation", is_flag=True,
                  help="Copy the allocation in force; without it allocations and tags are 0.")
    @click.option("--dry-run", is_flag=True, help="Show what would be copied; write nothing.")
    def rollover(from_year: int, to_year: int, copy_allocation: bool, dry_run: bool):
        """Copy the active OPDs' sub kegiatan, tags and lokus desa into a new year as drafts."""
        try:
            plan = plan_rollover(from_year, to_year, copy_allocation=copy_allocation)
            if not dry_run:
                plan = apply_rollover(plan)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        for line in plan.lines:
            click.echo(f"  {line.code:<26} {line.sub_activities:>4} sub kegiatan "
                       f"{line.tags:>4} tagging {line.villages:>5} lokus  {line.status_label}")
        click.echo(plan.summary())
        if dry_run:
            click.echo("Uji coba (--dry-run): tidak ada data yang disimpan.")
            return
        db.session.commit()

    app.cli.add_command(setup)
    app.cli.add_command(year)

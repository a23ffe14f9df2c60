"""`flask areas import-boundaries FILE [--code-property NAME] [--dry-run]`: the boundary import
page from the command line. Prints the preview, exits non-zero when the file or a feature is
refused, and writes nothing on --dry-run or on any refusal. `flask areas demo-boundaries` gives a
demo database seeded before the maps its fictional boundaries."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.errors import ServiceError
from models import db

from . import importer

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def register_cli(app: Flask) -> None:
    areas = AppGroup("areas", help="Desa and kecamatan boundaries for the maps (issue 27).")

    @areas.command("import-boundaries")
    @click.argument("file", type=FILE)
    @click.option("--code-property", default=None,
                  help="Property holding the Kemendagri code (default: guessed).")
    @click.option("--dry-run", is_flag=True, help="Show the preview only; write nothing.")
    def import_boundaries(file: Path, code_property: str | None, dry_run: bool):
        """Import desa/kecamatan boundaries from GeoJSON or a zipped shapefile."""
        with file.open("rb") as fh:
            data = fh.read(importer.MAX_READ + 1)
        try:
            plan = importer.build_plan(data, file.name, code_property)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"{file.name}: {plan.features} fitur, kolom kode {plan.code_property!r}; "
                   f"cocok {plan.desa} desa dan {plan.kecamatan} kecamatan; "
                   f"{plan.unmatched_count} kode tidak dikenal; "
                   f"{plan.without_count} desa tanpa batas; {len(plan.refused)} ditolak.")
        for index, code, reason in plan.refused:
            click.echo(f"DITOLAK fitur {index} ({code}): {reason}", err=True)
        for index, code in plan.unmatched[:20]:
            click.echo(f"tidak dikenal: fitur {index} kode {code!r}")
        if not plan.ok:
            raise click.ClickException("Tidak ada yang disimpan.")
        if dry_run:
            click.echo("Uji coba (--dry-run): tidak ada data yang disimpan.")
            return
        summary = importer.apply_plan(plan, actor=None)
        db.session.commit()
        click.echo(f"Tersimpan: {summary['desa']} desa, {summary['kecamatan']} kecamatan; "
                   f"{summary['kecamatan_derived']} batas kecamatan dibentuk dari desanya.")

    @areas.command("demo-boundaries")
    def demo_boundaries():
        """Fictional boundaries for every desa (a demo database seeded before issue 27)."""
        from sqlalchemy import func, select

        from app.demo.boundaries import seed
        from models import AreaBoundary, District

        if db.session.scalar(select(func.count()).select_from(AreaBoundary)):
            raise click.ClickException("Sudah ada batas wilayah; batas fiktif tidak ditambahkan.")
        count = seed(db.session.scalars(select(District).order_by(District.code)).all())
        db.session.commit()
        click.echo(f"Batas fiktif (demo) dibuat untuk {count} desa.")

    app.cli.add_command(areas)

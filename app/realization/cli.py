"""`flask evidence prune`: make the evidence folder match the database (see
app/cycle/evidence.py); safe to run at any time, e.g. daily from cron."""
import click
from flask import Flask

from app.cycle import evidence


def register_cli(app: Flask) -> None:
    group = click.Group("evidence", help="Berkas bukti dukung.")

    @group.command("prune")
    @click.option("--dry-run", is_flag=True, help="Only count what would change.")
    def prune_cmd(dry_run):
        """Delete evidence files no row names; finish moves a crash interrupted."""
        counts = evidence.prune(dry_run=dry_run)
        click.echo(("(uji) " if dry_run else "")
                   + f"{counts['deleted']} berkas yatim dihapus, {counts['moved']} dipindahkan, "
                   f"{counts['kept_recent']} unggahan baru dibiarkan, {counts['missing']} baris "
                   "tanpa berkas.")

    app.cli.add_command(group)

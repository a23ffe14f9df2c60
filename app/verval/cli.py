"""`flask verval print-list`: the list a desa operator works from, on paper: row numbers and
hash prefixes only (no NIK, no name), in the order of the campaign's records. The pemda puts it
beside its own BNBA file, where `flask coverage prefixes` marked each row with the same prefix."""
import csv
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from models import VervalCampaign, VervalVillage, Village, db


def register_cli(app: Flask) -> None:
    verval_cli = AppGroup("verval", help="Verval rumah tangga oleh desa.")
    app.cli.add_command(verval_cli)

    @verval_cli.command("print-list")
    @click.option("--desa", "code", required=True, help="Kode desa (Kemendagri).")
    @click.option("--campaign", "campaign_id", type=int, default=None,
                  help="Nomor kampanye; bawaan: kampanye terakhir desa itu.")
    @click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                  default=None, help="Berkas CSV; bawaan: layar.")
    def print_list(code, campaign_id, output):
        """Write a desa's list (CSV: row number, hash prefix, empty status column)."""
        from reports.queries import verval as progress

        village = db.session.scalar(select(Village).where(Village.code == code.strip()))
        if village is None:
            raise click.ClickException("Kode desa tidak dikenal.")
        stmt = (select(VervalVillage).join(VervalCampaign)
                .where(VervalVillage.village_id == village.id)
                .order_by(VervalCampaign.id.desc()))
        if campaign_id is not None:
            stmt = stmt.where(VervalVillage.campaign_id == campaign_id)
        cv = db.session.scalars(stmt.limit(1)).first()
        if cv is None:
            raise click.ClickException("Desa ini tidak ada pada kampanye verval.")
        rows, _ = progress.records(cv.id, 1, size=1_000_000)
        stream = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
        try:
            out = csv.writer(stream, delimiter=";")
            out.writerow([f"Verval {cv.campaign.name}", f"{village.code} {village.name}",
                          f"batas {cv.campaign.deadline:%d-%m-%Y}"])
            out.writerow(["no_baris", "awalan_hash", "status"])
            for _, row_no, prefix, _, _ in rows:
                out.writerow([row_no, prefix, ""])
        finally:
            if output:
                stream.close()
        if output:
            click.echo(f"{len(rows)} baris ditulis ke {output}.")

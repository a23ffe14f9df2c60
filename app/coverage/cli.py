"""`flask coverage keygen` (the pemda's household key, made once, kept outside the database) and
`flask coverage import-bnba` (an extract too large for the browser's upload)."""
from datetime import date
from pathlib import Path

import click
from flask import Flask

from . import keys


def register_cli(app: Flask) -> None:
    @app.cli.group("coverage")
    def coverage_cli():
        """Household coverage (BNBA hashes)."""

    @coverage_cli.command("keygen")
    def keygen_cmd():
        """Create instance/household.key (0600); refuses to overwrite an existing key."""
        path = keys.key_path()
        try:
            keys.generate(path)
        except FileExistsError as exc:
            raise click.ClickException(
                f"{path} sudah ada. Kunci tidak ditimpa: mengganti kunci berarti mengimpor "
                "ulang BNBA dan daftar penerima (lihat README).") from exc
        click.echo(f"Kunci dibuat: {path} (0600). Simpan salinannya terpisah dari cadangan "
                   "basis data.")

    @coverage_cli.command("import-bnba")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--source", type=click.Choice(["DTSEN", "P3KE"]), required=True)
    @click.option("--date", "taken_on", required=True, help="Tanggal data, YYYY-MM-DD.")
    @click.option("--lokus-year", type=int, default=None,
                  help="Also set that year's households per desa and desil (Lokus Desa).")
    def import_bnba_cmd(path, source, taken_on, lokus_year):
        """Hash and import a BNBA extract from a file on this server, all or nothing (the
        columns are guessed from the header). The file itself is left as it is: delete it."""
        from app.core.errors import ServiceError
        from app.reference.service import fiscal_year
        from models import db

        from . import bnba

        try:
            when = date.fromisoformat(taken_on)
        except ValueError as exc:
            raise click.ClickException("Tanggal harus YYYY-MM-DD.") from exc
        try:
            p = bnba.preview(source, when, path.name, path.read_bytes(), limits=bnba.CLI_LIMITS)
            payload = bnba.payload(p)
            if lokus_year is not None:
                fy = fiscal_year(lokus_year)
                if fy is None:
                    raise ServiceError(f"Tahun anggaran {lokus_year} tidak ada.")
                payload = bnba.with_lokus(payload, fy.id)
            click.echo(f"{p.rows} baris: {p.members} anggota, {p.households} rumah tangga, "
                       f"{p.invalid_total} ditolak ({dict(p.invalid)}).")
            snap = bnba.apply(p.staged, payload)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(bnba.done_message(snap))

    @coverage_cli.command("prefixes")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.argument("output", type=click.Path(dir_okay=False, writable=True, path_type=Path))
    def prefixes_cmd(path, output):
        """Copy the pemda's own BNBA extract to OUTPUT (CSV) with the household hash prefix of
        each row appended, to find the households of the "belum terjangkau" list. OUTPUT holds
        the same personal data as PATH: keep it where PATH is kept, never in Tagar."""
        import csv

        from app.core.errors import ServiceError
        from app.core.sheet_reader import iter_rows

        from . import bnba

        hasher = keys.hasher()
        written, cols = 0, None
        try:
            with output.open("w", newline="", encoding="utf-8") as f:
                out = csv.writer(f, delimiter=";")
                for _, cells in iter_rows(path.name, path.read_bytes(), bnba.CLI_LIMITS):
                    if cols is None:
                        guessed = bnba.detect(cells)
                        if "nik" in guessed:
                            cols = guessed
                            out.writerow([*cells, "awalan_hash_rumah_tangga"])
                        continue
                    nik = keys.normalise(bnba.cell(cells, cols, "nik"))
                    kk = keys.normalise(bnba.cell(cells, cols, "kk")) if "kk" in cols else None
                    digest = (hasher(keys.FAMILY, kk) if kk else
                              hasher(keys.HEAD, nik) if nik else None)
                    out.writerow([*("" if c is None else c for c in cells),
                                  keys.prefix(digest) if digest else ""])
                    written += 1
        except ServiceError as exc:
            output.unlink(missing_ok=True)
            raise click.ClickException(exc.message) from exc
        if cols is None:
            output.unlink(missing_ok=True)
            raise click.ClickException("Kolom NIK tidak ditemukan pada judul kolom.")
        click.echo(f"{written} baris ditulis ke {output}.")

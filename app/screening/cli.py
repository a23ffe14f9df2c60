"""`flask suggest ...`: build the shipped reference, train, suggest for a file, and the
province reference (publish on a province, import on a kabupaten)."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.errors import ServiceError
from app.core.sheet_reader import SheetError, read_rows
from app.core.table_xlsx import Column, Table, workbook
from app.core.upload_guard import UploadError
from app.federation import bundle
from models import db

HEADERS = {"code": ("kode", "kode sub kegiatan", "code"),
           "name": ("nama", "sub kegiatan", "nama sub kegiatan", "name"),
           "program": ("program", "nama program"),
           "activity": ("kegiatan", "nama kegiatan", "activity"),
           "opd_name": ("opd", "perangkat daerah", "opd_name", "skpd")}


def _items(rows) -> list[dict]:
    """Rows of a sheet whose first non-blank row names the columns (any HEADERS alias)."""
    if not rows:
        raise click.ClickException("Berkas kosong.")
    header = [str(c or "").strip().lower() for c in rows[0][1]]
    where = {}
    for key, aliases in HEADERS.items():
        for n, label in enumerate(header):
            if label in aliases and key not in where:
                where[key] = n
    if "name" not in where:
        raise click.ClickException("Kolom nama sub kegiatan tidak ditemukan (mis. 'Sub Kegiatan').")
    items = []
    for _number, cells in rows[1:]:
        item = {k: str(cells[n] if n < len(cells) and cells[n] is not None else "")[:400]
                .replace("\x00", "") for k, n in where.items()}
        if item["name"].strip():
            items.append(item)
    return items


def register_cli(app: Flask) -> None:
    group = AppGroup("suggest", help="Penyaringan anggaran: saran tagging (issue 26).")

    @group.command("build-reference")
    def build_reference():
        """Rebuild app/screening/data/reference.csv from its sources."""
        from . import reference

        meta = reference.build()
        click.echo(f"{meta['rows']} baris, {meta['relevant']} relevan, sha256 {meta['sha256']}")

    @group.command("train")
    def train():
        """Train the suggester now from the shipped and local data (also a background job)."""
        from . import store

        model = store.train()
        click.echo(f"Model dilatih dari {model.trained_rows} baris: {store.model_path()}")

    @group.command("tags")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def tags(path: Path, out: Path):
        """Suggestions for every line of a CSV/XLSX (e.g. a SIPD export) into OUT.xlsx."""
        from .service import suggest_items

        try:
            rows = read_rows(path.name, path.read_bytes())
        except (SheetError, UploadError) as exc:
            raise click.ClickException(str(exc)) from exc
        items = _items(rows)
        answers = suggest_items(items)
        kinds = {"langsung": "langsung", "tidak_langsung": "tidak langsung",
                 "penunjang": "penunjang"}
        table = Table(
            title="Saran penyaringan anggaran", sheet="Saran",
            filters=[("Berkas", path.name), ("Baris", str(len(items)))],
            columns=[Column("Kode", width=22), Column("Sub kegiatan", width=50),
                     Column("OPD", width=30), Column("Relevan", width=10),
                     Column("Skor", "pct"), Column("Strategi", width=10),
                     Column("Kelompok", width=16), Column("Alasan", width=70)],
            rows=[[i.get("code", ""), i["name"], i.get("opd_name", ""),
                   "ya" if a.relevant else "tidak", a.score * 100, a.strategy_code or "",
                   kinds.get(a.tag_kind_code or "", ""), "; ".join(a.reasons)]
                  for i, a in zip(items, answers, strict=True)])
        out.write_bytes(workbook([table]))
        relevant = sum(1 for a in answers if a.relevant)
        click.echo(f"{len(items)} baris disaring, {relevant} disarankan relevan -> {out}")

    @group.command("import-reference")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--public-key", default=None,
                  help="Kunci publik provinsi (PEM atau base64); bawaan SCREENING_PROVINCE_KEY.")
    def import_reference(path: Path, public_key):
        """Import the province's signed reference (how its kabupaten tag each code)."""
        from .province import import_reference as do_import

        if public_key and Path(public_key).is_file():
            public_key = Path(public_key).read_text(encoding="utf-8")
        try:
            ref = do_import(path.read_bytes(), public_key)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        click.echo(f"Referensi {ref.province_name} {ref.fiscal_year} ({ref.members} kab/kota) "
                   f"diimpor.")

    @group.command("publish-reference")
    @click.option("--year", type=int, required=True)
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    def publish_reference(year: int, out: Path):
        """Province: write the signed consensus of the kabupaten bundles of YEAR."""
        from .province import publish

        try:
            out.write_bytes(publish(year))
        except bundle.KeyProblem as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Referensi provinsi {year} ditandatangani -> {out}")

    app.cli.add_command(group)

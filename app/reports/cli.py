"""`flask report kemenko ...`: the report as PDF and/or XLSX from the command line, with the
choices the report page offers (variant, including the governor's semester report, and the
addressees)."""
import time
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from app.core.errors import ServiceError
from reports.content.kemenko import ADDRESSEES, VARIANTS


def register_cli(app: Flask) -> None:
    report = AppGroup("report", help="Laporan.")

    @report.command("kemenko")
    @click.option("--year", type=int, required=True, help="Tahun anggaran.")
    @click.option("--quarter", type=click.IntRange(1, 4), default=None, help="Triwulan 1-4.")
    @click.option("--semester", type=click.IntRange(1, 2), default=None, help="Semester 1-2.")
    @click.option("--opd", "opd_code", default=None, help="Kode OPD (laporan satu OPD).")
    @click.option("--variant", type=click.Choice(list(VARIANTS)), default=None,
                  help="Jenis laporan (bawaan: quarterly, atau semester bila --semester "
                       "diberikan); gubernur: laporan semester kepada Gubernur.")
    @click.option("--addressee", "addressees", type=click.Choice(list(ADDRESSEES)),
                  multiple=True, help="Penerima surat (boleh berulang); bawaan: Pengaturan.")
    @click.option("--theme", "theme_code", default=None,
                  help="Kode tema (mis. stunting): hanya tagging tema itu.")
    @click.option("--framework", default="",
                  help="Kerangka strategi (mis. permendagri_53_2020); bawaan Inpres 4/2022.")
    @click.option("--include-unverified", is_flag=True,
                  help="Sertakan data belum diverifikasi (bertanda DRAFT).")
    @click.option("--fixed-date", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="Tanggal surat tetap: dua kali bangun, berkas identik.")
    @click.option("--number", default="", help="Nomor surat.")
    @click.option("-o", "--output", "pdf_path", type=click.Path(dir_okay=False), default=None,
                  help="Berkas PDF.")
    @click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None,
                  help="Berkas XLSX.")
    def kemenko(year, quarter, semester, opd_code, variant, addressees, theme_code, framework,
                include_unverified, fixed_date, number, pdf_path, xlsx_path):
        """Laporan penghapusan kemiskinan ekstrem ke Kemenko PMK."""
        from reports.content.kemenko import build_content, resolve_options
        from reports.pdf.kemenko import build_pdf
        from reports.xlsx.kemenko import build_xlsx

        if not pdf_path and not xlsx_path:
            raise click.UsageError("Berikan -o FILE.pdf dan/atau --xlsx FILE.xlsx.")
        if variant is None:
            variant = "semester" if semester else ("opd" if opd_code else "quarterly")
        fixed: date | None = fixed_date.date() if fixed_date else None
        started = time.perf_counter()
        try:
            options = resolve_options(year, variant, quarter=quarter, semester=semester,
                                      opd_code=opd_code, include_unverified=include_unverified,
                                      fixed_date=fixed, number=number,
                                      addressees=addressees, framework=framework,
                                      theme_id=_theme_id(theme_code))
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
        content = build_content(options)
        if pdf_path:
            result = build_pdf(content)
            with open(pdf_path, "wb") as fh:
                fh.write(result.data)
            click.echo(f"PDF {pdf_path}: {result.pages} halaman, {len(result.data):,} byte")
        if xlsx_path:
            data = build_xlsx(content)
            with open(xlsx_path, "wb") as fh:
                fh.write(data)
            click.echo(f"XLSX {xlsx_path}: {len(data):,} byte")
        click.echo(f"{len(content.matrix)} penandaan, {time.perf_counter() - started:.2f} detik"
                   + (" (DRAFT)" if content.draft else ""))

    app.cli.add_command(report)


def _theme_id(code: str | None) -> int | None:
    """Issue 17: the theme named on the command line, or a usage error."""
    if not code:
        return None
    from sqlalchemy import select

    from models import Theme, db

    theme_id = db.session.scalar(select(Theme.id).where(Theme.code == code))
    if theme_id is None:
        raise click.ClickException(f"Tema {code} tidak ada.")
    return theme_id

"""`flask federation ...`: keygen, export and push (kabupaten); register and members (province).
"""
import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.core.errors import ServiceError
from models import FederationMember, db

from . import bundle, content, receive

PUSH_PATH = "/api/v1/federation/bundles"


def _period(quarter, semester) -> tuple[str, int]:
    if (quarter is None) == (semester is None):
        raise click.UsageError("Pilih satu: --quarter 1-4 atau --semester 1-2.")
    return ("quarter", quarter) if quarter is not None else ("semester", semester)


def _export(year, quarter, semester, with_pdf=False):
    kind, number = _period(quarter, semester)
    try:
        pdf = content.report_pdf(year, kind, number) if with_pdf else None
        data, row = content.export(year, kind, number, pdf=pdf)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    return data, row, pdf


def push_url(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith(PUSH_PATH) else url + PUSH_PATH


def push(data: bytes, url: str, token: str, timeout: float = 60, *, method: str = "POST",
         content_type: str = "application/json") -> tuple[int, dict]:
    """Send a signed bundle (or, with PUT to .../<id>/report, its PDF) to a province;
    (status, JSON answer; status 0 when the province cannot be reached). A bundle travels
    gzip-compressed (JSON shrinks to about a tenth; the province decompresses it, bounded)."""
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {token}"}
    if method == "POST":
        data = gzip.compress(data, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    request = urllib.request.Request(url if method == "PUT" else push_url(url), data=data,
                                     method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body)
        except ValueError:
            return exc.code, {"message": body[:300].decode("utf-8", "replace")}
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        return 0, {"message": f"provinsi tidak dapat dihubungi ({getattr(exc, 'reason', exc)})"}


def register_cli(app: Flask) -> None:
    group = AppGroup("federation", help="Bundles between kabupaten and province (issue 18).")

    @group.command("keygen")
    @click.option("--overwrite", is_flag=True, help="Replace an existing key.")
    def keygen_cmd(overwrite):
        """Write the Ed25519 key pair (private key 0600 in instance/); print the public key."""
        path = bundle.key_path()
        try:
            key = bundle.generate_key(path, overwrite=overwrite)
        except bundle.KeyProblem as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Kunci privat: {path} (0600, jangan dibagikan)")
        click.echo("Kunci publik (daftarkan di provinsi):")
        click.echo(bundle.public_b64(key))

    @group.command("public-key")
    def public_key_cmd():
        """Print the public key of the existing key pair."""
        try:
            click.echo(bundle.public_b64(bundle.load_private_key()))
        except bundle.KeyProblem as exc:
            raise click.ClickException(str(exc)) from exc

    @group.command("export")
    @click.option("--year", type=int, required=True)
    @click.option("--quarter", type=click.IntRange(1, 4), default=None)
    @click.option("--semester", type=click.IntRange(1, 2), default=None)
    @click.option("--with-pdf", is_flag=True,
                  help="Also write the period's report PDF to FILE.pdf (its hash is signed).")
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    def export_cmd(year, quarter, semester, with_pdf, file):
        """Write the signed bundle of a verified period to FILE."""
        data, row, pdf = _export(year, quarter, semester, with_pdf)
        Path(file).write_bytes(data)
        if pdf is not None:
            Path(f"{file}.pdf").write_bytes(pdf[1])
        db.session.commit()
        click.echo(f"Bundel urutan {row.sequence} ({row.size} bita, sha256 {row.sha256}) "
                   f"ditulis ke {file}" + (f", laporan ke {file}.pdf." if pdf else "."))

    @group.command("push")
    @click.option("--year", type=int, required=True)
    @click.option("--quarter", type=click.IntRange(1, 4), default=None)
    @click.option("--semester", type=click.IntRange(1, 2), default=None)
    @click.option("--url", required=True, help="The province instance, e.g. https://prov.go.id")
    @click.option("--token", required=True, envvar="TAGAR_FEDERATION_TOKEN",
                  help="The push token the province issued (or TAGAR_FEDERATION_TOKEN).")
    @click.option("--with-pdf", is_flag=True,
                  help="Also send the period's report PDF (its hash is signed in the bundle).")
    def push_cmd(year, quarter, semester, url, token, with_pdf):
        """Sign the bundle of a verified period and send it to the province."""
        data, row, pdf = _export(year, quarter, semester, with_pdf)
        status, answer = push(data, url, token)
        row.pushed_to = push_url(url)[:300]
        row.push_status = f"{status} {answer.get('message', '')}".strip()[:300]
        if status == 201 and answer.get("warnings"):  # shown on *Kirim ke Provinsi*
            row.push_status = f"201 diterima dengan catatan: {answer['warnings'][0]}"[:300]
        db.session.commit()
        if status != 201:
            raise click.ClickException(
                f"Bundel urutan {row.sequence} tidak diterima ({status or 'tanpa jawaban'}): "
                f"{answer.get('message', answer)}")
        click.echo(f"Diterima provinsi: bundel #{answer.get('id')} urutan {row.sequence}.")
        for warning in answer.get("warnings") or []:  # accepted, but flagged (issue 30)
            click.echo(f"Peringatan provinsi: {warning}", err=True)
        if pdf is not None:
            _push_report(pdf[1], url, token, answer.get("id"), row)

    def _push_report(data: bytes, url: str, token: str, bundle_id, row=None) -> None:
        status, answer = push(data, f"{push_url(url)}/{bundle_id}/report", token,
                              method="PUT", content_type="application/pdf")
        if row is not None and status != 200:
            row.push_status = f"PDF {status} {answer.get('message', '')}".strip()[:300]
            db.session.commit()
        if status != 200:
            raise click.ClickException(
                f"Laporan PDF tidak diterima ({status or 'tanpa jawaban'}): "
                f"{answer.get('message', answer)}. Bundel tetap diterima; kirim PDF yang benar "
                f"nanti dengan `flask federation push-report {bundle_id} FILE.pdf`.")
        click.echo(f"Laporan PDF diterima ({answer.get('size')} bita).")

    @group.command("push-report")
    @click.argument("bundle_id", type=int)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--url", required=True, help="The province instance.")
    @click.option("--token", required=True, envvar="TAGAR_FEDERATION_TOKEN")
    def push_report_cmd(bundle_id, file, url, token):
        """Send the report PDF of a bundle the province accepted (its id in the province's
        answer), e.g. after the first PDF did not match: checked against the signed hash."""
        _push_report(Path(file).read_bytes(), url, token, bundle_id)

    @group.command("register")
    @click.argument("code")
    @click.argument("name")
    @click.option("--public-key", "public_key", required=True,
                  help="Base64 (as keygen prints it), PEM text, or @FILE.")
    def register_cmd(code, name, public_key):
        """Province: register a kabupaten/kota and print its push token (shown once)."""
        if public_key.startswith("@"):
            public_key = Path(public_key[1:]).read_text()
        try:
            member, token = receive.register(code, name, public_key)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(f"{member.name} ({member.code}) terdaftar. Token kiriman (sekali tampil):")
        click.echo(token)

    @group.command("rotate-token")
    @click.argument("code")
    def rotate_cmd(code):
        """Province: issue a new push token for a kabupaten/kota (the old one stops working)."""
        member = db.session.scalar(select(FederationMember).where(FederationMember.code == code))
        if member is None:
            raise click.ClickException(f"Kode {code} tidak terdaftar.")
        token = receive.rotate_token(member)
        db.session.commit()
        click.echo(token)

    @group.command("set-active")
    @click.argument("code")
    @click.option("--off", is_flag=True, help="Deactivate: its bundles are refused and it no "
                                              "longer counts in the province figures.")
    def set_active_cmd(code, off):
        """Province: activate (or with --off deactivate) a registered kabupaten/kota."""
        member = db.session.scalar(select(FederationMember).where(FederationMember.code == code))
        if member is None:
            raise click.ClickException(f"Kode {code} tidak terdaftar.")
        receive.set_active(member, not off)
        db.session.commit()
        click.echo(f"{member.name}: {'aktif' if member.active else 'nonaktif'}.")

    @group.command("members")
    def members_cmd():
        """Province: the registered kabupaten/kota."""
        for m in db.session.scalars(select(FederationMember).order_by(FederationMember.code)):
            click.echo(f"{m.code:<10} {m.name:<40} {'aktif' if m.active else 'nonaktif'} "
                       f"{m.token_prefix}…")

    app.cli.add_command(group)
    from .province_cli import register_province_cli

    register_province_cli(app)  # issue 30: `flask province init|totals|report`

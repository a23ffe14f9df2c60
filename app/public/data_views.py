"""Open data at stable addresses: /terbuka/data/<tahun>/<file> is the year's latest published
version, /terbuka/data/<tahun>/versi/<versi>/<file> one version forever. Files: one CSV per
table, datapackage.json (Fiscal Data Package), data.json (everything in one document).

Asking for the latest files publishes the current figures first when they are new (the one
write, committed once)."""
import json

from flask import Response, abort, render_template, url_for

from models import db
from reports.queries.public import year_of, years

from . import bp, opendata, portal, publish
from .page_cache import public_cache


def _year(tahun: int):
    fy = year_of(tahun)
    if fy is None:
        abort(404)
    return fy


@bp.route("/data/")
@public_cache
def data_index():
    return render_template("public/data_index.html", years=years())


@bp.route("/data/<int:tahun>/")
@public_cache
def data_year(tahun: int):
    fy = _year(tahun)
    row = publish.current(fy)
    db.session.commit()
    return render_template("public/data_year.html", fy=fy, current=row,
                           versions=publish.versions(fy), resources=opendata.RESOURCES)


@bp.route("/data/<int:tahun>/<string:name>")
@public_cache
def data_file(tahun: int, name: str):
    fy = _year(tahun)
    row = publish.current(fy)
    db.session.commit()
    return _file(fy, row, name)


@bp.route("/data/<int:tahun>/versi/<string:version>/<string:name>")
@public_cache
def data_version_file(tahun: int, version: str, name: str):
    fy = _year(tahun)
    row = publish.by_version(fy, version)
    if row is None:
        abort(404)
    return _file(fy, row, name)


def _file(fy, row, name: str):
    content = publish.content_of(row)
    if name == "datapackage.json":
        return _json(package(row, content))
    if name == "data.json":
        return _json({"versi": row.version, "lisensi": _license(), **content})
    stem, _, ext = name.rpartition(".")
    if ext != "csv" or stem not in opendata.RESOURCES:
        abort(404)
    text = opendata.to_csv(stem, content)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'inline; filename="{stem}-{fy.year}-{row.version}.csv"'})


def package(row, content: dict) -> dict:
    lic = portal.portal_or_default()
    pemda = portal.pemda()
    descriptor = opendata.datapackage(
        content, version=row.version, published_at=row.published_at.isoformat(timespec="seconds"),
        region=pemda.region_name, publisher=pemda.name, license_id=lic.license_id,
        license_title=lic.license_title, license_url=lic.license_url)
    descriptor["homepage"] = url_for("public.data_year", tahun=content["tahun"], _external=True)
    descriptor["id"] = url_for("public.data_version_file", tahun=content["tahun"],
                               version=row.version, name="datapackage.json", _external=True)
    return descriptor


def _license() -> dict:
    lic = portal.portal_or_default()
    return {"id": lic.license_id, "judul": lic.license_title, "tautan": lic.license_url}


def _json(data) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=1),
                    mimetype="application/json")

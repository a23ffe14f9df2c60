"""Reading a boundary file: a GeoJSON FeatureCollection or a zipped ESRI Shapefile, in memory.

The rule, checked in this order; the first that fails refuses the whole file, with an
Indonesian reason, before more work is done:
1. the file is at most MAX_BYTES (the caller reads at most one byte past it);
2. a `.zip` is a real ZIP archive, holds one `.shp` with its `.dbf` (and `.shx`), and its members
   expand to at most MAX_UNZIPPED bytes (a zip bomb is refused from its directory, unread);
   a `.prj` that names a projected system (UTM, ...) is refused: the map needs WGS84 degrees;
3. the text holds at most MAX_VERTICES coordinate pairs, counted on the raw bytes before any
   parsing, so a file of a million vertices never becomes a million Python lists;
4. the reading stays within the wall-clock budget (checked between features);
5. every feature's geometry is a Polygon or MultiPolygon whose coordinates lie inside
   Indonesia's bounding box (anything else means a wrong coordinate system).
Per-feature faults that do not mean a wrong file (a ring crossing itself, too few points) are
left to the import plan, which lists them per feature.
"""
import io
import json
import re
import zipfile
from dataclasses import dataclass

import numpy as np
import shapefile
import shapely
from shapely.geometry import MultiPolygon, Polygon

from app.core.upload_guard import Deadline, UploadError, megabytes, number

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_VERTICES = 900_000
MAX_FEATURES = 20_000
SECONDS = 20
# Indonesia with a margin: 94-142 E, 11.5 S-6.5 N (Sabang to Merauke, Rote to Miangas).
INDONESIA = (94.0, -11.5, 142.0, 6.5)
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class RawFeature:
    index: int  # 1-based, as a user counts
    properties: dict
    geometry: object  # a shapely Polygon or MultiPolygon, not yet validated


def read_boundaries(data: bytes, filename: str) -> list[RawFeature]:
    """The features of a boundary file, or UploadError naming why the file is refused."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"Ukuran berkas melebihi batas {megabytes(MAX_BYTES)}.")
    deadline = Deadline(SECONDS)
    if filename.lower().endswith(".zip"):
        return _shapefile(data, deadline)
    if filename.lower().endswith((".geojson", ".json")):
        return _geojson(data, deadline)
    raise UploadError("Jenis berkas tidak didukung. Unggah GeoJSON (.geojson/.json) atau "
                      "shapefile dalam ZIP (.zip).")


# A coordinates array holds only numbers, brackets, commas and blanks: its span is found
# without parsing, handed to GEOS's own GeoJSON reader (C++), and only the small rest of the
# document (types, properties) goes through Python's json. Parsing a 30 MB file's 800,000
# coordinate pairs into Python lists and floats would take seconds and hundreds of MB.
_COORDS = re.compile(rb'"coordinates"\s*:\s*(\[[-+0-9.,\[\]\seE]*\])')


def _count_vertices(raw: bytes) -> None:
    # Every coordinate pair opens a bracket: an upper bound read at memchr speed, before parsing.
    # The exact count is checked again on the parsed geometries.
    if raw.count(b"[") > MAX_VERTICES * 1.1:
        _too_many()


def _too_many():
    raise UploadError(f"Berkas memuat lebih dari {number(MAX_VERTICES)} titik koordinat. "
                      "Sederhanakan geometri (mis. di QGIS: Simplify) lalu unggah ulang.")


def _skeleton(data: bytes) -> tuple[bytes, list[bytes]]:
    """The document with each coordinates array replaced by its index, and the arrays."""
    spans, parts, last = [], [], 0
    for m in _COORDS.finditer(data):
        parts += [data[last:m.start(1)], str(len(spans)).encode()]
        spans.append(m.group(1))
        last = m.end(1)
    parts.append(data[last:])
    return b"".join(parts), spans


def _geojson(data: bytes, deadline: Deadline) -> list[RawFeature]:
    _count_vertices(data)
    skeleton, spans = _skeleton(data)
    try:
        doc = json.loads(skeleton.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UploadError("Berkas bukan GeoJSON yang sah (JSON tidak dapat dibaca).") from exc
    deadline.check()
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise UploadError("GeoJSON harus berupa FeatureCollection.")
    _check_crs(doc.get("crs"))
    features = doc["features"]
    if len(features) > MAX_FEATURES:
        raise UploadError(f"Berkas memuat lebih dari {number(MAX_FEATURES)} fitur.")
    out, vertices = [], 0
    for i, feature in enumerate(features, start=1):
        if i % 200 == 0:
            deadline.check()
        if not isinstance(feature, dict):
            raise UploadError(f"Fitur ke-{i} bukan objek GeoJSON.")
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        geom = _geometry(_with_coordinates(feature.get("geometry"), spans), i)
        vertices += int(shapely.get_num_coordinates(geom))
        if vertices > MAX_VERTICES:
            _too_many()
        out.append(RawFeature(i, props, geom))
    return out


def _with_coordinates(geom, spans: list[bytes]):
    """The geometry member with its coordinates span put back (as GeoJSON text for GEOS)."""
    if isinstance(geom, dict) and type(geom.get("coordinates")) is int \
            and 0 <= geom["coordinates"] < len(spans) and geom.get("type") in POLYGONAL:
        return {"type": geom["type"], "text": spans[geom["coordinates"]]}
    return geom


def _check_crs(crs) -> None:
    """GeoJSON (RFC 7946) is WGS84; an old-style `crs` member naming another system is refused."""
    if not isinstance(crs, dict):
        return
    name = str((crs.get("properties") or {}).get("name", ""))
    if name and not re.search(r"(CRS84|EPSG:{1,2}4326)$", name):
        raise UploadError(f"Sistem koordinat {name[:60]} tidak didukung; simpan ulang berkas "
                          "dalam WGS84 (EPSG:4326).")


def _geometry(geom, i: int):
    if not isinstance(geom, dict) or geom.get("type") not in POLYGONAL:
        kind = geom.get("type") if isinstance(geom, dict) else "kosong"
        raise UploadError(f"Fitur ke-{i}: geometri {str(kind)[:30]} bukan Polygon atau "
                          "MultiPolygon.")
    try:
        if "text" in geom:
            shaped = shapely.force_2d(shapely.from_geojson(
                b'{"type":"%s","coordinates":%s}' % (geom["type"].encode(), geom["text"])))
        else:
            coords = geom.get("coordinates")
            polys = [coords] if geom["type"] == "Polygon" else coords
            shaped = (MultiPolygon([_polygon(p) for p in polys])
                      if geom["type"] == "MultiPolygon" else _polygon(polys[0]))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError,
            shapely.errors.GEOSException) as exc:
        raise UploadError(f"Fitur ke-{i}: koordinat geometri tidak dapat dibaca.") from exc
    if shaped.is_empty:
        raise UploadError(f"Fitur ke-{i}: geometri kosong.")
    _inside_indonesia(shaped, i)
    return shaped


def _polygon(rings) -> Polygon:
    """A polygon from GeoJSON rings through numpy: a Python loop per vertex would cost seconds
    for a large file. Only longitude and latitude are kept (a third value is height)."""
    arrays = []
    for ring in rings:
        a = np.asarray(ring, dtype=float)
        if a.ndim != 2 or a.shape[1] < 2 or not np.isfinite(a[:, :2]).all():
            raise ValueError("not a ring of coordinate pairs")
        arrays.append(a[:, :2])
    if not arrays:
        raise ValueError("no ring")
    return shapely.polygons(arrays[0], holes=arrays[1:] or None)


def _inside_indonesia(geom, i: int) -> None:
    minx, miny, maxx, maxy = geom.bounds
    west, south, east, north = INDONESIA
    if not (west <= minx and maxx <= east and south <= miny and maxy <= north):
        raise UploadError(
            f"Fitur ke-{i}: koordinat di luar wilayah Indonesia (bujur {minx:.2f}–{maxx:.2f}, "
            f"lintang {miny:.2f}–{maxy:.2f}). Pastikan berkas memakai WGS84 (derajat), bukan "
            "UTM atau sistem proyeksi lain.")


def _shapefile(data: bytes, deadline: Deadline) -> list[RawFeature]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UploadError("Berkas .zip bukan arsip ZIP yang sah.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _members(archive)
            shp = _member(archive, members, ".shp", True)
            dbf = _member(archive, members, ".dbf", True)
            shx = _member(archive, members, ".shx", False)
            prj = _member(archive, members, ".prj", False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        raise UploadError("Arsip ZIP rusak atau terenkripsi.") from exc
    if prj and re.search(rb"^\s*PROJCS", prj):
        raise UploadError("Shapefile memakai sistem koordinat terproyeksi (.prj: PROJCS); "
                          "simpan ulang dalam WGS84 (EPSG:4326).")
    # A shapefile point is 16 bytes: the same vertex bound as for GeoJSON, before any parsing.
    if len(shp) // 16 > MAX_VERTICES:
        raise UploadError(f"Berkas memuat lebih dari {number(MAX_VERTICES)} titik koordinat. "
                          "Sederhanakan geometri lalu unggah ulang.")
    try:
        reader = shapefile.Reader(shp=io.BytesIO(shp), dbf=io.BytesIO(dbf),
                                  shx=io.BytesIO(shx) if shx else None, encoding="utf-8",
                                  encodingErrors="replace")
        names = [f[0] for f in reader.fields[1:]]
        out = []
        for i, rec in enumerate(reader.iterShapeRecords(), start=1):
            if i % 200 == 0:
                deadline.check()
            if i > MAX_FEATURES:
                raise UploadError(f"Berkas memuat lebih dari {number(MAX_FEATURES)} fitur.")
            props = dict(zip(names, list(rec.record), strict=False))
            geom = rec.shape.__geo_interface__ if rec.shape.shapeType else None
            out.append(RawFeature(i, props, _geometry(geom, i)))
        reader.close()
    except UploadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyshp raises many kinds on a broken file
        raise UploadError("Shapefile rusak atau tidak dapat dibaca.") from exc
    return out


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise UploadError(f"Isi arsip ZIP melebihi {megabytes(MAX_UNZIPPED)} setelah diekstrak.")
    shps = [i for i in infos if i.filename.lower().endswith(".shp")
            and not i.filename.startswith("__MACOSX")]
    if len(shps) != 1:
        raise UploadError("Arsip ZIP harus berisi tepat satu shapefile (.shp) beserta .dbf-nya.")
    stem = shps[0].filename[:-4].lower()
    return {i.filename.lower()[len(stem):]: i for i in infos
            if i.filename.lower().startswith(stem) and len(i.filename) - len(stem) == 4}


def _member(archive, members: dict, ext: str, required: bool) -> bytes | None:
    info = members.get(ext)
    if info is None:
        if required:
            raise UploadError(f"Arsip ZIP tidak memuat berkas {ext} dari shapefile.")
        return None
    return archive.read(info)

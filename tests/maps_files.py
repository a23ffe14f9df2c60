"""Boundary files made in the test: a grid of square desa near 110 E, 7 S, as GeoJSON or as a
zipped ESRI shapefile (written with pyshp into memory)."""
import io
import json
import zipfile

import shapefile

WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,'
             '298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]]')
UTM_PRJ = 'PROJCS["WGS_1984_UTM_Zone_49S",GEOGCS["GCS_WGS_1984"]]'


def square(i: int, size: float = 0.02, lon0: float = 110.0, lat0: float = -7.0):
    """The i-th cell of a row of squares, as a closed ring (counter-clockwise)."""
    x, y = lon0 + i * size, lat0
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(props: dict, ring=None, *, kind="Polygon", coords=None) -> dict:
    geometry = {"type": kind, "coordinates": coords if coords is not None else [ring]}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def geojson(features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra}).encode()


def shapefile_zip(rows, *, prj: str | None = WGS84_PRJ, numeric: bool = False) -> bytes:
    """rows: (code, name, ring). Codes as a numeric (N) field when `numeric`, else text."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as w:
        if numeric:
            w.field("KDEPUM", "N", size=14, decimal=0)
        else:
            w.field("KDEPUM", "C", size=20)
        w.field("NAMOBJ", "C", size=60)
        for code, name, ring in rows:
            # Shapefile outer rings run clockwise.
            w.poly([list(reversed(ring))])
            w.record(int(code) if numeric else code, name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("desa.shp", shp.getvalue())
        z.writestr("desa.shx", shx.getvalue())
        z.writestr("desa.dbf", dbf.getvalue())
        if prj:
            z.writestr("desa.prj", prj)
    return out.getvalue()

"""Issue 27: the stored desa and kecamatan boundaries as GeoJSON, for the pemda's own GIS.

The geometry is what the maps draw: simplified at import (about 30 m) and rounded to 5
decimals, WGS84 longitude/latitude (RFC 7946). Every role may read it, like the other
reference data; demo boundaries say `fictional: true`.
"""
import json

from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from app.core.cache import cached
from models import AreaBoundary, District, Village, db
from models.data_version import current_version

from .errors import documented
from .fields import Schema

blp = Blueprint("api_areas", __name__, url_prefix="/areas",
                description="Batas wilayah desa dan kecamatan (GeoJSON, WGS84).")


def blueprints():
    return [blp]


class BoundaryArgs(Schema):
    level = fields.String(load_default="desa", validate=validate.OneOf(("desa", "kecamatan")),
                          metadata={"description": "desa (bawaan) atau kecamatan"})


class BoundaryPropertiesSchema(Schema):
    code = fields.String(metadata={"description": "Kode wilayah Kemendagri, mis. 63.02.01.2001"})
    name = fields.String()
    district_code = fields.String(metadata={"description": "Kode kecamatan (desa saja)"})
    district_name = fields.String()
    derived = fields.Boolean(metadata={"description": "Batas kecamatan dibentuk dari desanya"})
    fictional = fields.Boolean(metadata={"description": "Batas fiktif (data demo)"})


class BoundaryFeatureSchema(Schema):
    type = fields.String(metadata={"example": "Feature"})
    id = fields.String()
    properties = fields.Nested(BoundaryPropertiesSchema)
    geometry = fields.Dict(metadata={"description": "Polygon atau MultiPolygon (RFC 7946)"})


class BoundaryCollectionSchema(Schema):
    type = fields.String(metadata={"example": "FeatureCollection"})
    features = fields.List(fields.Nested(BoundaryFeatureSchema))


@blp.route("/boundaries")
@blp.arguments(BoundaryArgs, location="query")
@blp.response(200, BoundaryCollectionSchema)
@documented(blp)
def boundaries(args):
    """Batas desa atau kecamatan yang tersimpan, sebagai GeoJSON FeatureCollection"""
    level = args["level"]
    return cached("api-boundaries", {"version": current_version(), "level": level},
                  lambda: _collection(level))


def _collection(level: str) -> dict:
    if level == "desa":
        stmt = (select(Village.code, Village.name, District.code, District.name,
                       AreaBoundary.derived, AreaBoundary.fictional, AreaBoundary.geojson)
                .join(AreaBoundary, AreaBoundary.village_id == Village.id)
                .join(District, District.id == Village.district_id).order_by(Village.code))
    else:
        stmt = (select(District.code, District.name, District.code, District.name,
                       AreaBoundary.derived, AreaBoundary.fictional, AreaBoundary.geojson)
                .join(AreaBoundary, AreaBoundary.district_id == District.id)
                .order_by(District.code))
    features = []
    for code, name, dcode, dname, derived, fictional, geometry in db.session.execute(stmt):
        props = {"code": code, "name": name, "derived": derived, "fictional": fictional}
        if level == "desa":
            props |= {"district_code": dcode, "district_name": dname}
        features.append({"type": "Feature", "id": code, "properties": props,
                         "geometry": json.loads(geometry)})
    return {"type": "FeatureCollection", "features": features}

"""Maps (issue 27): desa and kecamatan boundaries imported from GeoJSON or a zipped shapefile,
and choropleth maps drawn on the server as inline SVG. The admin's import pages are mounted
under /admin/peta (app/features.py); the maps themselves are included by the pages that show
them (app/maps/web.py)."""
from flask import Blueprint, current_app, request
from flask_login import current_user

bp = Blueprint("maps", __name__)
EDITORS = ("admin", "secretariat")

# A kabupaten's desa boundaries as GeoJSON run to tens of MB: this route alone, for the admin
# alone, may take more than TAGAR_MAX_UPLOAD_MB (the reader refuses past its own bound).
BOUNDARY_MAX_BYTES = 50 * 1024 * 1024 + 64 * 1024


@bp.url_value_preprocessor
def _larger_upload(endpoint, values):
    if (request.method == "POST" and endpoint == "maps.upload"
            and current_user.is_authenticated and current_user.role in EDITORS):
        request.max_content_length = max(current_app.config.get("MAX_CONTENT_LENGTH") or 0,
                                         BOUNDARY_MAX_BYTES)

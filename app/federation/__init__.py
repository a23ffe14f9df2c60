"""Federation (issue 18): a kabupaten exports signed bundles of its verified figures; a province
instance (TAGAR_MODE=province) registers kabupaten/kota, accepts their bundles and consolidates
them. bundle.py signs and verifies, content.py builds, schema.py validates, receive.py accepts,
reports/province/queries.py aggregates."""
from flask import Blueprint, current_app

bp = Blueprint("federation", __name__)
api_bp = Blueprint("api_federation", __name__)


def province_mode() -> bool:
    return current_app.config.get("TAGAR_MODE") == "province"

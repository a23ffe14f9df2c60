"""A readable API reference rendered on the server from the OpenAPI document (no CDN)."""
from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


def _api():
    from . import api

    return api


@bp.route("/docs")
def docs():
    spec = _api().spec.to_dict()
    return render_template("api/docs.html", spec=spec)

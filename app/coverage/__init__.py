"""Household coverage (issue 16): pseudonymous households from BNBA extracts, the OPDs'
beneficiary lists matched to them, and who is reached by which strategies. No NIK is stored."""
import io

from flask import Blueprint, current_app, request
from flask_login import current_user

bp = Blueprint("coverage", __name__)

# A BNBA extract of a large kabupaten (200,000 members) as CSV is ~16 MB: this route alone, for
# the secretariat alone, may take more than TAGAR_MAX_UPLOAD_MB.
BNBA_MAX_BYTES = 32 * 1024 * 1024


def _in_memory(total_content_length, content_type, filename=None, content_length=None):
    return io.BytesIO()


@bp.url_value_preprocessor
def _uploads_stay_in_memory(endpoint, values):
    """werkzeug spools an upload above 500 KB to a temporary file: a NIK list would touch the
    disk. Keep this blueprint's uploads in memory (bounded by the request size limit). A URL
    value preprocessor runs before every before_request, CSRF's included, which parses the
    body first."""
    if request.method != "POST":
        return
    request._get_file_stream = _in_memory
    if (endpoint == "coverage.bnba_import" and current_user.is_authenticated
            and current_user.role == "secretariat"):
        request.max_content_length = max(current_app.config.get("MAX_CONTENT_LENGTH") or 0,
                                         BNBA_MAX_BYTES)

"""The public portal at /terbuka/ (issue 29): verified figures, open data, a read-only API.
No login; every address answers 404 while the portal is switched off."""
from flask import Blueprint

bp = Blueprint("public", __name__)

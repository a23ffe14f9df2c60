"""Set-up of a kabupaten (issue 15): OPDs, areas and users from files, the year rollover,
account hygiene. Admin only; mounted under /admin/penyiapan (app/features.py)."""
from flask import Blueprint

bp = Blueprint("setup", __name__)

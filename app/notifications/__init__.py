"""The notification list (`/notifikasi/`) and `flask notify deadlines`."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

"""Verval (issue 28): desa operators verify and validate the extreme-poor households of their own
desa in campaigns the secretariat opens; approved results change coverage. No NIK or name is
ever stored: a NIK typed to find a household is hashed in memory with the instance key."""
from flask import Blueprint

bp = Blueprint("verval", __name__)

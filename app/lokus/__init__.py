from flask import Blueprint

bp = Blueprint("lokus", __name__)

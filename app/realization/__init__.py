from flask import Blueprint

bp = Blueprint("realization", __name__)

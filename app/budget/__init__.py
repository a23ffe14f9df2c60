from flask import Blueprint

bp = Blueprint("budget", __name__)

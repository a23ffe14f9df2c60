"""'Lupa kata sandi': request a reset link by e-mail, and set a new password through it."""
from flask import Blueprint

bp = Blueprint("recovery", __name__)

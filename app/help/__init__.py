"""Help pages: a guide per role and the glossary that the "?" next to a term links to."""
from flask import Blueprint

bp = Blueprint("help", __name__)

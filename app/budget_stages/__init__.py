"""APBD murni versus perubahan: the comparison page (and its XLSX), the date the perubahan
takes effect, and the dashboard section (reports/queries/budget_stages.py holds the rule and the
SQL)."""
from flask import Blueprint

bp = Blueprint("budget_stages", __name__)

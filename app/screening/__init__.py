"""Screening the APBD (issue 26): which sub kegiatan serve extreme poverty, under which strategy
and kelompok -- suggested with reasons, decided by people.

reference.py (shipped data), text.py + model.py (the classifier), store.py (trained once, kept,
retrained by the `suggest.train` job), evidence.py + suggest.py (own decisions > own tags >
province > reference > model), service.py (lists), decisions.py, province.py (signed consensus),
views.py / api.py / cli.py (the web, the API, `flask suggest`). Blueprint package: it defines
only `bp`; app/features.py imports the route modules.
"""
from flask import Blueprint

bp = Blueprint("screening", __name__)

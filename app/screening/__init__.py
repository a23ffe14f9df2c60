"""Screening the APBD (issue 26): which sub kegiatan serve extreme poverty, under which strategy
and kelompok -- suggested with reasons, decided by people.

Services only (reference data, the model, decisions, the province consensus); the pages live in
app/screening_views/ so that importing the services never imports a view.
"""

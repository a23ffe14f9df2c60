"""Jinja filters in the id_ID style and the navigation by role."""
from datetime import datetime

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, request, url_for
from flask_login import current_user

from app.core import clock
from app.core.clock import WIB
from app.core.money import format_number, format_percent, format_rupiah, money_input
from app.cycle.compliance import days_left, days_overdue
from app.form_errors import form_errors

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# (endpoint, label, roles). An entry appears only once its blueprint is registered.
NAV = [
    ("main.home", "Beranda", ("opd", "secretariat", "viewer", "admin")),
    ("budget.index", "Sub Kegiatan", ("opd", "secretariat")),
    ("realization.index", "Realisasi", ("opd", "secretariat")),
    ("review.queue", "Verifikasi", ("secretariat",)),
    ("review.compliance", "Kepatuhan", ("secretariat", "viewer")),
    ("screening.index", "Penyaringan", ("secretariat",)),  # issue 26
    ("dashboard.index", "Dasbor", ("opd", "secretariat", "viewer", "admin")),
    ("lokus.index", "Lokus Desa", ("secretariat", "viewer")),
    ("coverage.index", "Cakupan RT", ("opd", "secretariat", "viewer")),  # issue 16
    ("verval.home", "Verval Desa", ("secretariat", "desa")),  # issue 28
    ("convergence.interventions_list", "Sumber Lain", ("secretariat", "viewer")),
    ("convergence.themes_index", "Tema", ("secretariat", "viewer", "admin")),
    ("reports.index", "Laporan", ("opd", "secretariat", "viewer")),
    ("admin.users", "Pengguna", ("admin",)),
    ("admin.opds", "OPD", ("admin",)),
    ("admin.years", "Tahun Anggaran", ("admin",)),
    ("admin.settings", "Pengaturan", ("admin",)),
    ("admin.public_portal", "Portal Publik", ("admin",)),  # issue 29
    ("federation.export", "Kirim ke Provinsi", ("secretariat",)),  # issue 18, kabupaten mode
    ("federation.dashboard", "Dasbor Provinsi", ("provinsi", "viewer", "admin")),  # province
    ("federation.compliance", "Kepatuhan Kab/Kota", ("provinsi", "viewer", "admin")),
    ("federation.upload", "Unggah Bundel", ("provinsi",)),
    ("federation.report", "Laporan Gubernur", ("provinsi", "viewer", "admin")),
    ("federation.members", "Kab/Kota", ("provinsi", "admin")),
    ("federation.refused", "Ditolak", ("provinsi", "viewer", "admin")),  # issue 30
    ("setup.index", "Penyiapan", ("admin",)),
    ("help.index", "Bantuan", ("opd", "secretariat", "viewer", "admin")),
]


# Issue 30: a province's menu shows only province work, and these pages every pemda has.
PROVINCE_SHARED = {"admin.users", "admin.settings", "help.index"}


def in_mode(endpoint: str) -> bool:
    """Federation pages belong to one mode (TAGAR_MODE): the export to a kabupaten, the rest to
    a province; in a province the kabupaten's own pages leave the menu too."""
    province = current_app.config.get("TAGAR_MODE") == "province"
    if not endpoint.startswith("federation."):
        return not province or endpoint in PROVINCE_SHARED
    return province != (endpoint == "federation.export")


def nav_items():
    if not current_user.is_authenticated:
        return []
    items = []
    own = {e for e, _, _ in NAV}
    first_of_blueprint: dict[str, str] = {}
    for endpoint, _, _ in NAV:
        first_of_blueprint.setdefault(endpoint.split(".")[0], endpoint)
    for endpoint, label, roles in NAV:
        if current_user.role in roles and endpoint in current_app.view_functions \
                and in_mode(endpoint):  # issue 18: province pages only in province mode
            # A page that is itself in the menu lights up its entry; any other page lights up
            # the first entry of its blueprint.
            if request.endpoint in own:
                active = request.endpoint == endpoint
            else:
                active = first_of_blueprint.get(request.blueprint or "") == endpoint
            items.append({"url": url_for(endpoint), "label": label, "active": active})
    return items


def unread_notifications() -> int:
    """The bell's count: called by the template, so only pages with the nav pay the query."""
    if not current_user.is_authenticated or "notifications.index" not in current_app.view_functions:
        return 0
    from app.cycle.notifications import unread_count

    return unread_count(current_user.id)


def date_id(value, fmt: str = "long") -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = (value + WIB).date()
    return format_date(value, fmt, locale="id_ID")


def datetime_id(value: datetime | None) -> str:
    """Stored UTC, shown in WIB: `17 Agu 2025 14.05 WIB`."""
    if value is None:
        return "-"
    return format_datetime(value + WIB, "d MMM y HH.mm", locale="id_ID") + " WIB"


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        rupiah=format_rupiah,
        number=format_number,
        percent=format_percent,
        money_input=money_input,
        date_id=date_id,
        datetime_id=datetime_id,
        roman=lambda n: ROMAN.get(n, str(n)),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject():
        return {"nav_items": nav_items, "app_name": "Tagar", "today": clock.today,
                "printed_at": lambda: datetime_id(clock.now()),
                "days_overdue": days_overdue, "days_left": days_left,
                "unread_notifications": unread_notifications}
    app.jinja_env.globals["form_errors"] = form_errors  # issue 23: summary of a refused form

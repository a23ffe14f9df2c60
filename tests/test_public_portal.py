"""The portal's switch and pages: off until the administrator opens it (admin page or
`flask public on|off`), the year's APBD total gives the tagged share, the portal's pages never
show the application's signed-in navigation, and figures are computed once per data version."""
from decimal import Decimal

import pytest

from app.public import portal, publish
from models import AuditLog, PublicApbdTotal, db
from reports.queries import public as public_queries
from tests import public_data


@pytest.fixture
def world(make):
    return public_data.build(make)


def test_portal_is_off_until_switched_on(client, make):
    make.fiscal_year(2026)
    assert client.get("/terbuka/").status_code == 404
    assert client.get("/terbuka/api/tahun").status_code == 404
    portal.switch(True)
    assert client.get("/terbuka/").status_code == 200


def test_admin_switches_the_portal_on_and_off_from_the_admin_page(client, make, login):
    login(make.user("admin"))
    page = client.get("/admin/portal-publik")
    assert page.status_code == 200
    assert 'href="/admin/portal-publik"' in client.get("/admin/pengguna").get_data(as_text=True)
    resp = client.post("/admin/portal-publik", data={"enabled": "y", "license_id": "CC-BY-4.0"})
    assert resp.status_code == 302
    assert portal.is_open()
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.entity == "public_portal"))
    client.post("/admin/portal-publik", data={"license_id": "CC0-1.0"})
    assert not portal.is_open() and portal.portal().license_id == "CC0-1.0"


def test_only_the_admin_reaches_the_portal_settings(client, make, login):
    login(make.user("secretariat"))
    assert client.get("/admin/portal-publik").status_code == 403
    assert client.post("/admin/portal-publik", data={"enabled": "y",
                                                     "license_id": "CC-BY-4.0"}).status_code == 403
    assert not portal.is_open()


def test_admin_enters_the_years_apbd_total_and_the_share_follows(client, make, login, world):
    fy = world["fy"]
    login(make.user("admin"))
    resp = client.post(f"/admin/portal-publik/apbd/{fy.id}", data={
        f"y{fy.id}-belanja_murni": "1.000.000.000", f"y{fy.id}-belanja_perubahan": ""})
    assert resp.status_code == 302
    row = db.session.scalar(db.select(PublicApbdTotal).where(
        PublicApbdTotal.fiscal_year_id == fy.id))
    assert row.belanja_murni == Decimal("1000000000") and row.belanja_perubahan is None
    head = client.get("/terbuka/api/2026").json["ringkasan"]
    # tagged 33.500.000,75 of 1.000.000.000 -> 3,35 %
    assert head["ditandai"] == "33500000.75"
    assert head["porsi_apbd_murni_persen"] == "3.35"
    assert "3,35 %" in client.get("/terbuka/2026/").get_data(as_text=True)


def test_a_bad_apbd_total_is_refused_with_a_message(client, make, login, world):
    fy = world["fy"]
    login(make.user("admin"))
    client.post(f"/admin/portal-publik/apbd/{fy.id}",
                data={f"y{fy.id}-belanja_murni": "sejuta"}, follow_redirects=False)
    row = db.session.scalar(db.select(PublicApbdTotal).where(
        PublicApbdTotal.fiscal_year_id == fy.id))
    assert row.belanja_murni == Decimal("1500000000000")


def test_flask_public_on_and_off(app, make):
    runner = app.test_cli_runner()
    assert "dibuka" in runner.invoke(args=["public", "on"]).output
    assert portal.is_open()
    assert "ditutup" in runner.invoke(args=["public", "off"]).output
    assert not portal.is_open()


def test_portal_pages_never_show_the_signed_in_navigation(client, make, login, world):
    login(world["secretariat"])
    text = client.get("/terbuka/").get_data(as_text=True)
    assert "Keluar" not in text and "Siti Rahasiawati" not in text
    assert 'href="/verifikasi' not in text and "Token API" not in text


def test_the_page_explains_its_words_and_keeps_a_place_for_the_desa_map(client, world):
    text = client.get("/terbuka/").get_data(as_text=True)
    assert 'id="peta"' in text and 'id="tabel-village"' in text
    about = client.get("/terbuka/tentang").get_data(as_text=True)
    for word in ("Ditandai", "Kumulatif", "Terverifikasi"):
        assert word in about
    assert "<caption" in text and 'scope="col"' in text and 'lang="id"' in text


def test_figures_are_computed_once_per_data_version(client, world, monkeypatch):
    calls = []
    real = public_queries.year_figures
    monkeypatch.setattr(publish, "year_figures", lambda *a: calls.append(a) or real(*a))
    for _ in range(3):
        client.get("/terbuka/2026/?triwulan=2")
    assert len(calls) == 1
    world["sub_b2"].status = "verified"  # a verification bumps the data version
    db.session.flush()
    client.get("/terbuka/2026/?triwulan=2")
    assert len(calls) == 2


def test_quarter_defaults_to_the_latest_verified_and_bad_values_fall_back(client, world):
    assert "s.d. akhir triwulan 2" in client.get("/terbuka/").get_data(as_text=True)
    assert client.get("/terbuka/2026/?triwulan=9").status_code == 200
    assert client.get("/terbuka/1999/").status_code == 404


def test_an_apbd_total_form_without_its_fields_is_refused_not_a_500(client, make, login):
    fy = make.fiscal_year(2026)
    login(make.user("admin"))
    resp = client.post(f"/admin/portal-publik/apbd/{fy.id}", data={})
    assert resp.status_code == 302
    assert db.session.scalar(db.select(PublicApbdTotal)) is None


def test_pages_are_served_from_the_cache_until_the_data_changes(client, world, monkeypatch):
    from app.public import views

    renders = []
    real = views.render_template
    monkeypatch.setattr(views, "render_template", lambda *a, **k: renders.append(a) or real(
        *a, **k))
    first = client.get("/terbuka/2026/?triwulan=2")
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["ETag"]
    again = client.get("/terbuka/2026/?triwulan=2", headers={"If-None-Match": first.headers[
        "ETag"]})
    assert again.status_code == 304 and len(renders) == 1
    world["sub_b2"].status = "verified"
    db.session.flush()
    assert b"7.777.777" in client.get("/terbuka/2026/?triwulan=2").data
    assert len(renders) == 2


def test_the_admin_forms_work_with_csrf_on(app, client, make, login, monkeypatch):
    import re

    fy = make.fiscal_year(2026)
    login(make.user("admin"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/admin/portal-publik").get_data(as_text=True)
    tokens = dict(re.findall(r'name="([\w-]*csrf_token)"[^>]*value="([^"]+)"', page))
    resp = client.post("/admin/portal-publik", data={
        "csrf_token": tokens["csrf_token"], "enabled": "y", "license_id": "CC-BY-4.0"})
    assert resp.status_code == 302 and portal.is_open()
    prefix = f"y{fy.id}-"
    resp = client.post(f"/admin/portal-publik/apbd/{fy.id}", data={
        prefix + "csrf_token": tokens[prefix + "csrf_token"],  # what the year's form sends
        prefix + "belanja_murni": "2.000.000.000"})
    assert resp.status_code == 302
    assert db.session.scalar(db.select(PublicApbdTotal)).belanja_murni == Decimal("2000000000")


def test_a_worker_trusts_its_read_of_the_portal_state_for_the_configured_seconds(
        app, client, make, monkeypatch):
    make.fiscal_year(2026)
    portal.switch(True)
    monkeypatch.setitem(app.config, "PUBLIC_STATE_SECONDS", 30.0)
    app.extensions.pop("public_state", None)
    try:
        assert client.get("/terbuka/tentang").status_code == 200
        portal.switch(False)
        assert client.get("/terbuka/tentang").status_code == 200  # within the 30 s
        app.extensions.pop("public_state")  # the time is up
        assert client.get("/terbuka/tentang").status_code == 404
    finally:
        app.extensions.pop("public_state", None)

"""Roles and the per-object guard, tried by URL rather than through menus."""
import pytest

from models import AuditLog, User, db


def _static_get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in (
                "static", "auth.login", "health.healthz", "health.readyz",
                "recovery.request_reset", "recovery.reset",  # issue 15: "Lupa kata sandi"
        ) and not rule.rule.startswith(("/api/", "/terbuka/")):  # issue 29: public portal
            yield rule.rule


def test_every_page_demands_login(app, client):
    routes = list(_static_get_routes(app))
    assert "/" in routes and "/admin/pengguna" in routes
    for path in routes:
        resp = client.get(path)
        assert resp.status_code in (302, 401), path
        if resp.status_code == 302:
            assert "/login" in resp.headers["Location"], path


@pytest.mark.parametrize("path", ["/admin/pengguna", "/admin/opd", "/admin/tahun",
                                  "/admin/pengaturan", "/admin/pengguna/baru"])
@pytest.mark.parametrize("role", ["opd", "secretariat", "viewer"])
def test_admin_pages_refuse_other_roles(client, make, login, role, path):
    login(make.user(role))
    assert client.get(path).status_code == 403


def test_admin_reaches_admin_pages(client, make, login):
    login(make.user("admin"))
    for path in ("/admin/pengguna", "/admin/opd", "/admin/tahun", "/admin/pengaturan"):
        assert client.get(path).status_code == 200, path


def test_opd_user_sees_own_opd_only(client, make, login):
    make.fiscal_year(2026)
    mine, other = make.opd(), make.opd()
    make.sub_activity(opd_obj=other, name="Rahasia OPD lain")
    login(make.user("opd", opd_obj=mine))
    assert client.get(f"/opd/{mine.id}").status_code == 200
    resp = client.get(f"/opd/{other.id}")
    assert resp.status_code == 403
    assert "Rahasia OPD lain" not in resp.get_data(as_text=True)
    assert client.get("/opd/999999").status_code == 404


@pytest.mark.parametrize("role", ["secretariat", "viewer", "admin"])
def test_other_roles_see_any_opd(client, make, login, role):
    o = make.opd()
    login(make.user(role))
    assert client.get(f"/opd/{o.id}").status_code == 200


def test_guard_rules(make):
    from app.security import can_access_opd

    a, b = make.opd(), make.opd()
    opd_user = make.user("opd", opd_obj=a)
    assert can_access_opd(opd_user, a.id, write=True)
    assert not can_access_opd(opd_user, b.id)
    assert not can_access_opd(opd_user, b.id, write=True)
    assert can_access_opd(make.user("secretariat"), b.id, write=True)
    assert can_access_opd(make.user("viewer"), b.id)
    assert not can_access_opd(make.user("viewer"), b.id, write=True)
    assert not can_access_opd(make.user("admin"), b.id, write=True)


def test_home_shows_role_specific_content(client, make, login):
    make.fiscal_year(2026)
    o = make.opd(name="Dinas Sosial Uji")
    make.sub_activity(opd_obj=o, fy=make.fiscal_year(2026), name="Bantuan Sosial Fakir Miskin")
    login(make.user("opd", opd_obj=o))
    page = client.get("/").get_data(as_text=True)
    assert "Dinas Sosial Uji" in page and "Bantuan Sosial Fakir Miskin" in page
    login(make.user("secretariat"))
    page = client.get("/").get_data(as_text=True)
    assert "Status laporan OPD" in page and "Dinas Sosial Uji" in page
    login(make.user("viewer"))
    page = client.get("/").get_data(as_text=True)
    assert "Anggaran ditandai" in page and "Status laporan OPD" not in page


def test_navigation_follows_role(client, make, login):
    login(make.user("viewer"))
    page = client.get("/").get_data(as_text=True)
    assert "/admin/pengguna" not in page
    login(make.user("admin"))
    assert "/admin/pengguna" in client.get("/").get_data(as_text=True)


def test_admin_creates_user_with_audit(client, make, login):
    admin = login(make.user("admin"))
    o = make.opd()
    resp = client.post("/admin/pengguna/baru", data={
        "username": "operator.baru", "full_name": "Operator Baru", "role": "opd",
        "opd_id": o.id, "active": "y", "password": "sandi-awal-123"})
    assert resp.status_code == 302
    u = db.session.query(User).filter_by(username="operator.baru").one()
    assert u.opd_id == o.id
    entry = db.session.query(AuditLog).filter_by(entity="user", entity_id=u.id).one()
    assert entry.action == "create" and entry.user_id == admin.id
    assert "password_hash" not in (entry.new_values or {})


def test_admin_opd_user_needs_an_opd(client, make, login):
    login(make.user("admin"))
    resp = client.post("/admin/pengguna/baru", data={
        "username": "tanpa.opd", "full_name": "X", "role": "opd", "opd_id": 0,
        "password": "sandi-awal-123"})
    assert resp.status_code == 200
    assert "harus terhubung ke satu OPD" in resp.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="tanpa.opd").count() == 0


def test_admin_edits_opd_and_refuses_duplicate_code(client, make, login):
    login(make.user("admin"))
    a, b = make.opd(), make.opd()
    resp = client.post(f"/admin/opd/{a.id}", data={"code": b.code, "name": a.name})
    assert "Sudah dipakai OPD lain" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/opd/{a.id}", data={"code": a.code, "name": "Dinas Baru",
                                                   "is_active": "y"})
    assert resp.status_code == 302
    assert a.name == "Dinas Baru"


def test_admin_creates_fiscal_year_with_quarters(client, make, login):
    login(make.user("admin"))
    resp = client.post("/admin/tahun", data={"year": "2031"})
    assert resp.status_code == 302
    from models import FiscalYear

    fy = db.session.query(FiscalYear).filter_by(year=2031).one()
    assert [q.number for q in fy.quarters] == [1, 2, 3, 4]
    assert str(fy.quarters[0].deadline) == "2031-04-15"
    resp = client.post("/admin/tahun", data={"year": "2031"})
    assert "sudah ada" in resp.get_data(as_text=True)


def test_opd_home_totals_use_the_allocation_in_force(client, make, login):
    from decimal import Decimal

    fy = make.fiscal_year(2026)
    o = make.opd()
    make.sub_activity(opd_obj=o, fy=fy, allocation="1000000")
    revised = make.sub_activity(opd_obj=o, fy=fy, allocation="2000000")
    revised.allocation_revised = Decimal("2500000")
    make.tag(revised, amount="700000")
    login(make.user("opd", opd_obj=o))
    page = client.get("/").get_data(as_text=True)
    assert "Rp 3.500.000" in page  # 1.000.000 + 2.500.000 (perubahan)
    assert "Rp 700.000" in page

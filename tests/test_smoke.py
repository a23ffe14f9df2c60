def test_login_page_renders(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    assert "Masuk ke Tagar" in resp.get_data(as_text=True)


def test_home_per_role(make, login, client):
    fy = make.fiscal_year(2026)
    for role in ("opd", "secretariat", "viewer", "admin"):
        u = make.user(role)
        login(u)
        resp = client.get("/")
        assert resp.status_code == 200, role
        assert str(fy.year) in resp.get_data(as_text=True)

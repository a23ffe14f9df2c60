from .conftest import log_in, log_out


def test_each_role_logs_in_and_sees_its_home(page):
    for username, heading in [("dinsos", "Dinas Sosial"), ("sekretariat", "Sekretariat TKPKD"),
                              ("pimpinan", "Ringkasan penanganan"),
                              ("admin", "Ringkasan penanganan")]:
        log_in(page, username)
        assert heading in page.inner_text("h1")
        log_out(page)


def test_wrong_password_is_refused_in_the_browser(page):
    page.goto(page.base + "/login")
    page.fill("#username", "dinkes")
    page.fill("#password", "bukan-sandinya")
    page.click("button[type=submit]")
    assert "kata sandi salah" in page.inner_text("[role=alert]")

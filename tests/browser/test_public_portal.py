"""The public portal in Chromium: the demo's admin opens it from the admin page; then, signed
out, its pages pass axe (no serious or critical violation), fit a 375 px phone without sideways
scrolling, and print without the portal's navigation."""
import pytest

from .conftest import log_in

PAGES = ("/terbuka/", "/terbuka/2026/?triwulan=3", "/terbuka/tentang", "/terbuka/data/",
         "/terbuka/data/2026/")
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def portal_open(page, live_app):
    """The demo flow: admin → Portal Publik → tick → Simpan; closed again afterwards."""
    log_in(page, "admin")
    page.click("nav.mainnav >> text=Portal Publik")
    page.check("#enabled")
    page.click("button:has-text('Simpan') >> nth=0")
    page.wait_for_selector("text=Portal publik dibuka.")
    yield
    page.goto(page.base + "/admin/portal-publik")
    page.uncheck("#enabled")
    page.click("button:has-text('Simpan') >> nth=0")
    page.wait_for_selector("text=Portal publik ditutup.")


def test_public_pages_pass_axe_fit_a_phone_and_print(browser, live_app, portal_open):
    from axe_playwright_python.sync_playwright import Axe

    base = live_app.config["LIVE_URL"]
    axe = Axe()
    for width in (375, 1366):
        context = browser.new_context(viewport={"width": width, "height": 800},
                                      locale="id-ID", bypass_csp=True)
        pg = context.new_page()
        try:
            for path in PAGES:
                resp = pg.goto(base + path)
                assert resp.status == 200, path
                scroll, inner = pg.evaluate(MEASURE)
                assert scroll <= inner, (width, path, scroll, inner)
                if width == 375:
                    result = axe.run(pg)
                    bad = [(v["id"], v["impact"], len(v["nodes"]))
                           for v in result.response["violations"]
                           if v["impact"] in ("serious", "critical")]
                    assert not bad, (path, bad)
            pg.goto(base + "/terbuka/")
            assert pg.locator("nav.mainnav").count() == 0
            pg.emulate_media(media="print")
            assert not pg.locator(".pub-top nav").is_visible()
            assert pg.locator("#tabel-village").is_visible()
        finally:
            context.close()


def test_closed_portal_is_404_in_the_browser(browser, live_app):
    context = browser.new_context()
    try:
        resp = context.new_page().goto(live_app.config["LIVE_URL"] + "/terbuka/")
        assert resp.status == 404
    finally:
        context.close()

"""The maps in Chromium (issue 27), on the demo's fictional boundaries: no axe violation inside
the map, no CSP violation on the pages that show one, a desa's link opens its drill-down, and
the map prints within A4 landscape."""
from axe_playwright_python.sync_playwright import Axe

from .conftest import log_in, log_out
from .test_csp import _problems, _watch
from .test_layout import MEASURE

MAP_PAGES = {"/dasbor/?triwulan=3": "peta-dasbor", "/lokus/?triwulan=3": "peta-lokus"}


def test_maps_pass_axe_and_the_csp(page, live_app):
    messages = _watch(page)
    log_in(page, "sekretariat")
    axe = Axe()
    for path, map_id in MAP_PAGES.items():
        page.goto(page.base + path)
        assert page.locator(f"#{map_id} path[data-kode]").count() == 119  # every demo desa
        result = axe.run(page, context=f"#{map_id}")
        assert result.violations_count == 0, (path, result.generate_report())
    page.goto(page.base + "/admin/peta/")
    assert "Batas wilayah untuk peta" in page.content()
    log_out(page)
    log_in(page, "pimpinan")  # the leader's home
    assert page.locator("#peta-beranda path[data-kode]").count() == 119
    assert axe.run(page, context="#peta-beranda").violations_count == 0
    assert not _problems(messages), "\n".join(_problems(messages))


def test_a_desa_link_opens_its_drill_down(page, live_app):
    log_in(page, "pimpinan")
    page.goto(page.base + "/dasbor/?triwulan=3")
    link = page.locator("#peta-dasbor svg a").first
    code = link.locator("path").get_attribute("data-kode")
    assert code
    link.click()
    page.wait_for_url("**kecamatan=*")
    assert "kecamatan=" in page.url
    assert page.locator(f'#peta-dasbor path[data-kode="{code}"]').count() == 1


def test_the_map_prints_within_a4_landscape(page, live_app):
    log_in(page, "sekretariat")
    page.goto(page.base + "/lokus/?triwulan=3")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1031, "height": 700})  # 273 mm at 96 px per inch
    assert page.locator("#peta-lokus svg.map-svg").is_visible()
    assert not page.locator("#peta-lokus details").is_visible()
    scroll, inner = page.evaluate(MEASURE)
    assert scroll <= inner, (scroll, inner)
    assert page.pdf(prefer_css_page_size=True)[:4] == b"%PDF"

"""The leader's one screen (issue 23): at 1366 x 768, without scrolling, the viewer's home
answers how much (tagged, realized, the verified share, each labelled), where (kecamatan
ranking), who (late and waiting OPDs by name with days, each a link) and the trend; at 375 px
the same sections stand one below the other with nothing wider than the phone.
`TAGAR_WRITE_LEADER_SHOTS=1` also writes docs/leader-home-after-{1366,375}.png."""
import os
from pathlib import Path

import pytest

from .conftest import log_in

DOCS = Path(__file__).resolve().parents[2] / "docs"
BOXES = "() => [...document.querySelectorAll('.leader-box')].map(b => { " \
        "const r = b.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"


@pytest.mark.parametrize("user", ["pimpinan", "sekretariat"])
def test_home_answers_how_much_where_who_and_trend_on_one_laptop_screen(browser, live_app,
                                                                         user):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    page.base = live_app.config["LIVE_URL"]
    try:
        log_in(page, user)
        boxes = page.evaluate(BOXES)
        assert len(boxes) == 3
        assert all(bottom <= 768 and right <= 1366 for _, _, right, bottom in boxes), boxes
        assert len({round(top) for _, top, _, _ in boxes}) == 1  # side by side
        how = page.locator(".leader-box").nth(0).inner_text()
        for label in ("Anggaran ditandai", "semua laporan", "Sudah diverifikasi", "dari realisasi",
                      "Tren realisasi kumulatif", "Triwulan I"):
            assert label in how, label
        where = page.locator(".leader-box").nth(1)
        assert where.locator("ol.rank li a").count() >= 5
        assert "kecamatan=" in where.locator("ol.rank li a").first.get_attribute("href")
        who = page.locator(".leader-box").nth(2)
        late = who.locator("ul.who-list").nth(0).locator("li")
        waiting = who.locator("ul.who-list").nth(1).locator("li")
        assert late.count() >= 1 and waiting.count() >= 1
        for item in (late.first, waiting.first):
            assert item.locator("a").get_attribute("href").startswith(("/verifikasi/", "/opd/"))
            assert " hari" in item.inner_text()
        # Each name is a link that opens (the viewer may read the reports).
        page.click(".leader-box:nth-child(3) ul.who-list li a >> nth=0")
        page.wait_for_load_state()
        assert page.locator("main h1").count() == 1
        if user == "pimpinan" and os.environ.get("TAGAR_WRITE_LEADER_SHOTS"):
            page.goto(page.base + "/")
            page.screenshot(path=str(DOCS / "leader-home-after-1366.png"))
    finally:
        context.close()


def test_home_stacks_the_same_sections_on_a_phone(browser, live_app):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="id-ID")
    page = context.new_page()
    page.base = live_app.config["LIVE_URL"]
    try:
        log_in(page, "pimpinan")
        boxes = page.evaluate(BOXES)
        assert len(boxes) == 3
        assert len({round(left) for left, _, _, _ in boxes}) == 1  # one column
        assert all(right <= 375 for _, _, right, _ in boxes)
        assert boxes[0][3] <= boxes[1][1] <= boxes[2][1]  # how much, then where, then who
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        assert scroll <= inner
        if os.environ.get("TAGAR_WRITE_LEADER_SHOTS"):
            page.screenshot(path=str(DOCS / "leader-home-after-375.png"), full_page=True)
    finally:
        context.close()

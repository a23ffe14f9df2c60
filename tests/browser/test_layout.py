"""No page is wider than the window: every main page, as each demo role, at a laptop's 1366 px
and a phone's 375 px, measured in Chromium (`scrollWidth` of the document against
`innerWidth`). Wide tables scroll inside their own box. Printing uses A4 landscape and shows the
applied filters."""
import pytest
from sqlalchemy import select

from models import Submission, db

from .conftest import log_in, log_out
from .test_csp import COMMON, _detail_pages, _objects

EXTRA = ["/bantuan", "/notifikasi/", "/verifikasi/?triwulan=3", "/realisasi/?triwulan=3",
         "/dasbor/?triwulan=3"]
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.parametrize("width", [1366, 375])
def test_no_page_is_wider_than_the_window(browser, live_app, width):
    ids = _objects(live_app)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_app.config["LIVE_URL"]
    wide, seen = [], 0
    try:
        for username in ("dinsos", "sekretariat", "pimpinan", "admin"):
            log_in(page, username)
            for path in COMMON + EXTRA + _detail_pages(ids):
                response = page.goto(page.base + path)
                if response.status >= 400:
                    continue  # a page the role may not open has nothing to measure
                scroll, inner = page.evaluate(MEASURE)
                seen += 1
                if scroll > inner:
                    wide.append(f"{username} {path}: {scroll} px > {inner} px")
            log_out(page)
    finally:
        context.close()
    print(f"layout {width} px: {seen} page views, {len(wide)} too wide")
    assert seen > 40
    assert not wide, "\n".join(wide)


RIGHT_EDGE = "s => { const e = document.querySelector(s); return e.getBoundingClientRect().right; }"


def test_review_comment_column_and_phone_amount_field_are_on_screen(browser, live_app):
    """The reviewer's comment box at 1366 px and the officer's amount field at 375 px."""
    with live_app.app_context():
        sub_id = db.session.scalar(select(Submission.id).where(
            Submission.status == "submitted").order_by(Submission.id))
        db.session.remove()
    for width, user, path, selector in [
            (1366, "sekretariat", f"/verifikasi/{sub_id}", "textarea[name^='c-']"),
            # dinkes's TW III is an open draft: the editable sheet, with its upload fields.
            (375, "dinkes", "/realisasi/?triwulan=3", "input[name$='-amount']")]:
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.base = live_app.config["LIVE_URL"]
        try:
            log_in(page, user)
            page.goto(page.base + path)
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.evaluate(RIGHT_EDGE, selector) <= width, (width, path)
            scroll, inner = page.evaluate(MEASURE)
            assert scroll <= inner, (width, path, scroll)
        finally:
            context.close()


def test_print_is_a4_landscape_and_names_the_filters(page, live_app):
    log_in(page, "sekretariat")
    page.goto(page.base + "/dasbor/?triwulan=3&strategi=1")
    page.emulate_media(media="print")
    filters = page.locator(".print-filters")
    assert filters.is_visible()
    text = filters.inner_text()
    assert "Triwulan III" in text and "Strategi" in text
    assert not page.locator(".topbar").is_visible()
    # No table wider than the printable width of A4 landscape (297 mm - 2 x 12 mm = 273 mm).
    page.set_viewport_size({"width": 1031, "height": 700})  # 273 mm at 96 px per inch
    scroll, inner = page.evaluate(MEASURE)
    assert scroll <= inner, (scroll, inner)
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf[:4] == b"%PDF"

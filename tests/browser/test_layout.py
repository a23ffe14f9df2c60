"""No page is wider than the window: every page of the access matrix for each role at a phone's
375 px, measured in Chromium (`scrollWidth` of the document against `innerWidth`), each page's
main heading on the first screen (the laptop's 1366 px: the walk of test_accessibility.py).
Wide tables scroll inside their own box or become cards. Printing uses A4 landscape and shows
the applied filters."""
from sqlalchemy import select

from models import Submission, db

from .conftest import log_in, log_out
from .matrix_pages import DEMO_USERS, visits

EXTRA = ["/bantuan", "/notifikasi/", "/verifikasi/?triwulan=3", "/realisasi/?triwulan=3",
         "/dasbor/?triwulan=3"]
MEASURE = "() => [document.documentElement.scrollWidth, window.innerWidth]"


HEADING = """() => { const h = document.querySelector("main h1");
  return h ? h.getBoundingClientRect().bottom : null; }"""


def _pages(live_app):
    """Every page of every role of the access matrix (tests/browser/matrix_pages.py), plus a
    few filtered views."""
    out = []
    for username in DEMO_USERS.values():
        out += [(v.username, v.path) for v in visits(live_app) if v.username == username]
        out += [(username, p) for p in EXTRA]
    return out


def test_no_page_is_wider_than_a_phone(browser, live_app):
    """At 375 x 812 no page is wider than the window and each page's main heading is on the
    first screen (1366 px is measured by the walk of tests/browser/test_accessibility.py)."""
    width, height = 375, 812
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_app.config["LIVE_URL"]
    wide, low, seen, current = [], [], 0, None
    try:
        for username, path in _pages(live_app):
            if username != current:
                if current:
                    log_out(page)
                log_in(page, username)
                current = username
            response = page.goto(page.base + path)
            if response.status >= 400 or "html" not in response.headers.get("content-type", ""):
                continue  # a page the role may not open has nothing to measure
            scroll, inner = page.evaluate(MEASURE)
            seen += 1
            if scroll > inner:
                wide.append(f"{username} {path}: {scroll} px > {inner} px")
            bottom = page.evaluate(HEADING)
            if bottom is None or bottom > height:
                low.append(f"{username} {path}: main heading ends at {bottom} px")
    finally:
        context.close()
    print(f"layout {width} px: {seen} page views, {len(wide)} too wide, "
          f"{len(low)} with the heading below the first screen")
    assert seen > 40
    assert not wide, "\n".join(wide)
    assert not low, "\n".join(low)


def test_phone_shows_figures_first_and_deciding_columns(browser, live_app):
    """At 375 px: the menu is one button (and opens), the dashboard's first figures come
    before its folded filters, and the review queue shows status, lateness and action."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="id-ID")
    page = context.new_page()
    page.base = live_app.config["LIVE_URL"]
    try:
        log_in(page, "sekretariat")
        assert not page.locator("nav.mainnav").is_visible()
        page.click(".nav-toggle")
        assert page.locator("nav.mainnav a", has_text="Dasbor").is_visible()
        page.goto(page.base + "/dasbor/")
        cards_top = page.evaluate("() => document.querySelector('section.cards')"
                                  ".getBoundingClientRect().top")
        assert cards_top < 812
        assert page.locator("details.filter-fold").evaluate("d => !d.open")
        assert not page.locator("#f-strategi").is_visible()
        page.goto(page.base + "/verifikasi/?triwulan=3")
        row = page.locator("table.stack tbody tr").first
        for label in ("Status", "Ketepatan", "Tindakan"):
            cell = row.locator(f"td[data-label='{label}']")
            box = cell.bounding_box()
            assert cell.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375, label
        scroll, inner = page.evaluate(MEASURE)
        assert scroll <= inner
    finally:
        context.close()


def test_phone_menu_is_open_without_script(browser, live_app):
    context = browser.new_context(viewport={"width": 375, "height": 812},
                                  java_script_enabled=False)
    page = context.new_page()
    page.base = live_app.config["LIVE_URL"]
    try:
        page.goto(page.base + "/login")
        page.fill("#username", "pimpinan")
        page.fill("#password", "demo-tagar-2026")
        page.click("button[type=submit]")
        page.wait_for_url(page.base + "/")
        assert page.locator("nav.mainnav a", has_text="Dasbor").is_visible()
        assert not page.locator(".nav-toggle").is_visible()
    finally:
        context.close()


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

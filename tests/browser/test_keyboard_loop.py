"""The OPD officer's quarter with the keyboard only (WCAG 2.1.1): log in, open the sheet, fill
the empty rows, enter a figure above the tagged amount, explain the anomaly, save and submit,
pressing nothing but Tab, Enter and typed keys. No click, no fill(), no goto after the login
page: if a control cannot be reached or used from the keyboard, the test cannot finish."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Opd, Quarter, Realization, Submission, Tag, db

from .conftest import serve_demo

MAX_TABS = 600


@pytest.fixture(scope="module")
def live_app():
    """A demo of its own: this test submits Dinkes' report."""
    yield from serve_demo()


def tab_to(page, selector: str, *, backwards=False) -> None:
    """Press Tab until the focused element matches `selector` (as a keyboard user would)."""
    for _ in range(MAX_TABS):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focus_ring(page) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def test_officer_fills_explains_and_submits_with_the_keyboard_only(page, live_app):
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))  # Enter on the dialog
    page.goto(page.base + "/login")
    tab_to(page, "#username")
    page.keyboard.type("dinkes")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-tagar-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(page.base + "/")

    tab_to(page, "nav.mainnav a[href^='/realisasi/']")
    assert focus_ring(page) != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url("**/realisasi/**")
    if page.locator("form[action$='/salin']").count():  # fill the empty rows first
        tab_to(page, "form[action$='/salin'] button")
        with page.expect_navigation():  # wait for the answer, not the page already shown
            page.keyboard.press("Enter")

    group = page.locator("details.sa-group").first
    tag_id = int(group.locator("article.tag-card").first.get_attribute("id")[4:])
    with live_app.app_context():
        tagged = db.session.get(Tag, tag_id).amount
        db.session.remove()
    above = f"{int(tagged * 2):d}"
    if not group.evaluate("d => d.open"):
        tab_to(page, f"#{group.get_attribute('id')} > summary")
        page.keyboard.press("Enter")
    tab_to(page, f"#r-{tag_id}-amount")
    page.keyboard.press("Control+A")
    page.keyboard.type(above)
    tab_to(page, f"#r-{tag_id}-explanation")
    page.keyboard.type("Termin II dan III dibayar bersama; pagu perubahan belum dicatat.")
    tab_to(page, f"#r-{tag_id}-amount", backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field saves the whole sheet
    assert "Realisasi disimpan" in page.locator(".flash").first.inner_text()

    tab_to(page, "form[action$='/ajukan'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert any("Ajukan laporan" in m for m in asked)
    assert "diajukan ke Sekretariat TKPKD" in page.locator(".flash").first.inner_text()
    with live_app.app_context():
        opd_id = db.session.scalar(select(Opd.id).where(Opd.short_name == "Dinkes"))
        sub = db.session.scalar(select(Submission).join(Quarter).where(
            Submission.opd_id == opd_id, Submission.status == "submitted"))
        assert sub is not None
        saved = db.session.scalar(select(Realization).where(
            Realization.tag_id == tag_id, Realization.quarter_id == sub.quarter_id))
        assert saved.amount == Decimal(above) and saved.anomalies
        assert saved.explanation.startswith("Termin II dan III")
        db.session.remove()

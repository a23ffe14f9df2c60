"""The quarterly loop as its people live it, in Chromium: a refused save opens the sheet at the
marked row; the secretariat's note is on the sheet; an OPD that never opened its sheet is late
on the compliance board; a return reaches the officer as a notification."""
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.accounts import create_user
from models import Opd, SubActivity, Submission, Tag, User, db

from .conftest import DEMO_NOW, log_in, log_out, serve_demo

PASSWORD = "demo-tagar-2026"


@pytest.fixture(scope="module")
def live_app():
    """A demo of its own: these tests add an OPD, a user and a return."""
    yield from serve_demo()


def _in_view(page, selector) -> bool:
    return page.eval_on_selector(selector, """e => { const r = e.getBoundingClientRect();
        return r.top >= -1 && r.top < window.innerHeight; }""")


def test_error_on_the_last_row_is_listed_on_top_and_the_page_opens_there(page, live_app):
    log_in(page, "dinkes")
    page.goto(page.base + "/realisasi/?triwulan=3")
    last = page.locator("article.tag-card").last
    tag_id = last.get_attribute("id").removeprefix("tag-")
    page.evaluate("id => document.getElementById(id).closest('details').open = true",
                  f"tag-{tag_id}")
    page.fill(f"#r-{tag_id}-amount", "12abc")
    page.click("button:has-text('Simpan semua realisasi')")
    banner = page.locator("#baris-ditandai")
    assert "perlu diperiksa" in banner.inner_text()
    link = banner.locator(f"a[href='#tag-{tag_id}']")
    assert link.count() == 1
    # The page opened at the marked row, the cursor in its marked field (once its deferred
    # scripts have run: the banner is in the document before they do).
    page.wait_for_load_state()
    expect(page.locator(f"#r-{tag_id}-amount")).to_be_focused()
    assert page.evaluate("() => document.activeElement.id") == f"r-{tag_id}-amount"
    assert _in_view(page, f"#tag-{tag_id}")
    # Back at the top, the banner's link brings the row into view again.
    page.evaluate("() => window.scrollTo(0, 0)")
    assert not _in_view(page, f"#tag-{tag_id}")
    link.click()
    page.wait_for_timeout(200)
    assert _in_view(page, f"#tag-{tag_id}")


def test_return_note_is_on_the_sheet(page, live_app):
    with live_app.app_context():
        dinkes = db.session.scalar(select(User).where(User.username == "dinkes"))
        sub = db.session.scalar(select(Submission).where(
            Submission.opd_id == dinkes.opd_id, Submission.status == "returned"))
        number = sub.quarter.number
        note = next(c.body for c in reversed(sub.comments) if c.tag_id is None)
        db.session.remove()
    log_in(page, "dinkes")
    page.goto(page.base + f"/realisasi/?triwulan={number}")
    box = page.locator("#catatan-sekretariat")
    assert box.is_visible()
    assert note[:40] in " ".join(box.inner_text().split())


def test_never_submitted_opd_is_late_on_the_compliance_board(page, live_app):
    with live_app.app_context():
        db.session.add(Opd(code="9.99.0.00.0.00.99.0000", name="Badan Tanpa Laporan",
                           short_name="BTL"))
        db.session.commit()
        db.session.remove()
    days = (date.fromisoformat(DEMO_NOW[:10]) - date(2026, 10, 15)).days
    log_in(page, "sekretariat")
    page.goto(page.base + "/verifikasi/kepatuhan")
    row = page.locator("tr", has_text="Badan Tanpa Laporan")
    assert f"Terlambat {days} hari" in row.inner_text()  # TW III, never opened
    page.goto(page.base + "/")
    assert "Badan Tanpa Laporan" in page.inner_text("body")


def test_a_return_reaches_the_officer_as_a_notification(page, live_app):
    with live_app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.status == "submitted")
                                .order_by(Submission.id))
        opd = sub.opd
        create_user("petugas_uji", PASSWORD + "x", "opd", opd=opd, full_name="Petugas Uji")
        tag_id = db.session.scalar(select(Tag.id).join(SubActivity).where(
            SubActivity.opd_id == opd.id).order_by(Tag.id))
        sub_id, opd_name = sub.id, opd.name
        db.session.commit()
        db.session.remove()
    asked = []
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    log_in(page, "sekretariat")
    page.goto(page.base + f"/verifikasi/{sub_id}")
    page.fill("#general", "Lampirkan SP2D untuk realisasi keuangan.")
    page.fill(f"textarea[name='c-{tag_id}']", "Angka fisik belum sesuai foto.")
    page.click("button:has-text('Kembalikan ke OPD')")
    expect(page.locator("body")).to_contain_text("dikembalikan", ignore_case=True)
    assert asked and asked[0].startswith("Kembalikan laporan")
    log_out(page)
    log_in(page, "petugas_uji", PASSWORD + "x")
    bell = page.locator("a.notif-bell .notif-count")
    assert int(bell.inner_text()) >= 2  # returned + per-tag comment
    page.click("a.notif-bell")
    expect(page.locator("main")).to_contain_text("Lampirkan SP2D untuk realisasi keuangan.")
    assert page.locator("a.notif-bell .notif-count").count() == 0  # read on open
    page.locator("a", has_text="Lampirkan SP2D").first.click()
    expect(page.locator("#catatan-sekretariat")).to_contain_text("Lampirkan SP2D")
    expect(page.locator(f"#tag-{tag_id}")).to_contain_text("Angka fisik belum sesuai foto.")
    expect(page.locator("body")).to_contain_text(opd_name)

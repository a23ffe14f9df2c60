"""Nothing typed is ever lost (issue 23), in a real Chromium: a refused decision on the review
page, an evidence request sent from it, an evidence upload on the realization sheet, and leaving
a page with changes not yet saved."""
import pytest
from sqlalchemy import select

from models import Realization, Submission, db

from .conftest import log_in, serve_demo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FOCUSED_IN_VIEW = """s => { const e = document.querySelector(s);
  const r = e.getBoundingClientRect();
  return [document.activeElement === e, r.top >= 0 && r.bottom <= innerHeight]; }"""


@pytest.fixture(scope="module")
def live_app():
    """A demo of its own: these tests send evidence requests and upload files."""
    yield from serve_demo()


def _submitted(app) -> int:
    with app.app_context():
        sub_id = db.session.scalar(select(Submission.id).where(
            Submission.status == "submitted").order_by(Submission.id))
        db.session.remove()
    return sub_id


def _comment_boxes(page, n):
    boxes = page.locator("textarea[name^='c-']")
    assert boxes.count() >= n
    return [boxes.nth(i) for i in range(n)]


def test_refused_return_shows_every_typed_comment_under_a_focused_summary(page, live_app):
    log_in(page, "sekretariat")
    sub_id = _submitted(live_app)
    page.goto(page.base + f"/verifikasi/{sub_id}")
    page.on("dialog", lambda d: d.accept())  # "Kembalikan ... ?" and nothing else
    typed = {}
    for i, box in enumerate(_comment_boxes(page, 3)):
        typed[box.get_attribute("name")] = f"Komentar baris {i + 1}: cek SP2D."
        box.fill(typed[box.get_attribute("name")])
    page.click("button:has-text('Kembalikan ke OPD')")  # "Catatan umum" left empty
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    focused, in_view = page.evaluate(FOCUSED_IN_VIEW, ".error-summary")
    assert focused and in_view
    link = page.locator(".error-summary a")
    assert link.get_attribute("href") == "#general" and "Catatan umum" in link.inner_text()
    for name, text in typed.items():
        assert page.locator(f"textarea[name='{name}']").input_value() == text
    link.click()  # the summary's link takes the cursor to the field
    assert page.evaluate("() => document.activeElement.id") == "general"
    with live_app.app_context():
        assert db.session.get(Submission, sub_id).status == "submitted"
        db.session.remove()


def test_evidence_request_keeps_the_comments_typed_on_other_rows(page, live_app):
    log_in(page, "sekretariat")
    sub_id = _submitted(live_app)
    page.goto(page.base + f"/verifikasi/{sub_id}")
    first, second = _comment_boxes(page, 2)
    first.fill("Angka fisik tidak sesuai laporan.")
    second.fill("Sasaran belum diisi per desa.")
    page.locator("textarea#general").fill("Catatan umum yang belum dikirim.")
    ask = page.locator("details.evidence-ask").first
    ask.locator("summary").click()
    ask.locator("textarea").fill("Lampirkan SP2D bulan September.")
    ask.locator("button:has-text('Kirim permintaan')").click()
    page.wait_for_load_state()
    assert "Permintaan bukti dukung dikirim" in page.locator(".flash").first.inner_text()
    assert page.locator(".badge", has_text="Bukti diminta").count() >= 1
    assert first.input_value() == "Angka fisik tidak sesuai laporan."
    assert second.input_value() == "Sasaran belum diisi per desa."
    assert page.locator("textarea#general").input_value() == "Catatan umum yang belum dikirim."
    # What is typed is still not sent: leaving the page now asks first.
    assert page.locator("form#keputusan[data-unsaved]").count() == 1


def test_upload_on_the_sheet_keeps_the_typed_explanation_unsaved(page, live_app, tmp_path):
    log_in(page, "dinkes")
    page.goto(page.base + "/realisasi/?triwulan=3")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    card = page.locator("article.tag-card", has=page.locator(".evidence-upload")).first
    tag_id = int(card.get_attribute("id").removeprefix("tag-"))
    explanation = card.locator(f"textarea[name='r-{tag_id}-explanation']")
    explanation.fill("Realisasi melonjak karena pembayaran dua termin sekaligus.")
    pdf = tmp_path / "sp2d-uji.pdf"
    pdf.write_bytes(PDF)
    card.locator("input[type=file]").set_input_files(str(pdf))
    card.locator("button:has-text('Unggah')").click()
    page.wait_for_load_state()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    card = page.locator(f"#tag-{tag_id}")
    assert "sp2d-uji.pdf" in card.locator(".evidence").inner_text()
    assert card.locator(f"textarea[name='r-{tag_id}-explanation']").input_value() == \
        "Realisasi melonjak karena pembayaran dua termin sekaligus."
    assert page.locator("form#lembar[data-unsaved]").count() == 1
    with live_app.app_context():  # shown again, not saved: an upload is not a save
        stored = db.session.scalar(select(Realization.explanation).join(Realization.quarter)
                                   .where(Realization.tag_id == tag_id))
        db.session.remove()
    assert stored != "Realisasi melonjak karena pembayaran dua termin sekaligus."


def test_leaving_the_sheet_with_unsaved_changes_asks_first(page, live_app):
    log_in(page, "dinkes")
    url = page.base + "/realisasi/?triwulan=3"
    page.goto(url)
    asked = []
    answer = {"accept": False}

    def on_dialog(dialog):
        asked.append(dialog.type)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.click("nav.filters a[href*='triwulan=2']")  # nothing typed: no question
    page.wait_for_url("**triwulan=2**")
    assert asked == []
    page.goto(url)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    page.locator("input[name$='-amount']:not([readonly])").first.fill("1.234.567")
    page.click("nav.filters a[href*='triwulan=2']")  # a quarter tab
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"] and page.url == url
    page.click("nav.mainnav a:has-text('Beranda')")  # any link
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"] * 2 and page.url == url
    answer["accept"] = True
    page.reload()  # a reload asks too; accepted, the page reloads without the typed figure
    assert asked == ["beforeunload"] * 3
    assert page.locator("form#lembar[data-unsaved]").count() == 0

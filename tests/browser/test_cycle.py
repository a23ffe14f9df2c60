"""The whole quarterly cycle in a real Chromium, as its users click through it.

The OPD officer is `dinkes`: the demo's lagging OPD (nothing verified yet), whose budget is
therefore still open for a new tag; `dinsos` has verified quarters, which lock its tagging.
Expected figures are read from the server's database and compared with what the pages print.
After a click that submits a form, texts are awaited with `expect`: the click returns once the
next document is committed, when its body may still be empty (CI saw `'' == inner_text('body')`).
"""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.money import format_rupiah
from models import Opd, Quarter, Realization, SubActivity, Tag, db

from .conftest import log_in, log_out, serve_demo

ACTIVITY = "Bantuan pangan uji peramban"
TAGGED = Decimal("12345678")
FIRST, FIXED = "5.111.111", "6.252.525"
COMMENT = "Realisasi bantuan pangan belum sesuai SP2D; mohon diperbaiki."


@pytest.fixture(scope="module")
def live_app():
    """A demo of its own: the cycle changes Dinkes' reports, which other browser tests read."""
    yield from serve_demo()


def _dinkes_figures(app) -> tuple[int, Decimal, Decimal]:
    """(OPD id, tagged total, TW III realization to date) of Dinkes, straight from the DB."""
    with app.app_context():
        opd_id = db.session.scalar(select(Opd.id).where(Opd.short_name == "Dinkes"))
        tagged = db.session.scalar(select(func.coalesce(func.sum(Tag.amount), 0))
                                   .join(SubActivity).where(SubActivity.opd_id == opd_id))
        realized = db.session.scalar(
            select(func.coalesce(func.sum(Realization.amount), 0))
            .join(Tag).join(SubActivity).join(Quarter, Quarter.id == Realization.quarter_id)
            .where(SubActivity.opd_id == opd_id, Quarter.number == 3))
        db.session.remove()
    return opd_id, Decimal(str(tagged)), Decimal(str(realized))


def _cards(page, opd_id) -> tuple[str, str]:
    """The dashboard's 'tagged' and 'realized' cards for one OPD, verified data only."""
    page.goto(f"{page.base}/dasbor/?opd={opd_id}&triwulan=3&terverifikasi=1")
    cards = page.locator("section.cards .card strong")
    return cards.nth(0).inner_text(), cards.nth(1).inner_text()


def _sheet_row(page):
    page.goto(page.base + "/realisasi/?triwulan=3")
    row = page.locator("article.tag-card", has_text=ACTIVITY).first
    return row.get_attribute("id").removeprefix("tag-")


def test_opd_submits_secretariat_returns_opd_fixes_secretariat_verifies(page, live_app):
    opd_id, tagged_before, _ = _dinkes_figures(live_app)
    asked = []  # submit, return, resubmit and verify each ask first (data-confirm)
    page.on("dialog", lambda d: (asked.append(d.message), d.accept()))

    log_in(page, "sekretariat")
    cards_before = _cards(page, opd_id)
    assert cards_before[0] == format_rupiah(tagged_before)
    log_out(page)

    # 1. The OPD officer tags a sub-activity, with two lokus desa.
    log_in(page, "dinkes")
    page.goto(page.base + "/sub-kegiatan/")
    page.locator("table.data tbody a").first.click()
    page.click("text=Tambah tagging")
    page.select_option("#strategy_id", index=1)
    page.select_option("#tag_kind_id", index=1)
    page.fill("#amount", "12.345.678")
    page.fill("#description", ACTIVITY)
    page.fill("#target_count", "40")
    page.fill("#target_unit", "KK")
    page.check("#only-lokus")
    boxes = page.locator(".lokus-list label:not([hidden]) input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.locator("#lokus-rows tr[data-village]").count() == 2
    page.click("button:has-text('Simpan')")
    expect(page.locator("body")).to_contain_text("Tagging disimpan")
    expect(page.locator("body")).to_contain_text(ACTIVITY)

    # 2. ... enters the realization of the open quarter and submits the report.
    tag_id = _sheet_row(page)
    page.fill(f"#r-{tag_id}-amount", FIRST)
    page.fill(f"#r-{tag_id}-progress", "40")
    page.fill(f"#r-{tag_id}-reached", "12")
    page.click("button:has-text('Simpan semua realisasi')")
    expect(page.locator("body")).to_contain_text("Realisasi disimpan")
    page.click("button:has-text('Ajukan laporan')")
    expect(page.locator("body")).to_contain_text("diajukan")
    assert page.locator(f"#r-{tag_id}-amount").get_attribute("readonly") is not None
    log_out(page)

    # 3. The secretariat returns it with a comment.
    log_in(page, "sekretariat")
    page.goto(page.base + "/verifikasi/?triwulan=3")
    page.locator("tr", has_text="Dinas Kesehatan").locator("a:has-text('Periksa')").click()
    expect(page.locator("body")).to_contain_text(ACTIVITY)
    page.fill("#general", COMMENT)
    page.click("button:has-text('Kembalikan ke OPD')")
    expect(page.locator("body")).to_contain_text("Dikembalikan")
    log_out(page)

    # 4. The OPD sees the comment, fixes the figure and submits again.
    log_in(page, "dinkes")
    expect(page.locator("body")).to_contain_text(COMMENT)
    page.goto(page.base + "/realisasi/?triwulan=3")
    # the note is on the sheet too
    expect(page.locator("#catatan-sekretariat")).to_contain_text(COMMENT)
    page.fill(f"#r-{tag_id}-amount", FIXED)
    page.click("button:has-text('Simpan semua realisasi')")
    expect(page.locator("body")).to_contain_text("Realisasi disimpan")
    page.click("button:has-text('Ajukan ulang')")
    expect(page.locator("body")).to_contain_text("diajukan")
    log_out(page)

    # 5. The secretariat verifies; the dashboard and the PDF carry the new figures.
    log_in(page, "sekretariat")
    page.goto(page.base + "/verifikasi/?triwulan=3")
    page.locator("tr", has_text="Dinas Kesehatan").locator("a:has-text('Periksa')").click()
    page.click("button:has-text('Verifikasi')")
    expect(page.locator("body")).to_contain_text("Terverifikasi")
    assert [m.split()[0] for m in asked] == ["Ajukan", "Kembalikan", "Ajukan", "Verifikasi"]

    _, tagged_after, realized_after = _dinkes_figures(live_app)
    assert tagged_after == tagged_before + TAGGED
    tagged_card, realized_card = _cards(page, opd_id)
    assert tagged_card == format_rupiah(tagged_after) != cards_before[0]
    assert realized_card == format_rupiah(realized_after) != cards_before[1]

    page.goto(page.base + "/laporan/")
    page.select_option("#variant", "quarterly")
    page.select_option("#quarter", "3")
    page.select_option("#fmt", "pdf")
    with page.expect_download() as info:
        page.click("button[type=submit]:has-text('Unduh')")
    with open(info.value.path(), "rb") as fh:
        text = " ".join(p.extract_text() for p in PdfReader(fh).pages)
    assert ACTIVITY in " ".join(text.split()).replace("- ", "")  # matrix cells hyphenate
    assert _amount(FIXED).search(text) and not _amount(FIRST).search(text)


def _amount(text: str):
    """The amount standing alone, not inside a longer number (5.111.111 in 65.111.111,00)."""
    return re.compile(r"(?<![\d.,])" + re.escape(text) + r"(?![\d]|[.,]\d)")

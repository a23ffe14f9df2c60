"""The tag form in a real browser: the lokus picker (kecamatan filter, search, multi-select,
per-desa inputs) and a save through CSRF that is refused and keeps what was chosen and typed;
and, where a verified quarter locks the budget (dinsos), a form that says so when it opens."""
from .conftest import log_in


def test_lokus_picker_and_refused_save_keeps_the_choice(page):
    """dinkes's budget is open (nothing verified): the picker works, and a refused save (per-desa
    amounts above the tag) comes back with the desa and figures as they were typed."""
    log_in(page, "dinkes")
    page.goto(page.base + "/sub-kegiatan/")
    page.click("table.data tbody tr:first-child td:nth-child(2) a")
    sa_url = page.url
    page.click("text=Tambah tagging")
    # The enhanced picker replaced the plain multi-select (once the script has run).
    page.wait_for_selector(".lokus-picker")
    assert page.is_hidden("#village_ids")
    page.select_option("#strategy_id", index=1)
    page.select_option("#tag_kind_id", index=1)
    page.fill("#amount", "1.000.000")
    page.fill("#description", "Uji peramban: bantuan lokus")
    district = page.locator(".lokus-picker select")
    district.select_option(index=1)
    visible = page.locator(".lokus-list label:visible")
    first_name = visible.first.inner_text().strip()
    visible.first.locator("input").check()
    search = page.locator(".lokus-picker input[type=search]")
    search.fill(first_name.replace(" (lokus)", "")[:6])
    assert page.locator(".lokus-list label:visible").count() >= 1
    search.fill("")
    district.select_option(index=2)
    page.locator(".lokus-list label:visible").first.locator("input").check()
    assert "2 desa dipilih" in page.inner_text(".lokus-picker")
    rows = page.locator("#lokus-rows tbody tr[data-village]")
    assert rows.count() == 2
    rows.first.locator("input[name^=v_amount_]").fill("4.000.000")  # above the tag's amount
    rows.first.locator("input[name^=v_target_]").fill("12")
    page.click("button:has-text('Simpan')")
    page.wait_for_load_state()
    assert "melebihi" in page.inner_text("#lokus")
    assert page.locator("#lokus-rows tbody tr[data-village]").count() == 2
    assert page.input_value("#lokus-rows input[name^=v_amount_] >> nth=0") == "4.000.000"
    assert "2 desa dipilih" in page.inner_text(".lokus-picker")
    assert page.input_value("#amount") == "1.000.000"
    page.goto(sa_url)
    assert "Uji peramban" not in page.inner_text("main")


def test_locked_budget_opens_the_tag_form_read_only_with_the_reason(page):
    """dinsos has verified quarters: the form says so before anything is typed."""
    log_in(page, "dinsos")
    page.goto(page.base + "/sub-kegiatan/")
    page.click("table.data tbody tr:first-child td:nth-child(2) a")
    page.click("text=Tambah tagging")
    assert "sudah diverifikasi" in page.inner_text(".lock-reason")
    assert page.get_attribute("#amount", "readonly") is not None
    assert page.locator("button:has-text('Simpan')").count() == 0

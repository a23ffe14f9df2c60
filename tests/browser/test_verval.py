"""Verval on a phone (issue 28), in a real Chromium at 375 px: a desa operator records its
households by NIK and by list row, a request dropped on the way is retried (and one that keeps
failing is marked "gagal, coba lagi" until it goes through), submits; the secretariat approves,
and coverage's trend "setelah verval" drops by the households that left.

The demo's desa are larger than a handful: a campaign is opened on the smallest desa outside
the demo's own campaign, with an operator, and all but five of its households are recorded
beforehand through the service; the browser records those five."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.clock import today
from app.coverage import keys
from app.verval import campaigns
from models import (
    Household,
    HouseholdMember,
    User,
    VervalCampaign,
    VervalRecord,
    VervalVillage,
    db,
)
from reports.queries import coverage

from .conftest import serve_demo

PASSWORD = "demo-tagar-2026"


@pytest.fixture(scope="module")
def live_app():
    yield from serve_demo()


@pytest.fixture(scope="module")
def small_desa(live_app):
    """(campaign-desa id, a member NIK of one of its households, its household id)."""
    with live_app.app_context():
        snap = campaigns.current_snapshot()
        taken = select(VervalVillage.village_id)
        vid, _ = db.session.execute(
            select(Household.village_id, func.count()).where(
                Household.snapshot_id == snap.id, Household.desil == 1,
                Household.village_id.not_in(taken))
            .group_by(Household.village_id).having(func.count() >= 5)
            .order_by(func.count(), Household.village_id).limit(1)).one()
        from app.accounts.accounts import create_user

        create_user("desa.uji", PASSWORD, "desa", village_id=vid, full_name="Operator Uji")
        sec = db.session.scalar(select(User).where(User.username == "sekretariat"))
        c = campaigns.open_campaign("Verval peramban", today() + timedelta(days=7), [vid], sec)
        cv = db.session.scalar(select(VervalVillage).where(VervalVillage.campaign_id == c.id))
        # The demo's NIKs are 3299 + a serial (app/demo/households.py): find one of this desa.
        wanted = dict(db.session.execute(
            select(HouseholdMember.hash, HouseholdMember.household_id)
            .join(VervalRecord, VervalRecord.household_id == HouseholdMember.household_id)
            .where(VervalRecord.campaign_village_id == cv.id)).all())
        hasher = keys.hasher()
        nik = next(f"3299{s:012d}" for s in range(1, 200_000)
                   if hasher(keys.MEMBER, f"3299{s:012d}") in wanted)
        household = wanted[hasher(keys.MEMBER, nik)]
        operator = db.session.scalar(select(User).where(User.username == "desa.uji"))
        left = {household}
        for rec in db.session.scalars(select(VervalRecord).where(
                VervalRecord.campaign_village_id == cv.id).order_by(VervalRecord.row_no)):
            if len(left) < 5 and rec.household_id not in left:
                left.add(rec.household_id)
            elif rec.household_id not in left:
                rec.status = "masih"
                rec.recorded_by_id = operator.id
        db.session.commit()
        result = (cv.id, nik, household)
        db.session.remove()
    return result


def _after_verval(app) -> tuple[int, int]:
    with app.app_context():
        point = coverage.trend()[-1]
        db.session.remove()
    return point.desil1, point.after_verval


def _login(pg, username):
    pg.goto(pg.base + "/login")
    pg.fill("#username", username)
    pg.fill("#password", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_load_state()


def test_operator_records_on_a_phone_submits_and_secretariat_approves(browser, live_app,
                                                                      small_desa):
    cv_id, nik, household_id = small_desa
    desil1, after_before = _after_verval(live_app)
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="id-ID",
                                  is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    pg.base = live_app.config["LIVE_URL"]
    try:
        _login(pg, "desa.uji")
        assert pg.url.endswith("/verval/")  # the home of a desa operator is its verval
        pg.goto(f"{pg.base}/verval/desa/{cv_id}?belum=1")  # the five not yet recorded
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the sheet is {width} px wide on a 375 px phone"

        # 1. By NIK: typed, hashed by the server, the field emptied afterwards.
        nik_form = pg.locator("form[data-clear=nik]")
        nik_form.locator("input[name=nik]").fill(nik)
        nik_form.locator("select[name=status]").select_option("pindah")
        nik_form.locator("button").click()
        state = nik_form.locator(".vv-state")
        pg.wait_for_function("el => el.dataset.state === 'ok'", arg=state.element_handle())
        found_row = int(re.search(r"baris (\d+)", state.inner_text()).group(1))
        assert nik_form.locator("input[name=nik]").input_value() == ""

        # 2. A dropped request: the first try is aborted, the script retries, "tersimpan".
        tries = []

        def drop_first(route):
            tries.append(route.request.url)
            if len(tries) == 1:
                route.abort("connectionreset")
            else:
                route.continue_()

        pg.route("**/catat", drop_first)
        ids = pg.locator("li.vv-item").evaluate_all("els => els.map(e => e.id)")
        assert f"r{found_row}" in ids and len(ids) == 5
        rows = [pg.locator(f"li#{i}") for i in ids if i != f"r{found_row}"]
        first = rows[0].locator("form")
        first.locator("select[name=status]").select_option("masih")
        first.locator("button").click()
        pg.wait_for_function("el => el.dataset.state === 'ok'",
                             arg=first.locator(".vv-state").element_handle())
        assert len(tries) == 2
        pg.unroute("**/catat")

        # 3. A connection that stays down: clearly marked, then saved on the next try.
        pg.route("**/catat", lambda route: route.abort("internetdisconnected"))
        second = rows[1].locator("form")
        second.locator("select[name=status]").select_option("tidak_miskin")
        second.locator("input[name=note]").fill("Sudah bekerja tetap")
        second.locator("button").click()
        out = second.locator(".vv-state")
        pg.wait_for_function("el => el.dataset.state === 'error'", arg=out.element_handle())
        assert out.inner_text() == "gagal, coba lagi"
        pg.unroute("**/catat")
        second.locator("button").click()
        pg.wait_for_function("el => el.dataset.state === 'ok'", arg=out.element_handle())

        # 4. The rest by row, from the keyboard: focus the status, choose, Enter saves.
        for row in rows[2:]:
            form = row.locator("form")
            select_ = form.locator("select[name=status]")
            select_.focus()
            select_.select_option("masih")
            form.locator("input[name=note]").press("Enter")
            pg.wait_for_function("el => el.dataset.state === 'ok'",
                                 arg=form.locator(".vv-state").element_handle())
        total = pg.locator("#vv-progress").get_attribute("data-total")
        assert pg.locator("#vv-recorded").inner_text() == total

        pg.on("dialog", lambda d: d.accept())
        pg.click("#vv-submit")
        pg.wait_for_load_state()
        assert "diajukan" in pg.locator(".flash").first.inner_text()

        # 5. The secretariat approves; coverage's trend drops by the two that left.
        pg.goto(pg.base + "/login")  # a fresh session for the reviewer
        context.clear_cookies()
        _login(pg, "sekretariat")
        pg.goto(f"{pg.base}/verval/desa/{cv_id}")
        pg.click("#vv-approve")
        pg.wait_for_load_state()
        assert "disetujui" in pg.locator(".flash").first.inner_text()
    finally:
        context.close()
    assert _after_verval(live_app) == (desil1, after_before - 2)
    with live_app.app_context():
        c = db.session.scalar(select(VervalCampaign).where(
            VervalCampaign.name == "Verval peramban"))
        exit_snapshot = db.session.get(Household, household_id).verval_exit_snapshot_id
        assert exit_snapshot == c.snapshot_id  # "pindah": out of coverage for that snapshot
        db.session.remove()

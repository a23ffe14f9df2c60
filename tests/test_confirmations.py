"""Acts that cannot be taken back ask first (data-confirm, handled by static tagar.js); a locked
form opens read-only with the reason; a conflict panel names what the user chose."""
import re
from pathlib import Path

from sqlalchemy import select

from app.accounts.api_tokens import create_token
from models import FiscalYear, Opd, db


def _forms(page: str) -> list[str]:
    return re.findall(r"<form\b[^>]*>", page)


def test_submit_and_copy_ask_for_confirmation(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=2").get_data(as_text=True)
    submit = next(f for f in _forms(page) if "/ajukan" in f)
    assert 'data-confirm="Ajukan laporan Triwulan II' in submit
    copy = next(f for f in _forms(page) if "/salin" in f)
    assert "data-confirm=" in copy


def test_verify_return_and_reopen_ask_for_confirmation(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 1)
    make.realization(tag, q, "100", "10", 1)
    sub = make.submission(opd, q, "submitted")
    login(make.user("secretariat"))
    page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
    buttons = re.findall(r"<button\b[^>]*>", page)
    verify = next(b for b in buttons if f"/verifikasi/{sub.id}/verifikasi" in b)
    assert 'data-confirm="Verifikasi laporan' in verify
    ret = next(b for b in buttons if "/kembalikan" in b)
    assert 'data-confirm="Kembalikan laporan' in ret
    sub.status = "verified"
    db.session.flush()
    page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
    reopen = next(f for f in _forms(page) if "/buka-kembali" in f)
    assert 'data-confirm="Buka kembali' in reopen


def test_tagar_js_asks_for_a_buttons_own_question():
    js = (Path(__file__).parent.parent / "app/static/tagar.js").read_text(encoding="utf-8")
    assert "event.submitter" in js and 'getAttribute("data-confirm")' in js


def test_locked_tag_form_opens_read_only_with_the_reason(client, make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy)
    dist = make.district()
    v = make.village(dist, fy, priority=True)
    tag = make.tag(sa, amount="1000000")
    make.tag_village(tag, v, amount="500000")
    make.submission(opd, make.quarter(fy, 1), "verified")
    login(make.user("opd", opd_obj=opd))
    page = client.get(f"/sub-kegiatan/tag/{tag.id}/ubah").get_data(as_text=True)
    assert "Nilai terkunci." in page and "Laporan triwulan I OPD ini sudah diverifikasi" in page
    amount = re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)
    assert "readonly" in amount
    per_desa = re.search(rf'<input[^>]*name="v_amount_{v.id}"[^>]*>', page).group(0)
    assert "readonly" in per_desa
    assert 'id="village_ids"' not in page  # no picker: the lokus is kept as it is
    assert f'name="village_ids" value="{v.id}"' in page
    # Saving the unchanged amounts with a clearer description still works.
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data={
        "strategy_id": str(tag.strategy_id), "tag_kind_id": str(tag.tag_kind_id),
        "amount": "1.000.000", "description": "Uraian diperjelas", "target_count": "100",
        "target_unit": "KK", "village_ids": [str(v.id)], f"v_amount_{v.id}": "500.000",
        "version": str(tag.version)})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]


def test_unlocked_tag_form_is_editable(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    page = client.get(f"/sub-kegiatan/tag/{tag.id}/ubah").get_data(as_text=True)
    assert "Nilai terkunci." not in page
    assert "readonly" not in re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)


def test_conflict_panel_names_strategy_and_kind_not_ids(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    seen = tag.version
    tag.description = "Disimpan rekan"
    db.session.flush()
    login(make.user("opd", opd_obj=opd))
    s3, kind = make.strategy(3), make.tag_kind("penunjang")
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data={
        "strategy_id": str(s3.id), "tag_kind_id": str(kind.id), "amount": "900.000",
        "description": "Versi saya", "target_count": "100", "target_unit": "KK",
        "version": str(seen)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    panel = page[page.index("Isian Anda yang tidak disimpan"):]
    panel = panel[:panel.index("</section>")]
    assert s3.name in panel and kind.name in panel
    assert f"<td>{s3.id}</td>" not in panel and f"<td>{kind.id}</td>" not in panel


def test_closed_quarter_sheet_opens_read_only_with_the_reason(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 1)
    q.is_open = False
    login(make.user("opd", opd_obj=opd))
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=1").get_data(as_text=True)
    assert "sudah ditutup" in page
    amount = re.search(rf'<input[^>]*name="r-{tag.id}-amount"[^>]*>', page).group(0)
    assert "readonly" in amount


# --- Issue 23: consequential actions ask first, also without JavaScript ----------------------
# GET shows the consequence (how many objects), POST with confirm=1 does it, a POST without it
# is refused (400, nothing done). Edit forms re-show what was typed beside the confirming button.

def test_closing_a_quarter_shows_the_consequence_and_needs_confirmation(client, make, login):
    fy = make.fiscal_year(2026)
    q = make.quarter(fy, 2)
    opds = [make.opd() for _ in range(3)]
    make.submission(opds[0], q, "verified")
    login(make.user("admin"))
    years = client.get("/admin/tahun").get_data(as_text=True)
    assert f'href="/admin/triwulan/{q.id}?action=toggle"' in years  # a link: works without JS
    page = client.get(f"/admin/triwulan/{q.id}?action=toggle")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Konfirmasi: tutup Triwulan II 2026" in text
    n = sum(1 for o in db.session.scalars(select(Opd).where(Opd.is_active)))
    assert f"{n} OPD aktif tidak dapat lagi mengisi" in text
    assert f"{n - 1} dari {n} OPD belum mengajukan" in text
    refused = client.post(f"/admin/triwulan/{q.id}", data={"action": "toggle"})
    assert refused.status_code == 400 and "memerlukan konfirmasi" in refused.get_data(True)
    db.session.refresh(q)
    assert q.is_open
    done = client.post(f"/admin/triwulan/{q.id}", data={"action": "toggle", "confirm": "1"})
    assert done.status_code == 302
    db.session.refresh(q)
    assert not q.is_open


def test_making_a_year_current_needs_confirmation(client, make, login):
    old, new = make.fiscal_year(2026), make.fiscal_year(2027)
    old.is_current = True
    login(make.user("admin"))
    text = client.get(f"/admin/tahun/{new.id}/aktif").get_data(as_text=True)
    assert "menggantikan 2026" in text and "Ya, jadikan 2027 tahun berjalan" in text
    assert client.post(f"/admin/tahun/{new.id}/aktif").status_code == 400
    db.session.refresh(new)
    assert not new.is_current
    client.post(f"/admin/tahun/{new.id}/aktif", data={"confirm": "1"})
    db.session.refresh(new)
    db.session.refresh(old)
    assert new.is_current and not old.is_current


def test_revoking_a_token_needs_confirmation(client, make, login):
    user = make.user("viewer")
    token, _ = create_token(user, "skrip laporan")
    login(user)
    page = client.get("/akun/token").get_data(as_text=True)
    assert f'href="/akun/token/{token.id}/cabut"' in page
    text = client.get(f"/akun/token/{token.id}/cabut").get_data(as_text=True)
    assert "1 token, tidak dapat dipakai lagi" in text and "skrip laporan" in text
    assert client.post(f"/akun/token/{token.id}/cabut").status_code == 400
    db.session.refresh(token)
    assert token.revoked_at is None
    client.post(f"/akun/token/{token.id}/cabut", data={"confirm": "1"})
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_deactivating_a_user_keeps_what_was_typed_and_needs_confirmation(client, make, login):
    target = make.user("viewer")
    login(make.user("admin"))
    form = {"username": target.username, "full_name": "Nama Baru Diketik", "email": "",
            "role": "viewer", "opd_id": "0", "password": ""}  # "active" unticked
    page = client.post(f"/admin/pengguna/{target.id}", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Konfirmasi: nonaktifkan" in text
    assert 'value="Nama Baru Diketik"' in text and "Token API aktif milik akun ini: 0" in text
    db.session.refresh(target)
    assert target.active and target.full_name != "Nama Baru Diketik"
    client.post(f"/admin/pengguna/{target.id}", data={**form, "confirm": "1"})
    db.session.refresh(target)
    assert not target.active and target.full_name == "Nama Baru Diketik"


def test_deactivating_an_opd_needs_confirmation(client, make, login):
    opd = make.opd()
    make.user("opd", opd_obj=opd)
    login(make.user("admin"))
    form = {"code": opd.code, "name": opd.name, "short_name": opd.short_name or "",
            "head_name": "", "head_nip": "", "kind": opd.kind}
    page = client.post(f"/admin/opd/{opd.id}", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Pengguna aktif OPD ini: 1" in text
    db.session.refresh(opd)
    assert opd.is_active
    client.post(f"/admin/opd/{opd.id}", data={**form, "confirm": "1"})
    db.session.refresh(opd)
    assert not opd.is_active


def test_idle_user_deactivation_has_a_confirmation_page(client, make, login):
    target = make.user("viewer")
    login(make.user("admin"))
    url = f"/admin/penyiapan/pengguna-tidak-aktif/{target.id}/nonaktifkan"
    text = client.get(url + "?hari=90").get_data(as_text=True)
    assert "tidak dapat masuk lagi" in text and "(1 akun)" in text
    assert client.post(url, data={"hari": "90"}).status_code == 400
    db.session.refresh(target)
    assert target.active
    client.post(url, data={"hari": "90", "confirm": "1"})
    db.session.refresh(target)
    assert not target.active


def test_rollover_run_without_confirmation_is_refused(client, make, login):
    fy = make.fiscal_year(2026)
    make.tag(make.sub_activity(make.opd(), fy))
    login(make.user("admin"))
    data = {"from_year": "2026", "to_year": "2027", "action": "run"}
    page = client.post("/admin/penyiapan/tutup-tahun", data=data)
    assert page.status_code == 400 and "Pratinjau" in page.get_data(as_text=True)
    assert db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027)) is None
    page = client.post("/admin/penyiapan/tutup-tahun", data={**data, "action": "preview"})
    assert 'name="confirm" value="1"' in page.get_data(as_text=True)
    client.post("/admin/penyiapan/tutup-tahun", data={**data, "confirm": "1"})
    assert db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027)) is not None

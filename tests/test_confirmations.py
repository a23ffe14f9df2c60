"""Acts that cannot be taken back ask first (data-confirm, handled by static tagar.js); a locked
form opens read-only with the reason; a conflict panel names what the user chose."""
import re
from pathlib import Path

from models import db


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

"""The realization sheet as the officer uses it: grouped by sub kegiatan with subtotals, a
summary linking to the rows, marked rows listed at the top after a refused save, the
secretariat's note, per-tag comments and reopen reason on the sheet, new anomalies named after a
save, and one group saved without losing what was typed elsewhere."""
import re

import pytest

from models import Realization, db


def _row(tag, amount="", progress="", reached="", version=0, **extra):
    data = {f"r-{tag.id}-version": str(version), f"r-{tag.id}-amount": amount,
            f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached}
    data.update({f"r-{tag.id}-{k}": v for k, v in extra.items()})
    return data


@pytest.fixture
def sheet(make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa1 = make.sub_activity(opd, fy, code="1.06.05.2.02.0001", name="Bantuan Sembako")
    sa2 = make.sub_activity(opd, fy, code="1.06.05.2.02.0002", name="Rumah Layak Huni")
    tags = [make.tag(sa1, amount="1000000", description="Paket sembako lansia"),
            make.tag(sa1, amount="2000000", description="Paket sembako disabilitas"),
            make.tag(sa2, amount="5000000", description="Bedah rumah")]
    user = login(make.user("opd", opd_obj=opd))
    return {"fy": fy, "opd": opd, "sa": (sa1, sa2), "tags": tags, "user": user,
            "q2": make.quarter(fy, 2)}


def _get(client, fy, n=2):
    resp = client.get(f"/realisasi/?tahun={fy.year}&triwulan={n}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _group(page, sa):
    return re.search(rf'<details class="sa-group" id="sa-{sa.id}"[^>]*>.*?</details>',
                     page, re.S).group(0)


def test_grouped_by_sub_kegiatan_with_subtotals_and_summary_links(client, make, sheet):
    t1, t2, t3 = sheet["tags"]
    q2 = sheet["q2"]
    make.realization(t1, q2, "400000", "40", 10)
    make.realization(t3, q2, "6000000", "50", 10, anomalies="over_tagged")
    page = _get(client, sheet["fy"])
    g1, g2 = _group(page, sheet["sa"][0]), _group(page, sheet["sa"][1])
    assert f'id="tag-{t1.id}"' in g1 and f'id="tag-{t2.id}"' in g1
    assert f'id="tag-{t3.id}"' in g2
    assert "1/2 terisi" in g1 and "ditandai Rp 3.000.000" in g1 and "realisasi Rp 400.000" in g1
    summary = page[page.index("sheet-summary"):page.index('id="lembar"')]
    assert "<strong>2</strong> / 3 terisi" in summary
    assert re.search(rf'href="#tag-{t2.id}"><strong>1</strong> belum diisi', summary)
    assert re.search(rf'href="#tag-{t3.id}"><strong>1</strong> ', summary)  # anomalies
    # A group with a row to fill is open; the amounts are inputs a phone can reach.
    assert re.search(rf'id="sa-{sheet["sa"][0].id}" open', page)


def test_clean_complete_group_starts_closed(client, make, sheet):
    t1, t2, t3 = sheet["tags"]
    q2 = sheet["q2"]
    make.realization(t1, q2, "400000", "40", 10)
    make.realization(t2, q2, "400000", "40", 10)
    page = _get(client, sheet["fy"])
    assert not re.search(rf'id="sa-{sheet["sa"][0].id}" open', page)
    assert re.search(rf'id="sa-{sheet["sa"][1].id}" open', page)  # t3 missing


def test_error_on_last_row_is_listed_at_the_top_with_a_link(client, sheet):
    t1, t2, t3 = sheet["tags"]
    data = {**_row(t1, "100.000", "10", "1"), **_row(t3, "12abc", "10", "1")}
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}", data=data)
    page = resp.get_data(as_text=True)
    top = page[:page.index('id="lembar"')]
    assert "1 tagging perlu diperiksa" in top
    assert f'href="#tag-{t3.id}"' in top and "Isian harus berupa angka rupiah" in top
    assert f'data-focus="tag-{t3.id}"' in page  # static JS opens the page there
    assert re.search(rf'id="sa-{sheet["sa"][1].id}" open', page)  # its group is open
    assert db.session.query(Realization).count() == 0


def test_conflict_lists_the_rows_changed_by_someone_else(client, make, sheet):
    t1 = sheet["tags"][0]
    r = make.realization(t1, sheet["q2"], "100000", "10", 1)
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}",
                       data=_row(t1, "200.000", "20", "2", version=r.version + 1))
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    top = page[:page.index('id="lembar"')]
    assert f'href="#tag-{t1.id}"' in top and "diubah pengguna lain" in top


def test_return_note_tag_comment_and_reopen_reason_on_the_sheet(client, make, login, sheet):
    t1, t2, t3 = sheet["tags"]
    q2 = sheet["q2"]
    for t in (t1, t2, t3):
        make.realization(t, q2, "100000", "10", 1)
    sub = make.submission(sheet["opd"], q2, "submitted")
    login(make.user("secretariat"))
    client.post(f"/verifikasi/{sub.id}/kembalikan", data={
        "general": "Lampirkan SP2D.", f"c-{t3.id}": "Fisik belum sesuai foto.",
        "version": str(sub.version)})
    login(sheet["user"])
    page = _get(client, sheet["fy"])
    top = page[:page.index('id="lembar"')]
    assert "Dikembalikan oleh Sekretariat TKPKD" in top and "Lampirkan SP2D." in top
    assert f'href="#tag-{t3.id}"' in top
    card = re.search(rf'<article id="tag-{t3.id}".*?</article>', page, re.S).group(0)
    assert "Fisik belum sesuai foto." in card
    # Reopened after verification: the reason is on the sheet.
    db.session.expire_all()
    sub.status = "submitted"
    db.session.flush()
    login(make.user("secretariat"))
    client.post(f"/verifikasi/{sub.id}/verifikasi", data={"version": str(sub.version)})
    db.session.expire_all()
    client.post(f"/verifikasi/{sub.id}/buka-kembali",
                data={"reason": "Salah ketik nilai.", "version": str(sub.version)})
    login(sheet["user"])
    top = _get(client, sheet["fy"])
    top = top[:top.index('id="lembar"')]
    assert "Dibuka kembali oleh Sekretariat TKPKD" in top and "Salah ketik nilai." in top


def test_save_names_new_anomalies_with_links_once(client, sheet):
    t1, t2, t3 = sheet["tags"]
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}",
                       data={**_row(t1, "100.000", "10", "1"),
                             **_row(t3, "9.000.000", "10", "1")})
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "1 anomali baru perlu diberi penjelasan" in page
    news = page[page.index('id="anomali-baru"'):page.index("sheet-summary")]
    assert f'href="#tag-{t3.id}"' in news and "melebihi anggaran yang ditandai" in news
    assert f'href="#tag-{t1.id}"' not in news
    assert 'id="anomali-baru"' not in _get(client, sheet["fy"])  # said once


def test_saving_one_group_keeps_what_was_typed_in_the_others(client, sheet):
    t1, t2, t3 = sheet["tags"]
    sa1 = sheet["sa"][0]
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}", data={
        **_row(t1, "100.000", "10", "1"), **_row(t3, "12abc", "10", "1"),
        "group": str(sa1.id)})
    assert resp.status_code == 200  # the typed rest is shown again, not lost
    page = resp.get_data(as_text=True)
    saved = db.session.query(Realization).filter_by(tag_id=t1.id).one()
    assert saved.amount == 100000
    assert db.session.query(Realization).filter_by(tag_id=t3.id).count() == 0
    assert 'value="12abc"' in page and "belum disimpan" in page
    assert "Isian harus berupa angka rupiah" not in page  # the other group was not judged


def test_group_save_with_nothing_typed_elsewhere_redirects(client, sheet):
    t1 = sheet["tags"][0]
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}", data={
        **_row(t1, "100.000", "10", "1"), "group": str(sheet["sa"][0].id)})
    assert resp.status_code == 302


def test_group_save_with_the_rest_untouched_redirects(client, make, sheet):
    """The browser posts every row; rows of other groups left as stored are not 'unsaved'."""
    t1, t2, t3 = sheet["tags"]
    r3 = make.realization(t3, sheet["q2"], "100000", "10", 1)
    resp = client.post(f"/realisasi/{sheet['opd'].id}/{sheet['q2'].id}", data={
        **_row(t1, "100.000", "10", "1"), **_row(t2),
        **_row(t3, "100.000", "10", "1", version=r3.version), "group": str(sheet["sa"][0].id)})
    assert resp.status_code == 302

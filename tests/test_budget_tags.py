"""Tags and their lokus desa: the rules, warnings, stale save, lock and audit."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditLog, Tag, db


@pytest.fixture
def ws(make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    user = login(make.user("opd", opd_obj=opd))
    sa = make.sub_activity(opd_obj=opd, fy=fy, allocation="100000000")
    dist = make.district()
    lokus = make.village(dist, fy, priority=True)
    plain = make.village(dist, fy, priority=False)
    return {"fy": fy, "opd": opd, "user": user, "sa": sa, "lokus": lokus, "plain": plain}


def tag_data(make, **kw):
    data = {"strategy_id": str(make.strategy(1).id), "tag_kind_id": str(make.tag_kind().id),
            "amount": "60.000.000", "description": "Bantuan sembako lansia",
            "aid_nature": "Barang", "aid_type": "Sembako", "benefit_per_recipient": "200.000",
            "duration": "12 bulan", "target_count": "250", "target_unit": "KK"}
    data.update(kw)
    return data


def n_tags(sa):
    return db.session.scalar(select(func.count(Tag.id)).where(Tag.sub_activity_id == sa.id))


def test_create_tag_with_lokus_and_per_desa_figures(client, ws, make):
    sa, lokus, plain = ws["sa"], ws["lokus"], ws["plain"]
    data = tag_data(make, village_ids=[str(lokus.id), str(plain.id)],
                    **{f"v_amount_{lokus.id}": "20.000.000", f"v_target_{lokus.id}": "80",
                       f"v_amount_{plain.id}": ""})
    resp = client.post(f"/sub-kegiatan/{sa.id}/tag/baru", data=data, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Tagging disimpan." in page
    assert "bukan lokus tahun 2026" in page and plain.name in page  # warned, not blocked
    tag = db.session.scalar(select(Tag).where(Tag.sub_activity_id == sa.id))
    assert tag.amount == Decimal("60000000") and tag.benefit_per_recipient == Decimal("200000")
    rows = {tv.village_id: tv for tv in tag.villages}
    assert rows[lokus.id].amount == Decimal("20000000") and rows[lokus.id].target_count == 80
    assert rows[plain.id].amount is None
    audits = db.session.execute(select(AuditLog.entity, AuditLog.parent_entity,
                                       AuditLog.parent_id, AuditLog.opd_id).where(
        AuditLog.parent_entity == "sub_activity", AuditLog.parent_id == sa.id)).all()
    assert ("tag", "sub_activity", sa.id, ws["opd"].id) in audits
    assert sum(1 for a in audits if a[0] == "tag_village") == 2
    history = client.get(f"/sub-kegiatan/{sa.id}/riwayat").get_data(as_text=True)
    assert f"Lokus {lokus.name}" in history and "Rp 20.000.000" in history


@pytest.mark.parametrize("fields, message", [
    ({"amount": "0"}, "Nilai harus lebih dari nol."),
    ({"amount": ""}, "Wajib diisi."),
    ({"amount": "100.000.001"}, "Melebihi pagu."),
    ({"amount": "1,2,3"}, "Format angka tidak dikenali."),
    ({"strategy_id": ""}, "Pilih salah satu."),
    ({"strategy_id": "424242"}, "Pilihan tidak valid."),
    ({"tag_kind_id": ""}, "Pilih salah satu."),
    ({"description": ""}, "Wajib diisi."),
    ({"target_count": "dua ratus"}, "Isian harus bilangan bulat"),
    ({"target_count": "12,5"}, "Isian harus bilangan bulat"),
    ({"target_unit": ""}, "Isi satuan sasaran"),
    ({"benefit_per_recipient": "-1"}, "Nilai tidak boleh negatif."),
])
def test_tag_rules_each_with_its_message(client, ws, make, fields, message):
    resp = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru", data=tag_data(make, **fields))
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert n_tags(ws["sa"]) == 0


def test_tags_together_never_exceed_allocation(client, ws, make):
    make.tag(ws["sa"], amount="70000000")
    resp = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru",
                       data=tag_data(make, amount="30.000.001"))
    page = resp.get_data(as_text=True)
    assert "Melebihi pagu" in page and "sisa Rp 30.000.000" in page
    assert n_tags(ws["sa"]) == 1
    resp = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru",
                       data=tag_data(make, amount="30.000.000"))
    assert resp.status_code == 302 and n_tags(ws["sa"]) == 2


def test_per_desa_amounts_never_exceed_tag(client, ws, make):
    lokus, plain = ws["lokus"], ws["plain"]
    data = tag_data(make, amount="10.000.000", village_ids=[str(lokus.id), str(plain.id)],
                    **{f"v_amount_{lokus.id}": "6.000.000", f"v_amount_{plain.id}": "5.000.000"})
    page = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru", data=data).get_data(
        as_text=True)
    assert "Jumlah nilai per desa (Rp 11.000.000) melebihi nilai tag" in page
    assert n_tags(ws["sa"]) == 0


def test_bad_per_desa_input_is_shown_on_its_row(client, ws, make):
    lokus = ws["lokus"]
    data = tag_data(make, village_ids=[str(lokus.id)],
                    **{f"v_amount_{lokus.id}": "sejuta", f"v_target_{lokus.id}": "x"})
    page = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru", data=data).get_data(
        as_text=True)
    assert "Nilai desa: Isian harus berupa angka rupiah" in page
    assert "Sasaran desa harus bilangan bulat." in page
    assert 'value="sejuta"' in page and n_tags(ws["sa"]) == 0


def test_only_villages_of_the_kabupaten(client, ws, make):
    data = tag_data(make, village_ids=["987654"])
    page = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru", data=data).get_data(
        as_text=True)
    assert "bukan desa di kabupaten ini" in page and n_tags(ws["sa"]) == 0


def test_form_offers_picker_with_plain_multiselect_fallback(client, ws, make):
    tag = make.tag(ws["sa"], amount="1000000")
    make.tag_village(tag, ws["lokus"], amount="250000", target=5)
    page = client.get(f"/sub-kegiatan/tag/{tag.id}/ubah").get_data(as_text=True)
    assert '<select multiple name="village_ids"' in page and "budget.js" in page
    assert f'value="{ws["lokus"].id}" data-district' in page and "(lokus)" in page
    assert f'name="v_amount_{ws["lokus"].id}" value="250.000"' in page


def test_edit_lokus_audits_each_change_and_bumps_version(client, ws, make):
    tag = make.tag(ws["sa"], amount="1000000")
    make.tag_village(tag, ws["lokus"], amount="250000")
    make.tag_village(tag, ws["plain"])
    before = tag.version
    data = tag_data(make, amount="1.000.000", version=str(before),
                    village_ids=[str(ws["lokus"].id)], **{f"v_amount_{ws['lokus'].id}": "300.000"})
    assert client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data=data).status_code == 302
    db.session.refresh(tag)
    assert tag.version > before
    assert [(tv.village_id, tv.amount) for tv in tag.villages] == [
        (ws["lokus"].id, Decimal("300000"))]
    kinds = db.session.execute(select(AuditLog.action).where(
        AuditLog.entity == "tag_village", AuditLog.parent_id == ws["sa"].id)).scalars().all()
    assert sorted(kinds) == ["delete", "update"]


def test_stale_tag_save_refused(client, ws, make):
    tag = make.tag(ws["sa"], amount="1000000", description="Versi rekan")
    seen = tag.version
    tag.description = "Disimpan rekan"
    db.session.flush()
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah",
                       data=tag_data(make, amount="2.000.000", description="Versi saya",
                                     version=str(seen)))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "telah diubah oleh pengguna lain" in page
    assert "Disimpan rekan" in page and "Versi saya" in page
    db.session.refresh(tag)
    assert tag.amount == Decimal("1000000") and tag.description == "Disimpan rekan"


def test_locked_tag_amounts_and_lokus_but_text_editable(client, ws, make):
    tag = make.tag(ws["sa"], amount="1000000")
    make.submission(ws["opd"], make.quarter(ws["fy"], 2), status="verified")
    base = tag_data(make, amount="1.000.000", version=str(tag.version))
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data={**base, "amount": "900.000"})
    assert resp.status_code == 423 and "terkunci" in resp.get_data(as_text=True)
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah",
                       data={**base, "village_ids": [str(ws["lokus"].id)]})
    assert resp.status_code == 423
    resp = client.post(f"/sub-kegiatan/{ws['sa'].id}/tag/baru", data=tag_data(make))
    assert resp.status_code == 423 and n_tags(ws["sa"]) == 1
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah",
                       data={**base, "description": "Uraian diperjelas"})
    assert resp.status_code == 302
    db.session.refresh(tag)
    assert tag.description == "Uraian diperjelas" and not tag.villages
    assert client.post(f"/sub-kegiatan/tag/{tag.id}/hapus",
                       data={"version": tag.version}).status_code == 423


def test_delete_tag_audited_and_refused_when_realized(client, ws, make):
    tag = make.tag(ws["sa"], amount="1000000")
    tag_id = tag.id
    assert client.post(f"/sub-kegiatan/tag/{tag_id}/hapus",
                       data={"version": tag.version}).status_code == 302
    assert db.session.get(Tag, tag_id) is None
    assert db.session.scalar(select(AuditLog.id).where(
        AuditLog.entity == "tag", AuditLog.entity_id == tag_id, AuditLog.action == "delete",
        AuditLog.parent_id == ws["sa"].id)) is not None
    tag = make.tag(ws["sa"], amount="1000000")
    make.realization(tag, make.quarter(ws["fy"], 1), amount="5")
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/hapus", data={"version": tag.version})
    assert resp.status_code == 422 and db.session.get(Tag, tag.id) is not None

"""Sub-activity forms: each validation rule, money input, stale save, lock, delete, audit."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditLog, SubActivity, db


def sa_data(**kw):
    data = {"code": "1.06.05.2.02.0001", "name": "Bantuan Sosial Fakir Miskin",
            "program_code": "", "program_name": "Program Perlindungan Sosial",
            "activity_code": "", "activity_name": "Pengelolaan Data Fakir Miskin",
            "allocation_original": "1.250.000.000", "allocation_revised": "",
            "funding_source_id": "0", "output_indicator": "Jumlah KK penerima",
            "output_target": "1.200", "output_unit": "KK", "location": "Kabupaten"}
    data.update(kw)
    return data


@pytest.fixture
def ws(make, login):
    """An OPD, its officer logged in, the fiscal year."""
    fy = make.fiscal_year(2026)
    opd = make.opd()
    user = login(make.user("opd", opd_obj=opd))
    return {"fy": fy, "opd": opd, "user": user}


def count_sa(opd):
    return db.session.scalar(select(func.count(SubActivity.id)).where(
        SubActivity.opd_id == opd.id))


def post_new(client, ws, **kw):
    return client.post(f"/sub-kegiatan/baru?opd={ws['opd'].id}&tahun=2026", data=sa_data(**kw))


def test_create_reads_indonesian_money_and_derives_codes(client, ws, make):
    resp = post_new(client, ws, allocation_original="Rp 1.250.000.000,50",
                    allocation_revised="1300000000.25", funding_source_id=str(make.funding().id))
    assert resp.status_code == 302
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == ws["opd"].id))
    assert sa.allocation_original == Decimal("1250000000.50")
    assert sa.allocation_revised == Decimal("1300000000.25")
    assert sa.allocation == Decimal("1300000000.25")
    assert (sa.program_code, sa.activity_code) == ("1.06.05", "1.06.05.2.02")
    assert sa.output_target == Decimal("1200")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "sub_activity",
                                                     AuditLog.entity_id == sa.id))
    assert entry.action == "create" and entry.opd_id == ws["opd"].id
    assert entry.user_id == ws["user"].id
    assert entry.new_values["allocation_original"] == "1250000000.50"


def test_cross_cutting_code_accepted(client, ws):
    resp = post_new(client, ws, code="X.XX.01.2.01.0005")
    assert resp.status_code == 302
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == ws["opd"].id))
    assert sa.program_code == "X.XX.01"


@pytest.mark.parametrize("fields, message", [
    ({"code": "1.06.5.2.02.0001"}, "Format kode U.BB.PP.K.KK.SSSS"),
    ({"code": "1.06.05.2.02.001"}, "Format kode U.BB.PP.K.KK.SSSS"),
    ({"code": "X.06.05.2.02.0001"}, "Format kode U.BB.PP.K.KK.SSSS"),
    ({"code": ""}, "Wajib diisi."),
    ({"program_code": "1.06.04"}, "Kode program harus 1.06.05"),
    ({"activity_code": "1.06.05.2.01"}, "Kode kegiatan harus 1.06.05.2.02"),
    ({"name": ""}, "Wajib diisi."),
    ({"program_name": ""}, "Wajib diisi."),
    ({"allocation_original": ""}, "Wajib diisi."),
    ({"allocation_original": "1.25.000"}, "Pemisah ribuan tidak tepat."),
    ({"allocation_original": "satu juta"}, "Isian harus berupa angka rupiah"),
    ({"allocation_original": "-5.000"}, "Nilai tidak boleh negatif."),
    ({"allocation_original": "1.000,123"}, "Paling banyak dua angka di belakang koma."),
    ({"allocation_revised": "abc"}, "Isian harus berupa angka rupiah"),
    ({"funding_source_id": "99999"}, "Pilihan tidak valid."),
    ({"funding_source_id": "x"}, "Pilihan tidak valid."),
    ({"output_unit": "x" * 61}, "Paling banyak 60 karakter."),
])
def test_create_refuses_bad_input_beside_the_field(client, ws, fields, message):
    resp = post_new(client, ws, **fields)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert message in page and 'class="field has-error' in page
    assert count_sa(ws["opd"]) == 0


def test_bad_money_is_redisplayed_as_typed(client, ws):
    page = post_new(client, ws, allocation_original="1.25.000", name="").get_data(as_text=True)
    assert 'value="1.25.000"' in page


def test_code_unique_per_opd_and_year(client, ws, make):
    make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], code="1.06.05.2.02.0001")
    resp = post_new(client, ws)
    assert "sudah dipakai" in resp.get_data(as_text=True)
    assert count_sa(ws["opd"]) == 1
    other_year = make.fiscal_year(2027)
    resp = client.post(f"/sub-kegiatan/baru?opd={ws['opd'].id}&tahun={other_year.year}",
                       data=sa_data())
    assert resp.status_code == 302  # the same code in another year is another line


def test_edit_shows_money_the_indonesian_way(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="1234567.50")
    page = client.get(f"/sub-kegiatan/{sa.id}/ubah").get_data(as_text=True)
    assert 'value="1.234.567,50"' in page
    assert f'name="version" type="hidden" value="{sa.version}"' in page


def test_allocation_cannot_drop_below_tagged(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="100000000")
    make.tag(sa, amount="80000000")
    data = sa_data(code=sa.code, program_name="P", activity_name="K",
                   allocation_original="100.000.000", allocation_revised="70.000.000",
                   version=str(sa.version))
    resp = client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data)
    assert "Pagu tidak boleh lebih kecil dari jumlah yang sudah ditandai" in resp.get_data(
        as_text=True)
    db.session.refresh(sa)
    assert sa.allocation_revised is None


def test_update_is_audited_with_old_and_new(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="100000000")
    data = sa_data(code=sa.code, name="Nama baru", allocation_original="150.000.000",
                   version=str(sa.version))
    assert client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data).status_code == 302
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.entity == "sub_activity", AuditLog.entity_id == sa.id,
        AuditLog.action == "update"))
    assert Decimal(entry.old_values["allocation_original"]) == Decimal("100000000")
    assert Decimal(entry.new_values["allocation_original"]) == Decimal("150000000")
    assert entry.new_values["name"] == "Nama baru" and entry.opd_id == ws["opd"].id
    page = client.get(f"/sub-kegiatan/{sa.id}/riwayat").get_data(as_text=True)
    assert "Rp 100.000.000" in page and "Rp 150.000.000" in page and "Nama baru" in page


def test_stale_save_is_refused_with_current_values(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="100000000",
                           name="Nama awal")
    seen = sa.version
    # Someone else saves first.
    sa.name = "Diubah rekan"
    db.session.flush()
    assert sa.version == seen + 1
    data = sa_data(code=sa.code, name="Isian saya", allocation_original="999.000.000",
                   version=str(seen))
    resp = client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "telah diubah oleh pengguna lain" in page
    assert 'value="Diubah rekan"' in page  # the form now holds the stored values
    assert "Isian saya" in page  # and what the user typed is shown, not lost
    assert f'value="{sa.version}"' in page
    db.session.refresh(sa)
    assert sa.name == "Diubah rekan" and sa.allocation_original == Decimal("100000000")


def test_missing_or_forged_version_counts_as_stale(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"])
    for version in ("", "abc", "99"):
        resp = client.post(f"/sub-kegiatan/{sa.id}/ubah",
                           data=sa_data(code=sa.code, name="X", version=version))
        assert resp.status_code == 409, version
    db.session.refresh(sa)
    assert sa.name != "X"


def test_locked_budget_refuses_amount_but_allows_text(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="100000000")
    make.submission(ws["opd"], make.quarter(ws["fy"], 1), status="verified")
    data = sa_data(code=sa.code, name=sa.name, program_name=sa.program_name,
                   activity_name=sa.activity_name, allocation_original="120.000.000",
                   version=str(sa.version))
    resp = client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data)
    assert resp.status_code == 423
    assert "sudah diverifikasi" in resp.get_data(as_text=True)
    db.session.refresh(sa)
    assert sa.allocation_original == Decimal("100000000")
    data.update(allocation_original="100.000.000", output_indicator="Indikator baru")
    assert client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data).status_code == 302
    db.session.refresh(sa)
    assert sa.output_indicator == "Indikator baru"
    # New lines and deletions change the year's budget too.
    assert post_new(client, ws, code="1.06.05.2.02.0099").status_code == 423
    resp = client.post(f"/sub-kegiatan/{sa.id}/hapus", data={"version": sa.version})
    assert resp.status_code == 423 and db.session.get(SubActivity, sa.id) is not None


def test_revised_allocation_can_be_entered_after_verification(client, ws, make):
    """APBD perubahan comes mid-year, after TW I is verified; it must still go in."""
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"], allocation="100000000")
    make.tag(sa, amount="80000000")
    make.submission(ws["opd"], make.quarter(ws["fy"], 1), status="verified")
    data = sa_data(code=sa.code, name=sa.name, program_name=sa.program_name,
                   activity_name=sa.activity_name, allocation_original="100.000.000",
                   allocation_revised="90.000.000", version=str(sa.version))
    assert client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data).status_code == 302
    db.session.refresh(sa)
    assert sa.allocation_revised == Decimal("90000000") and sa.allocation == Decimal("90000000")
    # Still never below what is tagged.
    data.update(allocation_revised="70.000.000", version=str(sa.version))
    resp = client.post(f"/sub-kegiatan/{sa.id}/ubah", data=data)
    assert "tidak boleh lebih kecil" in resp.get_data(as_text=True)
    db.session.refresh(sa)
    assert sa.allocation_revised == Decimal("90000000")


def test_delete_audits_the_line_and_its_tags(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"])
    tag = make.tag(sa, amount="1000")
    make.tag_village(tag, make.village(), amount="500")
    sa_id, tag_id = sa.id, tag.id
    resp = client.post(f"/sub-kegiatan/{sa_id}/hapus", data={"version": sa.version})
    assert resp.status_code == 302
    assert db.session.get(SubActivity, sa_id) is None
    actions = set(db.session.execute(select(AuditLog.entity, AuditLog.entity_id).where(
        AuditLog.action == "delete", AuditLog.opd_id == ws["opd"].id)).all())
    assert ("sub_activity", sa_id) in actions and ("tag", tag_id) in actions
    assert any(e == "tag_village" for e, _ in actions)


def test_delete_refused_when_realized_or_stale(client, ws, make):
    sa = make.sub_activity(opd_obj=ws["opd"], fy=ws["fy"])
    resp = client.post(f"/sub-kegiatan/{sa.id}/hapus", data={"version": sa.version + 1})
    assert resp.status_code == 409
    tag = make.tag(sa, amount="1000")
    make.realization(tag, make.quarter(ws["fy"], 1), amount="10")
    resp = client.post(f"/sub-kegiatan/{sa.id}/hapus", data={"version": sa.version})
    assert resp.status_code == 422 and "sudah memiliki realisasi" in resp.get_data(as_text=True)
    assert db.session.get(SubActivity, sa.id) is not None


def test_secretariat_acts_on_behalf_and_history_says_so(client, make, login):
    make.fiscal_year(2026)
    opd = make.opd()
    sec = login(make.user("secretariat", full_name="Rina Sekretariat"))
    resp = client.post(f"/sub-kegiatan/baru?opd={opd.id}&tahun=2026", data=sa_data())
    assert resp.status_code == 302
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == opd.id))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "sub_activity",
                                                     AuditLog.entity_id == sa.id))
    assert entry.user_id == sec.id and entry.opd_id == opd.id
    page = client.get(f"/sub-kegiatan/{sa.id}/riwayat").get_data(as_text=True)
    assert "Rina Sekretariat" in page and "atas nama OPD" in page

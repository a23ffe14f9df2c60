"""Realization entry through the routes: save, validation, stale save, copy previous, guards."""
from decimal import Decimal

import pytest

from models import AuditLog, Realization, Submission, db


def row(tag, amount="", progress="", reached="", version=0, **extra):
    data = {f"r-{tag.id}-version": str(version), f"r-{tag.id}-amount": amount,
            f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached}
    data.update({f"r-{tag.id}-{k}": v for k, v in extra.items()})
    return data


@pytest.fixture
def ctx(make, login):
    opd, fy, tags = make.tagged_opd(2)
    user = login(make.user("opd", opd_obj=opd))
    return opd, fy, tags, user


def _real(tag, q):
    return db.session.query(Realization).filter_by(tag_id=tag.id, quarter_id=q.id).one_or_none()


def test_sheet_lists_every_tag_with_previous_and_flow(client, make, ctx):
    opd, fy, tags, _ = ctx
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    make.realization(tags[0], q1, amount="200000", progress="20", reached=10)
    make.realization(tags[0], q2, amount="450000", progress="45", reached=30)
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=2").get_data(as_text=True)
    for t in tags:
        assert f'name="r-{t.id}-amount"' in page
    assert "Rp 200.000" in page  # previous to date
    assert "Rp 250.000" in page  # this quarter's own flow
    assert 'value="450.000"' in page
    assert "Realisasi Semester 1" in page


def test_save_creates_audited_rows_and_starts_draft(client, make, ctx):
    opd, fy, tags, user = ctx
    q = make.quarter(fy, 1)
    data = {**row(tags[0], "Rp 1.234.567,50", "45,5", "1.250", problems="Cuaca"),
            **row(tags[1])}  # left blank: not yet reported
    resp = client.post(f"/realisasi/{opd.id}/{q.id}", data=data)
    assert resp.status_code == 302
    r = _real(tags[0], q)
    assert r.amount == Decimal("1234567.50") and r.physical_progress == Decimal("45.50")
    assert r.reached_count == 1250 and r.problems == "Cuaca" and r.updated_by_id == user.id
    assert r.anomalies == "over_tagged,over_target"
    assert _real(tags[1], q) is None
    log = db.session.query(AuditLog).filter_by(entity="realization", entity_id=r.id).one()
    assert log.action == "create" and log.opd_id == opd.id
    sub = db.session.query(Submission).filter_by(opd_id=opd.id, quarter_id=q.id).one()
    assert sub.status == "draft"


def test_bad_input_shows_messages_and_saves_nothing(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    data = {**row(tags[0], "100.000", "50", "5"), **row(tags[1], "12abc", "120", "-3")}
    resp = client.post(f"/realisasi/{opd.id}/{q.id}", data=data)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Isian harus berupa angka rupiah" in page
    assert "antara 0 dan 100" in page
    assert "bilangan bulat tidak negatif" in page
    assert 'value="12abc"' in page  # what was typed comes back
    assert _real(tags[0], q) is None


def test_update_is_audited_with_old_and_new(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    r = make.realization(tags[0], q, amount="100", progress="10", reached=1)
    resp = client.post(f"/realisasi/{opd.id}/{q.id}",
                       data=row(tags[0], "300", "30", "3", version=r.version))
    assert resp.status_code == 302
    db.session.expire_all()
    assert r.amount == Decimal("300.00") and r.version == 2
    log = db.session.query(AuditLog).filter_by(entity="realization", action="update").one()
    assert Decimal(log.old_values["amount"]) == 100 and log.new_values["amount"] == "300.00"


def test_stale_save_is_refused_with_current_values(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    r = make.realization(tags[0], q, amount="777000", progress="10", reached=1)
    r.amount = Decimal("888000")  # someone else saved after the form was opened
    db.session.commit()  # what the other request did; a refused save rolls back to here
    data = {**row(tags[0], "999.000", "10", "1", version=1), **row(tags[1], "5", "1", "1")}
    resp = client.post(f"/realisasi/{opd.id}/{q.id}", data=data)
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "telah diubah oleh pengguna lain" in page
    assert 'value="888.000"' in page
    db.session.expire_all()
    assert r.amount == Decimal("888000") and _real(tags[1], q) is None


def test_per_village_reached(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    v1, v2 = make.village(fy=fy, priority=True), make.village(fy=fy, priority=True)
    make.tag_village(tags[0], v1, target=40)
    make.tag_village(tags[0], v2, target=60)
    too_many = {**row(tags[0], "10", "5", "50"), f"r-{tags[0].id}-v{v1.id}": "40",
                f"r-{tags[0].id}-v{v2.id}": "30"}
    page = client.post(f"/realisasi/{opd.id}/{q.id}", data=too_many).get_data(as_text=True)
    assert "Lebih kecil dari jumlah penerima per desa" in page
    assert _real(tags[0], q) is None
    ok = {**too_many, f"r-{tags[0].id}-reached": "70"}
    assert client.post(f"/realisasi/{opd.id}/{q.id}", data=ok).status_code == 302
    r = _real(tags[0], q)
    assert {v.village_id: v.reached_count for v in r.villages} == {v1.id: 40, v2.id: 30}


def test_copy_previous_fills_only_empty_tags(client, make, ctx):
    opd, fy, tags, _ = ctx
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    make.realization(tags[0], q1, amount="100", progress="10", reached=1, problems="Hujan")
    make.realization(tags[1], q1, amount="200", progress="20", reached=2)
    make.realization(tags[1], q2, amount="250", progress="25", reached=3)
    assert client.post(f"/realisasi/{opd.id}/{q2.id}/salin").status_code == 302
    copied = _real(tags[0], q2)
    assert (copied.amount, copied.physical_progress, copied.reached_count, copied.problems) == (
        Decimal("100"), Decimal("10"), 1, "Hujan")
    assert _real(tags[1], q2).amount == Decimal("250")
    assert db.session.query(AuditLog).filter_by(entity="realization", action="create",
                                                entity_id=copied.id).count() == 1


def test_copy_previous_on_first_quarter_says_why(client, make, ctx):
    opd, fy, _, _ = ctx
    q1 = make.quarter(fy, 1)
    resp = client.post(f"/realisasi/{opd.id}/{q1.id}/salin", follow_redirects=True)
    assert "tidak memiliki triwulan sebelumnya" in resp.get_data(as_text=True)


def test_submit_refused_lists_missing_tags(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    make.realization(tags[0], q, amount="10")
    resp = client.post(f"/realisasi/{opd.id}/{q.id}/ajukan")
    page = resp.get_data(as_text=True)
    assert "belum dapat diajukan" in page
    assert tags[1].sub_activity.code in page
    assert db.session.query(Submission).filter_by(opd_id=opd.id).count() == 0


@pytest.mark.parametrize("status", ["submitted", "verified"])
def test_locked_quarter_refuses_every_write_route(client, make, ctx, status):
    opd, fy, tags, _ = ctx
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    make.realization(tags[0], q1, amount="100")
    r = make.realization(tags[0], q2, amount="100")
    make.submission(opd, q2, status=status)
    db.session.commit()  # the refused save rolls back to here
    resp = client.post(f"/realisasi/{opd.id}/{q2.id}",
                       data=row(tags[0], "999", "1", "1", version=r.version))
    assert resp.status_code == 409
    assert "sudah diajukan atau diverifikasi" in resp.get_data(as_text=True)
    assert client.post(f"/realisasi/{opd.id}/{q2.id}/salin").status_code == 409
    assert client.post(f"/realisasi/{opd.id}/{q2.id}/ajukan").status_code == 409
    db.session.expire_all()
    assert r.amount == Decimal("100") and _real(tags[1], q2) is None
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=2").get_data(as_text=True)
    assert "Simpan realisasi" not in page and "readonly" in page


def test_closed_quarter_refuses_opd_officer(client, make, ctx):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    q.is_open = False
    db.session.commit()
    resp = client.post(f"/realisasi/{opd.id}/{q.id}", data=row(tags[0], "1", "1", "1"))
    assert resp.status_code == 409 and _real(tags[0], q) is None


def test_other_opd_is_refused_on_every_route(client, make, login):
    mine, fy, _ = make.tagged_opd(1)
    other, _, other_tags = make.tagged_opd(1, fy=fy)
    q = make.quarter(fy, 2)
    make.realization(other_tags[0], make.quarter(fy, 1), amount="5")
    login(make.user("opd", opd_obj=mine))
    assert client.get(f"/realisasi/?opd={other.id}&tahun={fy.year}").status_code == 403
    assert client.post(f"/realisasi/{other.id}/{q.id}",
                       data=row(other_tags[0], "1", "1", "1")).status_code == 403
    assert client.post(f"/realisasi/{other.id}/{q.id}/salin").status_code == 403
    assert client.post(f"/realisasi/{other.id}/{q.id}/ajukan").status_code == 403
    assert _real(other_tags[0], q) is None
    # A foreign tag's fields slipped into the own sheet are not read.
    assert client.post(f"/realisasi/{mine.id}/{q.id}",
                       data=row(other_tags[0], "1", "1", "1")).status_code == 302
    assert _real(other_tags[0], q) is None


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_read_only_roles_cannot_enter(client, make, login, role):
    opd, fy, tags = make.tagged_opd(1)
    login(make.user(role))
    q = make.quarter(fy, 1)
    assert client.get(f"/realisasi/?opd={opd.id}").status_code == 403
    assert client.post(f"/realisasi/{opd.id}/{q.id}",
                       data=row(tags[0], "1", "1", "1")).status_code == 403


def test_unknown_quarter_is_404(client, make, ctx):
    _, fy, _, _ = ctx
    assert client.get(f"/realisasi/?tahun={fy.year}&triwulan=5").status_code == 404
    assert client.get("/realisasi/?tahun=1999").status_code == 404


def test_secretariat_picks_an_opd(client, make, login):
    opd, fy, _ = make.tagged_opd(1)
    login(make.user("secretariat"))
    page = client.get(f"/realisasi/?tahun={fy.year}").get_data(as_text=True)
    assert "Pilih OPD" in page and opd.name in page
    assert client.get(f"/realisasi/?tahun={fy.year}&opd={opd.id}").status_code == 200


@pytest.mark.parametrize("reached", ["1,5", "1.5", "12,25"])
def test_a_fractional_count_in_the_sheet_is_refused_with_a_message(client, make, ctx, reached):
    opd, fy, tags, _ = ctx
    q = make.quarter(fy, 1)
    resp = client.post(f"/realisasi/{opd.id}/{q.id}",
                       data=row(tags[0], "1.000", "10", reached))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "bilangan bulat" in html
    assert f'value="{reached}"' in html  # what was typed stays in the sheet
    assert _real(tags[0], q) is None

"""A tag's realization history from the audit log: every saved value per quarter, who and
when, old -> new; readable by whoever may read the tag, linked from the sheet and tag page."""
from models import Realization, db


def _row(tag, amount, progress, reached, version, **extra):
    data = {f"r-{tag.id}-version": str(version), f"r-{tag.id}-amount": amount,
            f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached}
    data.update({f"r-{tag.id}-{k}": v for k, v in extra.items()})
    return data


def test_history_lists_every_save_with_who_and_old_to_new(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    officer = make.user("opd", opd_obj=opd, full_name="Siti Pengisi")
    officer.full_name = "Siti Pengisi"
    second = make.user("opd", opd_obj=opd)
    second.full_name = "Budi Pengoreksi"
    db.session.flush()
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    login(officer)
    client.post(f"/realisasi/{opd.id}/{q1.id}", data=_row(tag, "1.000.000", "10", "5", 0))
    client.post(f"/realisasi/{opd.id}/{q2.id}", data=_row(tag, "2.500.000", "30", "9", 0))
    login(second)
    client.post(f"/realisasi/{opd.id}/{q1.id}", data=_row(
        tag, "1.250.000", "10", "5", 1, problems="Koreksi SP2D"))
    assert db.session.query(Realization).filter_by(tag_id=tag.id).count() == 2
    page = client.get(f"/riwayat/realisasi/{tag.id}").get_data(as_text=True)
    tw1, tw2 = page.index("Triwulan I<"), page.index("Triwulan II<")
    assert tw1 < tw2
    first_quarter = page[tw1:tw2]
    # creation by the first officer, then the correction by the second: old -> new
    assert "Siti Pengisi" in first_quarter and "Budi Pengoreksi" in first_quarter
    assert first_quarter.index("Siti Pengisi") < first_quarter.index("Budi Pengoreksi")
    correction = first_quarter[first_quarter.index("Budi Pengoreksi"):]
    assert "Rp 1.000.000" in correction and "Rp 1.250.000" in correction
    assert correction.index("Rp 1.000.000") < correction.index("Rp 1.250.000")
    assert "Koreksi SP2D" in correction
    assert "Rp 2.500.000" in page[tw2:]


def test_history_follows_the_tag_guard(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    make.realization(tag, make.quarter(fy, 1), "100000", "10", 1)
    login(make.user("opd"))  # another OPD's officer
    assert client.get(f"/riwayat/realisasi/{tag.id}").status_code == 403
    login(make.user("viewer"))
    assert client.get(f"/riwayat/realisasi/{tag.id}").status_code == 200
    assert client.get("/riwayat/realisasi/999999").status_code == 404


def test_sheet_and_tag_page_link_to_it(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    login(make.user("opd", opd_obj=opd))
    link = f"/riwayat/realisasi/{tag.id}"
    assert link in client.get(f"/realisasi/?tahun={fy.year}&triwulan=1").get_data(as_text=True)
    assert link in client.get(f"/sub-kegiatan/{tag.sub_activity_id}").get_data(as_text=True)

"""The falling-cumulative rule against the latest earlier quarter that has a figure, and the
flags of later quarters kept in step when an earlier quarter changes."""
from models import AuditLog, Realization, db


def _post(client, opd, q, tag, amount, progress="50", reached="10", version=0, **extra):
    data = {f"r-{tag.id}-version": str(version), f"r-{tag.id}-amount": amount,
            f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached}
    data.update({f"r-{tag.id}-{k}": v for k, v in extra.items()})
    return client.post(f"/realisasi/{opd.id}/{q.id}", data=data)


def _real(tag, q):
    db.session.expire_all()
    return db.session.query(Realization).filter_by(tag_id=tag.id, quarter_id=q.id).one_or_none()


def test_real_data_case_tw2_figure_empty_tw3_lower_tw4_is_flagged(client, make, login):
    """Found on real data: TW III left empty, TW IV below TW II, submitted without a flag."""
    opd, fy, (tag,) = make.tagged_opd(1)
    q2, q4 = make.quarter(fy, 2), make.quarter(fy, 4)
    make.realization(tag, q2, amount="500000", progress="50", reached=10)
    login(make.user("opd", opd_obj=opd))
    assert _post(client, opd, q4, tag, "400.000").status_code == 302
    assert _real(tag, q4).anomalies == "falling"
    # The sheet measures the flow from TW II, the figure it was compared with.
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=4").get_data(as_text=True)
    assert "Rp 500.000" in page and "Rp -100.000" in page
    # Submitting is refused until the fall is explained.
    resp = client.post(f"/realisasi/{opd.id}/{q4.id}/ajukan")
    assert "anomali belum diberi penjelasan" in resp.get_data(as_text=True)


def test_submit_recomputes_against_the_latest_earlier_figure(client, make, login):
    """A TW IV figure stored clean (saved before TW II existed) is flagged at submission."""
    opd, fy, (tag,) = make.tagged_opd(1)
    q2, q4 = make.quarter(fy, 2), make.quarter(fy, 4)
    make.realization(tag, q4, amount="400000", progress="50", reached=10)
    make.realization(tag, q2, amount="500000", progress="50", reached=10)
    login(make.user("opd", opd_obj=opd))
    resp = client.post(f"/realisasi/{opd.id}/{q4.id}/ajukan")
    assert "anomali belum diberi penjelasan" in resp.get_data(as_text=True)
    assert _real(tag, q4).anomalies == "falling"


def test_raising_an_earlier_quarter_flags_the_later_one_and_lowering_clears_it(
        client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q2, q3 = make.quarter(fy, 2), make.quarter(fy, 3)
    r2 = make.realization(tag, q2, amount="300000", progress="30", reached=10)
    make.realization(tag, q3, amount="400000", progress="40", reached=10)
    login(make.user("opd", opd_obj=opd))
    assert _post(client, opd, q2, tag, "450.000", "30", "10",
                 version=r2.version).status_code == 302
    later = _real(tag, q3)
    assert later.anomalies == "falling"
    log = db.session.query(AuditLog).filter_by(entity="realization", entity_id=later.id).one()
    assert "TW II" in log.note or "Triwulan II" in log.note
    assert _post(client, opd, q2, tag, "350.000", "30", "10",
                 version=_real(tag, q2).version).status_code == 302
    assert _real(tag, q3).anomalies == ""


def test_first_figure_of_the_year_flags_later_quarter_that_falls_below_it(client, make, login):
    """A quarter entered late (TW I after TW III) refreshes TW III, skipping the empty TW II."""
    opd, fy, (tag,) = make.tagged_opd(1)
    q1, q3 = make.quarter(fy, 1), make.quarter(fy, 3)
    make.realization(tag, q3, amount="100000", progress="50", reached=10)
    login(make.user("opd", opd_obj=opd))
    assert _post(client, opd, q1, tag, "200.000", "20", "5").status_code == 302
    assert _real(tag, q3).anomalies == "falling"


def test_copy_previous_takes_the_latest_earlier_figure(client, make, login):
    opd, fy, (tag,) = make.tagged_opd(1)
    q2, q4 = make.quarter(fy, 2), make.quarter(fy, 4)
    make.realization(tag, q2, amount="500000", progress="50", reached=10)
    login(make.user("opd", opd_obj=opd))
    assert client.post(f"/realisasi/{opd.id}/{q4.id}/salin").status_code == 302
    copied = _real(tag, q4)
    assert copied.amount == 500000 and copied.anomalies == ""

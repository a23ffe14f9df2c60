"""Each anomaly rule, as a unit and through the save route, and what the reviewer sees of it."""
from decimal import Decimal

import pytest

from app.cycle.anomalies import (
    DONE_UNSPENT,
    FALLING,
    OVER_TAGGED,
    OVER_TARGET,
    Figures,
    detect,
)
from models import Realization, Submission, db

D = Decimal


def fig(amount="0", progress="0", reached=0):
    return Figures(D(amount), D(progress), reached)


@pytest.mark.parametrize("current,previous,expected", [
    (fig("1000001", "50", 10), None, [OVER_TAGGED]),
    (fig("1000000", "50", 10), None, []),  # exactly the tagged amount is fine
    (fig("400", "50", 10), fig("500", "50", 10), [FALLING]),
    (fig("500", "40", 10), fig("500", "50", 10), [FALLING]),
    (fig("500", "50", 9), fig("500", "50", 10), [FALLING]),
    (fig("500", "50", 10), fig("500", "50", 10), []),
    (fig("0", "100", 0), None, [DONE_UNSPENT]),
    (fig("1", "100", 0), None, []),
    (fig("10", "10", 101), None, [OVER_TARGET]),
    (fig("10", "10", 100), None, []),
])
def test_rules(current, previous, expected):
    assert detect(current, previous, tagged_amount=D("1000000"), target_count=100) == expected


def test_no_target_means_no_over_target():
    assert detect(fig("1", "1", 10**6), None, tagged_amount=D(5), target_count=None) == []


# (previous quarter figures, figures typed now, expected stored codes)
CASES = {
    "over_tagged": (None, ("1.500.000", "50", "10"), "over_tagged"),
    "falling_amount": (("500000", "50", 10), ("400.000", "50", "10"), "falling"),
    "falling_reached": (("500000", "50", 10), ("500.000", "50", "8"), "falling"),
    "done_unspent": (None, ("0", "100", "10"), "done_unspent"),
    "over_target": (None, ("10.000", "10", "150"), "over_target"),
    "clean": (("100000", "10", 5), ("200.000", "20", "10"), ""),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rule_through_the_route_and_shown_to_reviewer(client, make, login, case):
    previous, typed, expected = CASES[case]
    opd, fy, (tag,) = make.tagged_opd(1)
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    if previous:
        make.realization(tag, q1, *previous)
    login(make.user("opd", opd_obj=opd))
    amount, progress, reached = typed
    resp = client.post(f"/realisasi/{opd.id}/{q2.id}", data={
        f"r-{tag.id}-version": "0", f"r-{tag.id}-amount": amount,
        f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached})
    assert resp.status_code == 302  # saving is allowed; submitting is not, until explained
    r = db.session.query(Realization).filter_by(tag_id=tag.id, quarter_id=q2.id).one()
    assert r.anomalies == expected
    page = client.get(f"/realisasi/?tahun={fy.year}&triwulan=2").get_data(as_text=True)
    assert ("tag-card anomaly" in page) is bool(expected)
    resp = client.post(f"/realisasi/{opd.id}/{q2.id}/ajukan")
    assert (resp.status_code == 302) is not bool(expected)
    if expected:
        assert "anomali belum diberi penjelasan" in resp.get_data(as_text=True)
        db.session.expire_all()
        client.post(f"/realisasi/{opd.id}/{q2.id}", data={
            f"r-{tag.id}-version": str(r.version), f"r-{tag.id}-amount": amount,
            f"r-{tag.id}-progress": progress, f"r-{tag.id}-reached": reached,
            f"r-{tag.id}-explanation": "Sudah dikonfirmasi dengan BPKAD."})
        assert client.post(f"/realisasi/{opd.id}/{q2.id}/ajukan").status_code == 302
        login(make.user("secretariat"))
        sub = db.session.query(Submission).filter_by(opd_id=opd.id, quarter_id=q2.id).one()
        page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
        assert 'class="anomaly"' in page and "Sudah dikonfirmasi dengan BPKAD." in page

"""The rollup against figures worked out by hand on a small kabupaten."""
from decimal import Decimal

import pytest

from reports.queries.rollup import NO_LOKUS, RollupFilter, incentive_index, rollup, total, trend

D = Decimal


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2031)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    a, b = make.opd(code="9.01"), make.opd(code="9.02")
    sa1 = make.sub_activity(a, fy, code="1.01", funding_source=make.funding("DAU"))
    sa2 = make.sub_activity(b, fy, code="1.02", funding_source=make.funding("PAD"))
    t1 = make.tag(sa1, "1000", 1, "langsung", target_count=10)
    t2 = make.tag(sa1, "500", 2, "penunjang", target_count=4)
    t3 = make.tag(sa2, "300", 1, "tidak_langsung", target_count=3)
    make.realization(t1, q[1], "100", "10", 2)
    make.realization(t1, q[2], "400", "40", 5)
    make.realization(t2, q[2], "250", "50", 2)
    make.realization(t3, q[1], "300", "100", 3)
    make.realization(t3, q[2], "300", "100", 3)
    d1, d2 = make.district(), make.district()
    v1, v2, v3 = make.village(d1), make.village(d1), make.village(d2)
    make.tag_village(t1, v1, "600")
    make.tag_village(t1, v2, "300")
    make.tag_village(t2, v1)
    make.tag_village(t2, v3)
    make.submission(a, q[2], "verified")
    make.submission(b, q[2], "submitted")
    return dict(fy=fy, a=a, b=b, d1=d1, d2=d2, v1=v1, v2=v2, v3=v3, t1=t1, sa1=sa1)


def figures(row):
    return (row.tags, row.tagged, row.realized, row.target, row.reached)


def test_total_to_date(world):
    t = total(RollupFilter(world["fy"].id, quarter=2))
    assert figures(t) == (3, D("1800.00"), D("950.00"), 17, 10)
    assert t.absorption == D("52.78") and t.physical == D("52.78") and t.label == "Jumlah"


def test_flow_is_difference_from_previous_quarter(world):
    t = total(RollupFilter(world["fy"].id, quarter=2, flow=True))
    assert t.realized == D("550.00") and t.reached == 5
    # A quarter without a row carries the tag's earlier figure forward: no false drop.
    t3 = total(RollupFilter(world["fy"].id, quarter=3, flow=True))
    assert t3.realized == D("0.00")


def test_a_quarter_without_figures_carries_the_latest_earlier_one_forward(world):
    fy = world["fy"].id
    assert total(RollupFilter(fy, quarter=3)).realized == D("950.00")
    # t2 has a row only at TW II: at TW I it has nothing to date.
    assert total(RollupFilter(fy, quarter=1)).realized == D("400.00")
    by_n = {r.key: r for r in trend(RollupFilter(fy))}
    assert by_n[3].realized == by_n[2].realized == D("950.00")
    assert (by_n[1].carried, by_n[2].carried, by_n[3].carried) == (0, 0, 2)


def test_by_strategy_and_opd(world):
    rows = rollup(RollupFilter(world["fy"].id, quarter=2), "strategy")
    assert [(r.code, r.tagged, r.realized) for r in rows] == [
        ("1", D("1300.00"), D("700.00")), ("2", D("500.00"), D("250.00")),
        ("3", D("0.00"), D("0.00"))]
    assert rows[2].absorption is None and rows[2].tags == 0
    rows = rollup(RollupFilter(world["fy"].id, quarter=2), "opd")
    assert [(r.key, r.tagged, r.realized) for r in rows] == [
        (world["a"].id, D("1500.00"), D("650.00")), (world["b"].id, D("300.00"), D("300.00"))]


def test_by_village_apportions_and_keeps_the_undivided_part(world):
    rows = rollup(RollupFilter(world["fy"].id, quarter=2), "village")
    got = {r.key: (r.tagged, r.realized, r.target) for r in rows}
    assert got == {
        world["v1"].id: (D("850.00"), D("365.00"), 8),
        world["v2"].id: (D("300.00"), D("120.00"), 3),
        world["v3"].id: (D("250.00"), D("125.00"), 2),
        None: (D("400.00"), D("340.00"), 4),
    }
    assert rows[-1].label == NO_LOKUS and rows[-1].tags == 1
    rows = rollup(RollupFilter(world["fy"].id, quarter=2), "district")
    assert [(r.key, r.tagged) for r in rows] == [
        (world["d1"].id, D("1150.00")), (world["d2"].id, D("250.00")), (None, D("400.00"))]


def test_filters(world):
    fy = world["fy"].id
    assert total(RollupFilter(fy, 2, district_id=world["d2"].id)).tagged == D("500.00")
    assert total(RollupFilter(fy, 2, opd_id=world["b"].id)).tagged == D("300.00")
    assert total(RollupFilter(fy, 2, strategy_code=1)).tagged == D("1300.00")
    assert total(RollupFilter(fy, 2, tag_kind_code="penunjang")).tagged == D("500.00")
    assert total(RollupFilter(fy, 2, sub_activity_id=world["sa1"].id)).tags == 2
    # Only the verified OPD's realization counts; tagged amounts always do.
    v = total(RollupFilter(fy, 2, verified_only=True))
    assert (v.tagged, v.realized) == (D("1800.00"), D("650.00"))


def test_trend_and_incentive_index(world):
    rows = trend(RollupFilter(world["fy"].id))
    # TW III and IV have no figures: TW II's are carried forward, and the rows say so.
    assert [r.realized for r in rows] == [D("400.00"), D("950.00"), D("950.00"), D("950.00")]
    assert [r.carried for r in rows] == [0, 0, 2, 2]
    assert rows[0].label == "Triwulan I" and rows[1].key == 2
    idx = incentive_index(RollupFilter(world["fy"].id, quarter=2))
    assert [(k["code"], k["absorption"]) for k in idx["kinds"]] == [
        ("langsung", D("40.00")), ("tidak_langsung", D("100.00")), ("penunjang", D("50.00"))]
    assert idx["index"] == D("60.00")


def test_tag_rows_and_bad_arguments(world):
    rows = rollup(RollupFilter(world["fy"].id, quarter=2, opd_id=world["a"].id), "tag")
    assert [r.key for r in rows][0] == world["t1"].id and rows[0].code == "1.01"
    with pytest.raises(ValueError):
        rollup(RollupFilter(world["fy"].id), "nonsense")
    with pytest.raises(ValueError):
        total(RollupFilter(world["fy"].id, quarter=5))

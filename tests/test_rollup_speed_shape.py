"""The carried-forward rule keeps its meaning in the rollup's faster shapes (issue 25): one
quarter reads which quarters each tag has rows for and picks the latest counted one
(verified.figure_at); the trend reads the year's rows once, a column per quarter
(verified.figures_by_quarter). Both must give, for every quarter and both filters, the figure
of the latest quarter k <= n with a row, k capped by the OPD's last verified quarter.

Data with gaps on purpose: X has rows in TW I and TW III, verified TW I-II (its TW III row is
not verified, TW II verified with no row); Y rows in TW I and TW III, verified TW I and TW III
(not TW II); Z a row in TW II only, verified TW III only; X also has a tag with no row."""
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.queries import rollup
from reports.queries.verified import carried_forward, carried_tags
from tests.test_rollup_props import SETTINGS, build, kabupaten, run_in_savepoint, to_date

M = Decimal(1_000_000)
# Per quarter 1..4: realized (millions), reached, physical (% of the whole tagged amount).
ALL_DATA = ([150, 220, 570, 570], [3, 8, 12, 12], ["2.00", "4.33", "9.00", "9.00"])
VERIFIED = ([150, 150, 370, 370], [3, 3, 10, 10], ["2.00", "2.00", "7.00", "7.00"])
CARRIED = {False: [0, 2, 1, 3], True: [0, 2, 2, 3]}  # OPDs whose figure is from k < n


@pytest.fixture
def gaps(make):
    fy = make.fiscal_year(2043)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    x, y, z = (make.opd(name=f"Dinas {c}", short_name=c) for c in "XYZ")
    tx = make.tag(make.sub_activity(x, fy, "1000000000"), "1000000000")
    ty = make.tag(make.sub_activity(y, fy, "1000000000"), "1000000000")
    tz = make.tag(make.sub_activity(z, fy, "1000000000"), "1000000000")
    make.tag(make.sub_activity(x, fy, "0"), "0")  # no row at all: counted, adds 0
    make.realization(tx, q[1], str(100 * M), "6", 1)
    make.realization(tx, q[3], str(300 * M), "12", 3)
    make.realization(ty, q[1], str(50 * M), "0", 2)
    make.realization(ty, q[3], str(200 * M), "8", 4)
    make.realization(tz, q[2], str(70 * M), "7", 5)
    for opd, numbers in ((x, (1, 2)), (y, (1, 3)), (z, (3,))):
        for n in numbers:
            make.submission(opd, q[n], "verified")
    return dict(fy=fy, x=x, y=y, z=z, tx=tx, ty=ty, tz=tz)


@pytest.mark.parametrize("verified_only", [False, True])
def test_each_quarter_shows_the_latest_counted_row_in_trend_and_total(gaps, verified_only):
    realized, reached, physical = VERIFIED if verified_only else ALL_DATA
    trend = rollup.trend(rollup.RollupFilter(gaps["fy"].id, verified_only=verified_only))
    assert [r.realized for r in trend] == [v * M for v in realized]
    assert [r.reached for r in trend] == reached
    assert [r.physical for r in trend] == [Decimal(p) for p in physical]
    assert [r.carried for r in trend] == CARRIED[verified_only]
    for n in (1, 2, 3, 4):
        f = rollup.RollupFilter(gaps["fy"].id, quarter=n, verified_only=verified_only)
        total = rollup.total(f)
        assert (total.realized, total.reached, total.physical) == (
            trend[n - 1].realized, trend[n - 1].reached, trend[n - 1].physical), n


def test_verified_figures_stop_at_the_opds_last_verified_quarter(gaps):
    def by_opd(n):
        f = rollup.RollupFilter(gaps["fy"].id, quarter=n, verified_only=True)
        return {r.key: r.realized / M for r in rollup.rollup(f, "opd")}
    x, y, z = (gaps[k].id for k in "xyz")
    # X: its TW III row waits (verified up to TW II), so TW I's figure holds through TW IV.
    # Y: TW II is not verified, so TW II shows TW I's; TW III (verified) its own row.
    # Z: nothing verified before TW III, then its TW II row carried.
    assert [by_opd(n) for n in (1, 2, 3, 4)] == [
        {x: 100, y: 50, z: 0}, {x: 100, y: 50, z: 0}, {x: 100, y: 200, z: 70},
        {x: 100, y: 200, z: 70}]


def test_carried_tags_and_opds_follow_the_same_rule(gaps):
    fy, tx, ty, tz = gaps["fy"].id, gaps["tx"].id, gaps["ty"].id, gaps["tz"].id
    assert carried_tags(fy, 3, verified_only=False) == {tz}
    assert carried_tags(fy, 3, verified_only=True) == {tx, tz}
    assert carried_tags(fy, 4, verified_only=False) == {tx, ty, tz}
    assert carried_tags(fy, 1, verified_only=True) == set()
    assert carried_forward(fy, 3, verified_only=False) == {gaps["z"].id: 2}
    assert carried_forward(fy, 4, verified_only=False) == {
        gaps["x"].id: 3, gaps["y"].id: 3, gaps["z"].id: 2}


def _counted(t, n, verified, verified_only) -> int:
    """The quarter whose row is the figure at n (0: none), recomputed in plain Python."""
    if verified_only:
        n = max((j for j in range(1, n + 1) if (t["opd_id"], j) in verified), default=0)
    return max((j for j in range(1, n + 1) if t["real"][j] is not None), default=0)


@SETTINGS
@given(spec=kabupaten(), verified_only=st.booleans())
def test_trend_equals_a_plain_python_count_of_random_kabupaten(make, spec, verified_only):
    def check():
        fy, tags, _, verified = build(make, spec)
        trend = rollup.trend(rollup.RollupFilter(fy.id, verified_only=verified_only))
        for n in (1, 2, 3, 4):
            figures = [to_date(t, n, verified, verified_only) for t in tags]
            want_sen = sum(fig[0] for fig in figures)
            carried = Counter(t["opd_id"] for t in tags
                              if 0 < _counted(t, n, verified, verified_only) < n)
            row = trend[n - 1]
            assert int(row.realized * 100) == want_sen, n
            assert row.reached == sum(fig[2] for fig in figures), n
            assert row.carried == len(carried), n
            total = rollup.total(rollup.RollupFilter(fy.id, quarter=n,
                                                     verified_only=verified_only))
            assert (total.realized, total.reached) == (row.realized, row.reached), n

    run_in_savepoint(check)

"""`tag.realized_quarters` is kept by the database whatever writes a realization row, and the
rollup's two ways of reading it (one quarter; the trend's groups) give the same carried-forward
figures for every pattern of missing quarters and verified quarters."""
from decimal import Decimal

from sqlalchemy import delete, insert, select, update

from models import Realization, Tag, db
from reports.queries import rollup
from tests import factories as make


def _bits(t: Tag) -> int:
    return db.session.scalar(select(Tag.realized_quarters).where(Tag.id == t.id))


def test_every_write_of_a_row_keeps_the_tag_quarters():
    fy = make.fiscal_year()
    t = make.tag(sa=make.sub_activity(fy=fy))
    assert _bits(t) == 0
    make.realization(t, make.quarter(fy, 3), amount="10")         # the ORM
    assert _bits(t) == 0b0100
    db.session.execute(insert(Realization), [                     # a bulk INSERT (bench, imports)
        {"tag_id": t.id, "quarter_id": make.quarter(fy, 1).id, "amount": Decimal("1"),
         "physical_progress": Decimal("0"), "reached_count": 0}])
    assert _bits(t) == 0b0101
    q1, q2 = make.quarter(fy, 1).id, make.quarter(fy, 2).id
    db.session.execute(update(Realization).where(Realization.tag_id == t.id,
                                                 Realization.quarter_id == q1)
                       .values(quarter_id=q2))                   # a row moved to TW II
    assert _bits(t) == 0b0110
    db.session.execute(delete(Realization).where(Realization.quarter_id == q2,
                                                 Realization.tag_id == t.id))
    assert _bits(t) == 0b0100
    other = make.fiscal_year()                                   # another year's quarter: not
    make.realization(t, make.quarter(other, 4), amount="5")      # the tag's, does not count
    assert _bits(t) == 0b0100


def test_a_tag_with_rows_can_still_be_deleted():
    fy = make.fiscal_year()
    t = make.tag(sa=make.sub_activity(fy=fy))
    keep = make.tag(sa=t.sub_activity)
    for n in (1, 2):
        make.realization(t, make.quarter(fy, n), amount="10")
    make.realization(keep, make.quarter(fy, 2), amount="10")
    db.session.delete(t)  # its rows go by cascade; their triggers find no tag to update
    db.session.flush()
    assert db.session.get(Tag, t.id) is None
    assert _bits(keep) == 0b0010


def _figure(mask: int, cap: int) -> tuple[int, int | None]:
    """By hand: the row of the latest quarter k <= cap the tag has one for (amount 10k + mask
    below), (0, None) when none."""
    rows = [j for j in range(1, cap + 1) if mask & (1 << (j - 1))]
    return (10 * rows[-1] + mask, rows[-1]) if rows else (0, None)


def test_one_quarter_and_the_trend_agree_on_every_carried_figure():
    """Sixteen tags, one per set of quarters with a row, in each of two OPDs: one verified for
    TW I and III (not II, not IV), one for none. Each quarter's figure to date from the
    single-quarter query equals the trend's and the rule worked by hand, verified only and not;
    so do the counts of OPDs carried forward."""
    fy = make.fiscal_year()
    opds = [make.opd(), make.opd()]
    for opd_obj in opds:
        sa = make.sub_activity(opd_obj=opd_obj, fy=fy)
        for mask in range(16):
            t = make.tag(sa=sa, amount="1000")
            for j in (1, 2, 3, 4):
                if mask & (1 << (j - 1)):
                    make.realization(t, make.quarter(fy, j), amount=str(10 * j + mask))
            assert _bits(t) == mask
    for j in (1, 3):
        make.submission(opds[0], make.quarter(fy, j), status="verified")
    last_verified = {1: 1, 2: 1, 3: 3, 4: 3}
    for verified_only in (False, True):
        trend = rollup.trend(rollup.RollupFilter(fiscal_year_id=fy.id,
                                                 verified_only=verified_only))
        for n in (1, 2, 3, 4):
            caps = [last_verified[n], 0] if verified_only else [n, n]
            figures = [_figure(mask, cap) for cap in caps for mask in range(16)]
            carried = sum(any(k is not None and k < n for _, k in figures[i * 16:(i + 1) * 16])
                          for i in (0, 1))
            one = rollup.total(rollup.RollupFilter(fiscal_year_id=fy.id, quarter=n,
                                                   verified_only=verified_only))
            assert one.realized == trend[n - 1].realized == sum(a for a, _ in figures), (
                verified_only, n)
            assert one.tags == trend[n - 1].tags == 32
            assert one.tagged == trend[n - 1].tagged == Decimal(32_000)
            assert trend[n - 1].carried == carried, (verified_only, n)


def test_the_stored_quarters_are_no_ones_edit_in_the_audit_log():
    from app.core import audit

    t = make.tag()
    make.realization(t, make.quarter(t.sub_activity.fiscal_year, 2), amount="10")
    snap = audit.snapshot(t)
    assert "amount" in snap and "realized_quarters" not in snap

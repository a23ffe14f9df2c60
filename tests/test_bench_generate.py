"""The benchmark generator builds the sizes it promises, with consistent cumulative figures."""
from sqlalchemy import func, select

from bench.generate import generate
from models import Opd, Realization, SubActivity, Tag, Village, VillageYear, db


def test_size_s_is_one_kabupaten():
    counts = generate(1, year=2026)
    assert counts["opd"] >= 18 and counts["village"] >= 345
    opds = db.session.scalar(select(func.count(Opd.id)).where(Opd.code.like("10.01.%")))
    assert opds == 18
    subs = db.session.scalar(select(func.count(SubActivity.id)).join(Opd)
                             .where(Opd.code.like("10.01.%")))
    assert subs == 150
    tags = db.session.scalar(select(func.count(Tag.id)).join(SubActivity).join(Opd)
                             .where(Opd.code.like("10.01.%")))
    assert tags == 300
    assert db.session.scalar(select(func.count(Village.id)).where(
        Village.code.like("10.01.%"))) == 345
    assert db.session.scalar(select(func.count(VillageYear.id)).where(
        VillageYear.is_priority)) > 60
    # Cumulative: each tag's realization never falls from one quarter to the next, never
    # exceeds the tagged amount.
    rows = db.session.execute(select(Realization.tag_id, Realization.amount, Tag.amount)
                              .join(Tag).order_by(Realization.tag_id,
                                                  Realization.quarter_id)).all()
    last = {}
    for tag_id, amount, tagged in rows:
        assert amount <= tagged
        assert amount >= last.get(tag_id, 0)
        last[tag_id] = amount


def test_app_can_insert_after_generating(make):
    """The generator writes explicit ids; the next ordinary INSERT must not collide."""
    generate(1, year=2026)
    o = make.opd()
    make.sub_activity(opd_obj=o)
    assert o.id > 18

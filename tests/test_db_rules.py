"""Rules the database itself enforces, whatever code writes to it."""
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from models import Opd, Realization, SubActivity, Tag, TagVillage, User, db


def _fails(constraint_name: str):
    """Expect an IntegrityError naming the constraint (our naming convention at work)."""
    return pytest.raises(IntegrityError, match=constraint_name)


def test_opd_code_is_unique(make):
    o = make.opd()
    db.session.add(Opd(code=o.code, name="Dinas Lain"))
    with _fails("opd.code|uq_opd_code"):
        db.session.flush()


def test_sub_activity_code_unique_per_opd_and_year(make):
    sa = make.sub_activity()
    with _fails("uq_sub_activity_opd_id|sub_activity.opd_id"):
        make.sub_activity(opd_obj=sa.opd, fy=sa.fiscal_year, code=sa.code)


def test_same_code_allowed_in_another_opd(make):
    sa = make.sub_activity()
    other = make.sub_activity(fy=sa.fiscal_year, code=sa.code)
    assert other.id != sa.id


@pytest.mark.parametrize("field", ["allocation_original", "allocation_revised"])
def test_allocation_cannot_be_negative(make, field):
    sa = make.sub_activity()
    setattr(sa, field, Decimal("-1"))
    with _fails(f"ck_sub_activity_{field}_nonneg"):
        db.session.flush()


def test_tag_amount_cannot_be_negative(make):
    t = make.tag()
    t.amount = Decimal("-0.01")
    with _fails("ck_tag_amount_nonneg"):
        db.session.flush()


@pytest.mark.parametrize("progress", ["-1", "100.01"])
def test_physical_progress_between_0_and_100(make, progress):
    t = make.tag()
    fy = t.sub_activity.fiscal_year
    db.session.add(Realization(tag=t, quarter=make.quarter(fy, 1), amount=Decimal(0),
                               physical_progress=Decimal(progress)))
    with _fails("ck_realization_progress_range"):
        db.session.flush()


def test_one_realization_per_tag_and_quarter(make):
    t = make.tag()
    q = make.quarter(t.sub_activity.fiscal_year, 1)
    make.realization(t, q, amount="10")
    with _fails("uq_realization_tag_id|realization.tag_id"):
        make.realization(t, q, amount="20")


def test_tag_village_unique_and_nonnegative(make):
    t = make.tag()
    v = make.village()
    make.tag_village(t, v)
    db.session.add(TagVillage(tag=t, village=v))
    with _fails("uq_tag_village_tag_id|tag_village.tag_id"):
        db.session.flush()


def test_foreign_keys_are_enforced(make):
    db.session.add(Tag(sub_activity_id=999999, strategy_id=1, tag_kind_id=1, amount=Decimal(1)))
    with _fails("fk_tag_sub_activity_id_sub_activity|FOREIGN KEY"):
        db.session.flush()


def test_opd_role_requires_an_opd():
    db.session.add(User(username="x", full_name="x", password_hash="x", role="opd"))
    with _fails("ck_user_opd_role_has_opd"):
        db.session.flush()


def test_unknown_role_refused():
    db.session.add(User(username="y", full_name="y", password_hash="x", role="root"))
    with _fails("ck_user_role_valid"):
        db.session.flush()


def test_submission_status_checked(make):
    fy = make.fiscal_year()
    make_sub = make.submission
    with _fails("ck_submission_status_valid"):
        make_sub(make.opd(), make.quarter(fy, 1), status="approved")


def test_money_keeps_cents_exactly(make):
    sa = make.sub_activity(allocation="1234567890123.45")
    db.session.expire(sa)
    loaded = db.session.get(SubActivity, sa.id)
    assert loaded.allocation_original == Decimal("1234567890123.45")
    assert isinstance(loaded.allocation_original, Decimal)


def test_stale_update_is_refused_by_version(make):
    """Another writer bumps the row's version; our UPDATE based on the old one is refused."""
    from sqlalchemy import update
    from sqlalchemy.orm.exc import StaleDataError

    sa = make.sub_activity()
    assert sa.version == 1
    db.session.execute(
        update(SubActivity).where(SubActivity.id == sa.id)
        .values(name="Diubah orang lain", version=SubActivity.version + 1)
        .execution_options(synchronize_session=False))
    sa.name = "Perubahan saya"
    with pytest.raises(StaleDataError):
        db.session.flush()

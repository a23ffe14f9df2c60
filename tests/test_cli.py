from sqlalchemy import func, select

from models import (
    District,
    Opd,
    Realization,
    Strategy,
    SubActivity,
    Submission,
    Tag,
    TagKind,
    User,
    Village,
    VillageYear,
    db,
)


def test_create_user_command(app, make):
    o = make.opd()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "operator1", "--role", "opd", "--opd", o.code,
                                 "--name", "Operator Satu", "--password", "rahasia-panjang"])
    assert result.exit_code == 0, result.output
    u = db.session.scalar(select(User).where(User.username == "operator1"))
    assert u.opd_id == o.id and u.role == "opd"


def test_create_user_command_refuses_bad_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "x", "--role", "opd", "--password", "rahasia-panjang"])
    assert result.exit_code != 0
    assert "harus terhubung ke satu OPD" in result.output
    result = runner.invoke(args=["create-user", "y", "--role", "viewer", "--password", "pendek"])
    assert result.exit_code != 0 and "minimal 10" in result.output.lower()
    assert db.session.scalar(select(func.count(User.id)).where(User.username.in_(["x", "y"]))) == 0


def test_seed_demo_builds_a_realistic_kabupaten(app):
    app.config["TAGAR_NOW"] = "2026-11-23T03:00:00"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo", "--year", "2026"])
    finally:
        app.config["TAGAR_NOW"] = None
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
    assert count(Opd) == 18
    assert 12 <= count(District) <= 16
    assert 110 <= count(Village) <= 130
    lokus = db.session.scalar(select(func.count(VillageYear.id)).where(VillageYear.is_priority))
    assert 40 <= lokus <= 48
    tagged_lines = db.session.scalar(select(func.count(func.distinct(Tag.sub_activity_id))))
    assert 80 <= tagged_lines <= 100
    # Issue 26: untagged lines for the screening page to rank.
    assert count(SubActivity) - tagged_lines >= 30
    # Every strategy and every tag kind is used.
    assert db.session.scalar(select(func.count(func.distinct(Tag.strategy_id)))) == \
        count(Strategy) == 3
    assert db.session.scalar(select(func.count(func.distinct(Tag.tag_kind_id)))) == \
        count(TagKind) == 3
    # Realization for the three quarters already past on 23 November 2026, none for TW IV.
    quarters = db.session.scalars(select(func.distinct(Realization.quarter_id))).all()
    assert len(quarters) == 3
    assert count(Realization) == 3 * count(Tag)
    # Some verified, a few anomalies, one user per role, demo logins printed.
    assert db.session.scalar(select(func.count(Submission.id))
                             .where(Submission.status == "verified")) > 0
    assert db.session.scalar(select(func.count(Realization.id))
                             .where(Realization.anomalies != "")) >= 3
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"opd", "secretariat", "viewer", "admin", "desa"}
    # Issue 28: an open campaign over two desa, each with its operator, partly recorded.
    from models import VervalRecord, VervalVillage

    desa = db.session.execute(select(VervalVillage.state, func.count(VervalRecord.status),
                                     func.count(VervalRecord.id))
                              .join(VervalRecord).group_by(VervalVillage.id)).all()
    assert len(desa) == 2 and all(s == "open" and 0 < done < n for s, done, n in desa)
    assert "demo-tagar-2026" in result.output and "sekretariat" in result.output
    # Tagged amounts never exceed the allocation of their sub-activity.
    over = db.session.execute(
        select(SubActivity.id).join(Tag).group_by(SubActivity.id, SubActivity.allocation_original)
        .having(func.sum(Tag.amount) > SubActivity.allocation_original)).all()
    assert over == []
    # A second run refuses to load demo data into a database that holds data.
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code != 0
    skipped = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "tidak dimuat ulang" in skipped.output

"""Issue 17: themes. A tag serves one or more themes, each at most once; a theme's rollup
counts its tags once, the total counts every tag once; the default theme is required."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.budget.services import themes
from app.core.errors import ServiceError
from app.reference.convergence import default_theme
from models import AuditLog, Tag, TagTheme, Theme, db
from reports.queries import rollup
from reports.queries import themes as theme_report
from reports.queries.rollup import RollupFilter

YEAR = 2036


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    sa = make.sub_activity(make.opd(), fy, allocation="10000000")
    both = make.tag(sa, "3000000", 1)
    only_default = make.tag(sa, "1000000", 2)
    make.realization(both, make.quarter(fy, 1), "1200000", "40", 10)
    stunting = themes.create_theme("Stunting")
    default = default_theme()
    db.session.add_all([TagTheme(tag_id=both.id, theme_id=default.id),
                        TagTheme(tag_id=both.id, theme_id=stunting.id),
                        TagTheme(tag_id=only_default.id, theme_id=default.id)])
    db.session.flush()
    return dict(fy=fy, sa=sa, both=both, only_default=only_default, stunting=stunting,
                default=default)


def test_a_sub_kegiatan_counts_once_in_each_of_two_themes_and_once_in_the_total(world):
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=1)
    rows = {r.key: r for r in theme_report.by_theme(f)}
    assert rows[world["default"].id].tagged == Decimal("4000000.00")
    assert rows[world["stunting"].id].tagged == Decimal("3000000.00")
    assert rows[world["stunting"].id].realized == Decimal("1200000.00")
    assert rollup.total(f).tagged == Decimal("4000000.00")  # once in the total
    stunting = RollupFilter(fiscal_year_id=world["fy"].id, quarter=1,
                            theme_id=world["stunting"].id)
    assert rollup.total(stunting).tagged == Decimal("3000000.00")
    by_sa = rollup.rollup(stunting, "sub_activity")
    assert [(r.key, r.tagged) for r in by_sa] == [(world["sa"].id, Decimal("3000000.00"))]
    total, rows = theme_report.cross_theme(f)
    assert total.tagged == Decimal("3000000.00") and total.tags == 1
    assert [(r.key, names) for r, names in rows] == [
        (world["both"].id, ["Kemiskinan Ekstrem", "Stunting"])]


def test_a_tag_is_in_a_theme_at_most_once(world):
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError on either backend
        with db.session.begin_nested():
            db.session.add(TagTheme(tag_id=world["both"].id, theme_id=world["stunting"].id))
            db.session.flush()


def test_default_theme_cannot_be_deleted_and_names_are_unique(world):
    with pytest.raises(ServiceError):
        themes.delete_theme(world["default"])
    with pytest.raises(ServiceError):
        themes.create_theme("stunting")


def test_a_new_tag_from_the_form_serves_the_default_and_the_chosen_themes(client, make, login,
                                                                         world):
    user = login(make.user("secretariat"))
    assert user
    html = client.get(f"/sub-kegiatan/{world['sa'].id}/tag/baru").get_data(as_text=True)
    assert 'name="theme_ids"' in html and "Stunting" in html
    strategy = db.session.scalar(select(world["both"].strategy.__class__.id).limit(1))
    data = {"strategy_id": str(strategy), "tag_kind_id": str(world["both"].tag_kind_id),
            "amount": "500.000", "description": "Makanan tambahan balita",
            "themes_shown": "1", "theme_ids": [str(world["default"].id),
                                               str(world["stunting"].id)]}
    resp = client.post(f"/sub-kegiatan/{world['sa'].id}/tag/baru", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    tag = db.session.scalar(select(Tag).where(Tag.description == "Makanan tambahan balita"))
    assert themes.theme_ids_of(tag) == {world["default"].id, world["stunting"].id}
    # No theme ticked: refused, nothing changed.
    data.update(version=str(tag.version), theme_ids=[], amount="500.000")
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", data=data)
    assert resp.status_code == 200 and "Pilih minimal satu tema." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert themes.theme_ids_of(tag) == {world["default"].id, world["stunting"].id}
    logged = db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "tag_theme", AuditLog.parent_id == tag.id))
    assert logged == 1  # the Stunting membership (the default one joins with the tag)


def test_admin_adds_and_deletes_a_theme_and_the_klasik_page_shows_it(client, make, login, world):
    login(make.user("admin"))
    assert client.post("/konvergensi/tema/baru", data={"name": "Inflasi"}).status_code == 302
    inflasi = db.session.scalar(select(Theme).where(Theme.name == "Inflasi"))
    assert inflasi is not None and not inflasi.is_default
    html = client.get(f"/konvergensi/tema?tahun={YEAR}&triwulan=1").get_data(as_text=True)
    cross = html[html.index('id="lintas-tema"'):html.index('id="daftar-tema"')]
    assert "Kemiskinan Ekstrem, Stunting" in cross and "Rp 3.000.000" in cross
    resp = client.post(f"/konvergensi/tema/{world['stunting'].id}/hapus")
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(TagTheme.id)).where(
        TagTheme.tag_id == world["both"].id)) == 1
    assert client.post(f"/konvergensi/tema/{world['default'].id}/hapus").status_code == 303
    assert db.session.get(Theme, world["default"].id) is not None


def test_dashboard_and_api_filter_by_theme(client, make, login, world):
    login(make.user("viewer"))
    html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=1&tema={world['stunting'].id}")
    assert html.status_code == 200
    text = html.get_data(as_text=True)
    assert "Rp 3.000.000" in text and "Rp 4.000.000" not in text


def test_api_rollup_filters_by_theme(client, make, world):
    from app.accounts.api_tokens import create_token

    _, secret = create_token(make.user("viewer"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    data = client.get(f"/api/v1/rollups?year={YEAR}&quarter=1&by=opd"
                      f"&theme_id={world['stunting'].id}", headers=headers).get_json()
    assert data["total"]["tagged"] == "3000000.00"
    assert [r["tagged"] for r in data["rows"]] == ["3000000.00"]
    resp = client.get(f"/api/v1/rollups?year={YEAR}&theme_id=999999", headers=headers)
    assert resp.status_code == 422


def test_the_migration_puts_every_existing_tag_in_the_default_theme_and_keeps_rollups(tmp_path):
    """A kabupaten's data at revision 0010 (before issue 17), upgraded: every tag lands in
    Kemiskinan Ekstrem, the Inpres framework maps each strategy to itself, and every rollup,
    the default theme's and the Permendagri one's included, equals the rollup of the data it
    was copied from (today's code cannot read revision 0010: tag.realized_quarters is 0021's)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.seed import seed_demo
    from config import TestConfig
    from models import FiscalYear, Framework
    from reports.queries.frameworks import rollup_by_framework

    from .databases import fresh_database
    from .test_migrations import DEMO_NOW, _copy_demo, _figures, _session_on, _subdir

    head_url, drop_head = fresh_database(_subdir(tmp_path, "head"), "h4mig")
    old_url, drop_old = fresh_database(_subdir(tmp_path, "old"), "h4mig")
    head = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=head_url, TAGAR_NOW=DEMO_NOW)
    old = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=old_url, TAGAR_NOW=DEMO_NOW)
    try:
        with head.app_context(), _session_on(db.engine):
            upgrade()
            seed_demo(year=2026)
            db.session.commit()
            before = _figures()
            head_engine = db.engine
            with old.app_context():
                upgrade(revision="0010")
                _copy_demo(head_engine, db.engine)
                with _session_on(db.engine):
                    upgrade()
                    after = _figures()
                    tags = db.session.scalar(select(func.count(Tag.id)))
                    default = db.session.scalar(select(Theme).where(Theme.is_default))
                    members = db.session.scalar(select(func.count(TagTheme.id)).where(
                        TagTheme.theme_id == default.id))
                    fy = db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == 2026))
                    f = RollupFilter(fiscal_year_id=fy, quarter=3)
                    themed = rollup.rollup(RollupFilter(fiscal_year_id=fy, quarter=3,
                                                        theme_id=default.id), "opd")
                    plain = rollup.rollup(f, "opd")
                    perm = db.session.scalar(select(Framework.id).where(
                        Framework.code == "permendagri_53_2020"))
                    inpres = db.session.scalar(select(Framework.id).where(Framework.is_default))
                    by_perm = rollup_by_framework(f, perm)
                    by_inpres = rollup_by_framework(f, inpres)
                    total = rollup.total(f)
                    strategy_rows = rollup.rollup(f, "strategy")
        assert tags > 100 and members == tags
        assert after == before
        assert themed == plain
        assert sum(r.tagged for r in by_perm) == total.tagged
        assert sum(r.realized for r in by_perm) == total.realized
        assert [(r.tagged, r.realized) for r in by_inpres] == [
            (r.tagged, r.realized) for r in strategy_rows]
    finally:
        for a in (head, old):
            with a.app_context():
                db.engine.dispose()
        for drop in (drop_head, drop_old):
            if drop:
                drop()


def test_a_copied_tag_keeps_its_themes(make, world):
    fy2 = make.fiscal_year(YEAR + 1)
    copy = make.tag(make.sub_activity(world["sa"].opd, fy2), "100")
    themes.copy_themes([(world["both"], copy)])
    assert themes.theme_ids_of(copy) == {world["default"].id, world["stunting"].id}


def test_themes_page_downloads_per_theme_and_klasik_as_xlsx(client, make, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    login(make.user("secretariat"))
    html = client.get(f"/konvergensi/tema?tahun={YEAR}&triwulan=1").get_data(as_text=True)
    assert "format=xlsx" in html
    resp = client.get(f"/konvergensi/tema?tahun={YEAR}&triwulan=1&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(BytesIO(resp.data))
    assert wb.sheetnames == ["Per tema", "Lintas tema"]
    rows = [[c.value for c in r] for r in wb["Per tema"].iter_rows()]
    by_name = {r[1]: r for r in rows if r[1]}
    assert Decimal(str(by_name["Kemiskinan Ekstrem"][3])) == Decimal("4000000")
    assert Decimal(str(by_name["Stunting"][3])) == Decimal("3000000")
    # The total counts each tag once, not the sum of the theme rows.
    total = by_name["Seluruh tagging (tanpa hitung ganda)"]
    assert Decimal(str(total[3])) == Decimal("4000000") and total[2] == 2
    cross = [[c.value for c in r] for r in wb["Lintas tema"].iter_rows()]
    row = next(r for r in cross if r[0] == world["sa"].code)
    assert row[2] == "Kemiskinan Ekstrem, Stunting"
    assert Decimal(str(row[3])) == Decimal("3000000")
    assert Decimal(str(row[4])) == Decimal("1200000")
    assert cross[-1][0] == "Jumlah lintas tema (1 tagging)"

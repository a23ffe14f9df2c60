"""Year rollover (issue 15): the new year gets the active OPDs' sub kegiatan, tags and lokus as
drafts; the old year is never touched. The first test is the issue's "done when": a kabupaten
set up from three files, rolled over, the copies found, the old year's rollup unchanged."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.budget.services import themes
from app.core.errors import ServiceError
from app.setup.services.rollover import apply_rollover, plan_rollover
from models import (
    AuditLog,
    FiscalYear,
    Opd,
    Realization,
    SubActivity,
    Submission,
    Tag,
    TagTheme,
    Theme,
    Village,
    db,
)
from reports.queries.rollup import RollupFilter, rollup, total

from .test_setup_import import (
    AREA_HEADER,
    AREAS,
    OPD_HEADER,
    USER_HEADER,
    USERS,
    cli,
    csv_bytes,
    opd_rows,
    write,
    xlsx_bytes,
)

D = Decimal


def old_year_figures(app, fy_id):
    """The old year's rollup by strategy, by OPD, by desa, and its total, computed afresh."""
    app.extensions["cache"].clear()
    figures = {}
    for quarter in (1, 2, 4):
        f = RollupFilter(fy_id, quarter=quarter)
        for by in ("strategy", "opd", "tag_kind", "village"):
            figures[by, quarter] = [tuple(vars(r).values()) for r in rollup(f, by)]
        figures["total", quarter] = tuple(vars(total(f)).values())
    return figures


def old_year_rows(fy):
    """Every row of the year, with its values: sub kegiatan, tags, lokus, realization."""
    sas = db.session.scalars(select(SubActivity).where(SubActivity.fiscal_year_id == fy.id)
                             .order_by(SubActivity.id)).all()
    return [(sa.id, sa.code, sa.allocation_original, sa.allocation_revised, sa.version,
             [(t.id, t.amount, t.version, sorted((tv.village_id, tv.amount) for tv in t.villages),
               db.session.scalars(select(Realization.amount).where(Realization.tag_id == t.id)
                                  .order_by(Realization.quarter_id)).all())
              for t in sa.tags]) for sa in sas]


def sa_in(opd, fy):
    return db.session.scalars(select(SubActivity).where(
        SubActivity.opd_id == opd.id, SubActivity.fiscal_year_id == fy.id)
        .order_by(SubActivity.code)).all()


@pytest.fixture
def kabupaten(app, tmp_path, make):
    """OPDs, areas and users from three files; a 2026 plan with tags, lokus and realization."""
    for command, name, data in (
            ("import-opds", "opd.csv", csv_bytes(OPD_HEADER, opd_rows())),
            ("import-areas", "wilayah.xlsx", xlsx_bytes(AREA_HEADER, AREAS)),
            ("import-users", "pengguna.csv", csv_bytes(USER_HEADER, USERS))):
        out = cli(app, "setup", command, write(tmp_path, name, data))
        assert out.exit_code == 0, out.output
    opds = {o.short_name: o for o in db.session.scalars(select(Opd).where(
        Opd.short_name.in_(["Dinsos", "Bappeda", "Kec. Sukamaju"])))}
    villages = {v.code: v for v in db.session.scalars(select(Village).where(
        Village.code.like("91.07.%")))}
    fy = make.fiscal_year(2026)
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    dinsos, bappeda, kec = opds["Dinsos"], opds["Bappeda"], opds["Kec. Sukamaju"]
    sa1 = make.sub_activity(dinsos, fy, "800000000", code="1.06.05.2.02.0001")
    sa1.allocation_revised = D("900000000")  # the perubahan: the allocation in force
    sa2 = make.sub_activity(dinsos, fy, "150000000", code="1.06.05.2.02.0002")
    sa3 = make.sub_activity(bappeda, fy, "50000000", code="5.01.01.2.01.0001")
    sa_kec = make.sub_activity(kec, fy, "20000000", code="7.01.01.2.01.0001")
    t1 = make.tag(sa1, "850000000", 1, "langsung", target_count=120,
                  benefit_per_recipient=D("600000"), aid_type="Sembako")
    make.tag(sa1, "30000000", 2, "penunjang", target_count=4)
    t3 = make.tag(sa2, "100000000", 2, "tidak_langsung", target_count=40)
    make.tag(sa3, "50000000", 3, "penunjang", target_count=10)
    t5 = make.tag(sa_kec, "20000000", 3, "langsung", target_count=2)
    make.tag_village(t1, villages["91.07.01.2001"], "500000000", 70)
    make.tag_village(t1, villages["91.07.02.2001"], "350000000", 50)
    make.tag_village(t3, villages["91.07.01.1002"])
    make.tag_village(t5, villages["91.07.01.2001"])
    for tag, amount in ((t1, "300000000"), (t3, "25000000"), (t5, "5000000")):
        make.realization(tag, q1, amount, "30", 10)
    make.realization(t1, q2, "600000000", "60", 80)
    make.submission(dinsos, q1, "verified")
    make.submission(kec, q1, "verified")
    # The kecamatan office closes: no new work, but its 2026 rows stay in every report.
    kec.is_active = False
    db.session.flush()
    return dict(fy=fy, dinsos=dinsos, bappeda=bappeda, kec=kec, t1=t1, sa1=sa1)


def test_kabupaten_from_three_files_rolled_over_old_year_unchanged(app, kabupaten):
    k = kabupaten
    before = old_year_figures(app, k["fy"].id)
    opd_rows_q1 = {row[1]: row for row in before["opd", 1]}
    assert opd_rows_q1["7.01.0.00.0.00.01.0000"][5] == D("5000000")  # inactive, still counted
    assert before["total", 1][5] == D("330000000")
    old_rows = old_year_rows(k["fy"])
    stunting = Theme(code="stunting-uji", name="Stunting (uji)")
    db.session.add(stunting)
    db.session.flush()
    db.session.add(TagTheme(tag_id=k["t1"].id, theme_id=stunting.id))
    db.session.flush()

    out = cli(app, "year", "rollover", "--from", "2026", "--to", "2027", "--copy-allocation")
    assert out.exit_code == 0, out.output
    assert "3 sub kegiatan, 4 tagging dan 3 lokus desa dari 2 OPD disalin" in out.output
    assert re.search(r"7\.01\.0\.00\.0\.00\.01\.0000 .* Dilewati: OPD nonaktif", out.output)

    new = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027))
    assert [q.number for q in new.quarters] == [1, 2, 3, 4]
    assert all((q.deadline - q.end_date) == timedelta(days=15) for q in new.quarters)
    copied = sa_in(k["dinsos"], new)
    assert [sa.code for sa in copied] == ["1.06.05.2.02.0001", "1.06.05.2.02.0002"]
    first = copied[0]
    assert first.allocation_original == D("900000000") and first.allocation_revised is None
    assert first.name == k["sa1"].name and first.funding_source_id == k["sa1"].funding_source_id
    tags = sorted(first.tags, key=lambda t: t.amount, reverse=True)
    assert [(t.amount, t.strategy.code, t.tag_kind.code, t.target_count) for t in tags] == [
        (D("850000000"), 1, "langsung", 120), (D("30000000"), 2, "penunjang", 4)]
    assert tags[0].aid_type == "Sembako" and tags[0].benefit_per_recipient == D("600000")
    # A copy serves its source's themes (the default theme when the source had none).
    assert themes.theme_ids_of(tags[0]) == themes.theme_ids_of(k["t1"]) | {stunting.id}
    assert themes.theme_ids_of(tags[1]) == themes.theme_ids_of(None)
    lokus = sorted((tv.village.code, tv.amount, tv.target_count) for tv in tags[0].villages)
    assert lokus == [("91.07.01.2001", D("500000000"), 70), ("91.07.02.2001", D("350000000"), 50)]
    assert len(sa_in(k["bappeda"], new)) == 1 and sa_in(k["kec"], new) == []
    # Drafts: no realization, no submission in the new year.
    assert db.session.scalar(select(func.count(Realization.id)).join(Tag).join(SubActivity)
                             .where(SubActivity.fiscal_year_id == new.id)) == 0
    assert db.session.scalar(select(func.count(Submission.id)).join(Submission.quarter)
                             .where(FiscalYear.id == new.id)
                             .join(FiscalYear)) == 0
    # The new year's rollup shows the plan: tagged amounts, nothing realized.
    app.extensions["cache"].clear()
    plan_total = total(RollupFilter(new.id, quarter=4))
    assert plan_total.tagged == D("1030000000") and plan_total.realized == 0

    # The old year: untouched, row for row and figure for figure.
    assert old_year_figures(app, k["fy"].id) == before
    assert len(sa_in(k["kec"], k["fy"])) == 1
    assert k["t1"].amount == D("850000000")
    assert old_year_rows(k["fy"]) == old_rows
    # Audited: each copy, and the rollover itself.
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "sub_activity", AuditLog.note.like("Salinan dari tahun%"))) == 3
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "rollover")) == 1


def test_second_rollover_skips_opds_already_in_the_target_year(app, kabupaten):
    assert cli(app, "year", "rollover", "--from", "2026", "--to", "2027").exit_code == 0
    count = db.session.scalar(select(func.count(SubActivity.id)))
    out = cli(app, "year", "rollover", "--from", "2026", "--to", "2027")
    assert out.exit_code == 0, out.output
    assert "0 sub kegiatan" in out.output and "3 OPD dilewati" in out.output
    assert "tahun tujuan sudah berisi sub kegiatan" in out.output
    assert db.session.scalar(select(func.count(SubActivity.id))) == count


def test_without_copy_allocation_amounts_are_zero_and_targets_kept(app, kabupaten):
    plan = apply_rollover(plan_rollover(2026, 2028, copy_allocation=False))
    assert plan.done and plan.total("sub_activities") == 3
    new = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2028))
    sas = sa_in(kabupaten["dinsos"], new)
    assert {sa.allocation_original for sa in sas} == {D("0")}
    tags = [t for sa in sas for t in sa.tags]
    assert {t.amount for t in tags} == {D("0")}
    assert sorted(t.target_count for t in tags) == [4, 40, 120]
    assert all(tv.amount is None for t in tags for tv in t.villages)
    assert sum(len(t.villages) for t in tags) == 3


def test_dry_run_writes_nothing(app, kabupaten):
    audits = db.session.scalar(select(func.count(AuditLog.id)))
    out = cli(app, "year", "rollover", "--from", "2026", "--to", "2027", "--dry-run")
    assert out.exit_code == 0 and "akan disalin" in out.output
    assert db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027)) is None
    assert db.session.scalar(select(func.count(AuditLog.id))) == audits


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2019", "--to", "2020"), "Tahun anggaran 2019 tidak ada"),
    (("--from", "2026", "--to", "2026"), "Tahun tujuan harus sesudah tahun asal"),
    (("--from", "2026", "--to", "9999"), "Tahun harus antara 2000 dan 2100"),
])
def test_refusals(app, make, args, message):
    make.fiscal_year(2026)
    out = cli(app, "year", "rollover", *args)
    assert out.exit_code != 0 and message in out.output


def test_existing_target_year_is_used_not_recreated(app, kabupaten, make):
    target = make.fiscal_year(2027)
    plan = apply_rollover(plan_rollover(2026, 2027, copy_allocation=True))
    assert plan.total("sub_activities") == 3
    assert db.session.scalar(select(func.count(FiscalYear.id)).where(
        FiscalYear.year == 2027)) == 1
    assert len(sa_in(kabupaten["dinsos"], target)) == 2


def test_service_refuses_unknown_year():
    with pytest.raises(ServiceError):
        plan_rollover(1999, 2027, copy_allocation=True)


def test_admin_page_previews_then_runs(client, make, login, kabupaten):
    login(make.user("admin"))
    page = client.get("/admin/penyiapan/tutup-tahun")
    assert page.status_code == 200
    form = {"from_year": "2026", "to_year": "2027", "copy_allocation": "y"}
    preview = client.post("/admin/penyiapan/tutup-tahun", data={**form, "action": "preview"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "akan disalin" in text
    assert "Dilewati: OPD nonaktif" in text and "Jalankan: salin 3 sub kegiatan" in text
    assert db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027)) is None
    done = client.post("/admin/penyiapan/tutup-tahun",
                       data={**form, "action": "run", "confirm": "1"})
    assert done.status_code == 200 and "3 sub kegiatan" in done.get_data(as_text=True)
    new = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2027))
    assert len(sa_in(kabupaten["dinsos"], new)) == 2
    bad = client.post("/admin/penyiapan/tutup-tahun", data={"from_year": "2026",
                                                            "to_year": "2025"})
    assert bad.status_code == 200 and "Tahun tujuan harus sesudah" in bad.get_data(as_text=True)

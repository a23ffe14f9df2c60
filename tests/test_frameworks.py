"""Issue 17: strategy frameworks. Tags keep their Inpres strategy; a framework's mapping sends
each Inpres strategy to one strategy of it, so a Permendagri 53/2020 rollup or report totals
exactly what the Inpres one does."""
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.services.api_tokens import create_token
from models import Framework, Strategy, StrategyMapping, db
from reports import rollup
from reports.content import build_content, resolve_options
from reports.frameworks import UNMAPPED, framework_of, rollup_by_framework
from reports.rollup import RollupFilter

YEAR = 2037


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    sa = make.sub_activity(make.opd(), fy, allocation="90000000")
    tags = [make.tag(sa, "10000000", 1), make.tag(sa, "20000000", 2),
            make.tag(sa, "30000000", 3), make.tag(sa, "5000000", 3)]
    q2 = make.quarter(fy, 2)
    for t, amount in zip(tags, ("1000000", "2000000", "3000000", "500000"), strict=True):
        make.realization(t, q2, amount, "50", 3)
    db.session.flush()
    return dict(fy=fy, sa=sa, tags=tags)


def _permendagri():
    return framework_of("permendagri_53_2020")


def test_permendagri_rollup_totals_equal_the_inpres_rollup(world):
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=2)
    rows = rollup_by_framework(f, _permendagri().id)
    assert [r.key for r in rows] == [1, 2, 3, 4]
    by_code = {r.key: r for r in rows}
    # Inpres 3 (kantong kemiskinan) -> Permendagri 4 (sinergi); nothing maps to 3 (UMK).
    assert by_code[4].tagged == Decimal("35000000.00") and by_code[4].tags == 2
    assert by_code[3].tagged == Decimal("0.00")
    total = rollup.total(f)
    assert sum(r.tagged for r in rows) == total.tagged
    assert sum(r.realized for r in rows) == total.realized
    assert sum(r.reached for r in rows) == total.reached
    # The default framework is the strategy rollup itself.
    inpres = rollup_by_framework(f, framework_of(None).id)
    assert [(r.key, r.tagged, r.realized) for r in inpres] == [
        (int(r.code), r.tagged, r.realized) for r in rollup.rollup(f, "strategy")]


def test_an_unmapped_strategy_shows_as_its_own_row_so_totals_hold(world):
    fw = _permendagri()
    s3 = db.session.scalar(select(Strategy.id).where(Strategy.code == 3))
    db.session.execute(delete(StrategyMapping).where(StrategyMapping.framework_id == fw.id,
                                                     StrategyMapping.strategy_id == s3))
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=2)
    rows = rollup_by_framework(f, fw.id)
    assert rows[-1].key is None and rows[-1].label == UNMAPPED
    assert sum(r.tagged for r in rows) == rollup.total(f).tagged


def test_the_permendagri_report_totals_equal_the_inpres_report(world):
    options = dict(quarter=2, include_unverified=True)
    inpres = build_content(resolve_options(YEAR, "quarterly", **options))
    perm = build_content(resolve_options(YEAR, "quarterly", framework="permendagri_53_2020",
                                         **options))
    assert perm.total == inpres.total
    assert perm.matrix_total == inpres.matrix_total
    assert sum(r.tagged for r in perm.by_strategy) == sum(r.tagged for r in inpres.by_strategy)
    assert [r.code for r in perm.by_strategy] == ["1", "2", "3", "4"]
    assert [r.code for r in inpres.by_strategy] == ["1", "2", "3"]
    labels = {row.values[1] for row in perm.matrix}
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in " ".join(
        map(str, labels))


def test_frameworks_page_and_api(client, make, login, world):
    login(make.user("viewer"))
    html = client.get(f"/konvergensi/kerangka?tahun={YEAR}&triwulan=2"
                      "&kerangka=permendagri_53_2020").get_data(as_text=True)
    assert "Mensinergikan kebijakan" in html and "Rp 35.000.000" in html
    assert "Rp 65.000.000" in html  # the total
    assert client.get(f"/konvergensi/kerangka?tahun={YEAR}&kerangka=tidak-ada").status_code == 404
    _, secret = create_token(make.user("viewer"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    data = client.get(f"/api/v1/rollups?year={YEAR}&quarter=2&by=strategy"
                      "&framework=permendagri_53_2020", headers=headers).get_json()
    assert [r["code"] for r in data["rows"]] == ["1", "2", "3", "4"]
    assert data["total"]["tagged"] == "65000000.00"
    resp = client.get(f"/api/v1/rollups?year={YEAR}&by=opd&framework=permendagri_53_2020",
                      headers=headers)
    assert resp.status_code == 422
    resp = client.get(f"/api/v1/rollups?year={YEAR}&framework=x", headers=headers)
    assert resp.status_code == 422
    assert db.session.scalar(select(Framework.id).where(Framework.is_default)) is not None


def _report_post(client, **data):
    from tests import report_data

    form = {"variant": "quarterly", "year": report_data.YEAR, "quarter": 3, "semester": 1,
            "opd_id": 0, "fmt": "xlsx", "number": "", "include_unverified": "y"}
    form.update(data)
    return client.post("/laporan/", data=form)


def test_report_page_builds_the_permendagri_report_with_the_other_sources_annex(
        client, make, login):
    from io import BytesIO

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from models import OtherIntervention, ReportBuild
    from tests import report_data

    fy_id = report_data.build().fy.id
    village = make.village()
    db.session.add(OtherIntervention(
        fiscal_year_id=fy_id, village_id=village.id,
        strategy_id=db.session.scalar(select(Strategy.id).where(Strategy.code == 2)),
        source_kind="baznas", provider_name="BAZNAS Kabupaten",
        amount_planned=Decimal("4500000")))
    login(make.user("secretariat"))
    page = client.get("/laporan/").get_data(as_text=True)
    assert "Permendagri 53/2020" in page and "Kemiskinan Ekstrem" in page
    resp = _report_post(client, framework="permendagri_53_2020")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1500]
    wb = load_workbook(BytesIO(resp.data))
    summary = " ".join(str(c.value) for row in wb["Ringkasan"].iter_rows() for c in row
                       if c.value is not None)
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in summary
    other = [[c.value for c in row] for row in wb["Sumber Lain"].iter_rows()]
    assert any("BAZNAS / LAZ" in row for row in other)
    build = db.session.scalar(select(ReportBuild).order_by(ReportBuild.id.desc()).limit(1))
    assert build.framework_code == "permendagri_53_2020"
    resp = _report_post(client, fmt="pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(resp.data)).pages)
    assert "Sumber Dana Lain di Desa" in text and "Rp 4.500.000" in text
    resp = _report_post(client, framework="tidak-ada")  # a tampered choice: the form again
    assert resp.status_code == 200 and resp.mimetype == "text/html"


def test_cli_report_in_permendagri(app, tmp_path):
    from openpyxl import load_workbook

    from tests import report_data

    report_data.build()
    xlsx = tmp_path / "r.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "report", "kemenko", "--year", str(report_data.YEAR), "--quarter", "3",
        "--framework", "permendagri_53_2020", "--include-unverified", "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    cells = [c.value for row in load_workbook(xlsx)["Ringkasan"].iter_rows() for c in row]
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in " ".join(
        str(c) for c in cells if c)
    bad = app.test_cli_runner().invoke(args=[
        "report", "kemenko", "--year", str(report_data.YEAR), "--quarter", "3",
        "--theme", "tidak_ada", "--xlsx", str(xlsx)])
    assert bad.exit_code != 0 and "Tema tidak_ada tidak ada." in bad.output

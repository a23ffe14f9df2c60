"""Household coverage rollups (issue 16) on the shared world of tests/test_coverage.py: reach by
number of strategies, the same aid from several OPDs, spend per household, the unreached list,
the report annex, the API and the demo data."""
import re

from sqlalchemy import func, select

from app.coverage import keys
from models import db
from reports.queries import coverage as report

from . import coverage_files as cf
from .test_coverage import YEAR, _coverage_world, import_bnba, world

__all__ = ["world"]  # the fixture, shared with test_coverage


def test_reach_by_number_of_strategies(client, login, world, make):
    _coverage_world(client, login, world)
    snap = report.current_snapshot()
    fy = world["fy"]
    v1, v2, _ = world["villages"]
    rows = {r.key: r for r in report.by_village(snap.id, fy.id, 3)}
    # desa 1: family 1 by 3 strategies, family 2 by 1, family 3 by none
    assert rows[v1.id].households == 3 and rows[v1.id].by_count == (1, 1, 0, 1)
    assert rows[v2.id].by_count == (2, 0, 0, 0)  # family 4's list is for TW IV
    assert report.by_village(snap.id, fy.id, 4)[1].by_count == (1, 1, 0, 0)
    total = report.total(snap.id, fy.id, 3)
    assert total.households == 5 and total.by_count == (3, 1, 0, 1) and total.reached == 2
    rows, n = report.unreached(snap.id, fy.id, 3)
    h = keys.Hasher(keys.household_key())
    assert n == 3
    assert sorted(p for _, _, p in rows) == sorted(
        h(keys.FAMILY, cf.kk(f)).hex()[:12] for f in (3, 4, 5))


def test_same_aid_from_several_opds(client, login, world):
    _coverage_world(client, login, world)
    snap = report.current_snapshot()
    rows = report.overlaps(snap.id, world["fy"].id, 4)
    assert [(r.strategy, r.aid_type, r.households, r.opds) for r in rows] == [(1, "uang", 1, 2)]


def test_spend_per_reached_household(client, login, world, make):
    _coverage_world(client, login, world)
    fy = world["fy"]
    make.realization(world["tags"]["a1"], make.quarter(fy, 1), amount="3000000")
    make.realization(world["tags"]["b1"], make.quarter(fy, 1), amount="1500000")
    rows = {r.strategy: r for r in report.spend(fy.id, 1)}
    # strategy 1 at TW I: lists of a1 (families 1, 2) and b1 (families 1, 6): 3 households
    assert rows[1].tags == 2 and rows[1].households == 3
    assert rows[1].realized == 4500000 and rows[1].per_household == 1500000
    assert set(rows) == {1}


def test_report_annex_only_with_household_data(client, login, world):
    from datetime import date
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.content.kemenko import build_content, resolve_options
    from reports.xlsx.kemenko import build_xlsx

    def sheets():
        content = build_content(resolve_options(YEAR, quarter=3, fixed_date=date(YEAR, 10, 20),
                                                include_unverified=True))
        return load_workbook(BytesIO(build_xlsx(content)))

    assert "Cakupan RT" not in sheets().sheetnames  # no BNBA yet: the report as before
    _coverage_world(client, login, world)
    ws = sheets()["Cakupan RT"]
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    district_row = next(r for r in values if world["district"].name in r)
    assert list(district_row[2:7]) == [5, 3, 1, 0, 1]
    text = "\n".join(str(c) for r in values for c in r if c is not None)
    assert cf.nik(1) not in text and "3299" not in text


def test_report_pdf_prints_the_annex(client, login, world):
    from datetime import date

    from reports.content.kemenko import build_content, resolve_options
    from reports.pdf.kemenko import build_pdf

    _coverage_world(client, login, world)
    content = build_content(resolve_options(YEAR, quarter=3, fixed_date=date(YEAR, 10, 20),
                                            include_unverified=True))
    pdf = build_pdf(content)
    data = getattr(pdf, "data", pdf)
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    assert "Cakupan Rumah Tangga Desil 1" in out and world["district"].name in out


def test_api_coverage_counts_only(app, client, login, world):
    from app.accounts.api_tokens import create_token

    _coverage_world(client, login, world)
    _, token = create_token(world["users"]["viewer"], "uji cakupan")
    resp = client.get(f"/api/v1/coverage?year={YEAR}&quarter=3",
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["total"] == {"name": "Jumlah", "code": "", "households": 5, "unreached": 3,
                             "by_one": 1, "by_two": 0, "by_three": 1}
    assert body["overlaps"] == [{"strategy": 1, "aid_type": "uang", "households": 1, "opds": 2}]
    assert [p["desil1"] for p in body["trend"]] == [5]
    h = keys.Hasher(keys.household_key())
    raw = resp.get_data(as_text=True)
    assert h(keys.FAMILY, cf.kk(3)).hex()[:12] not in raw and "3299" not in raw
    assert client.get("/api/v1/coverage").status_code == 401
    resp = client.get("/api/v1/coverage?quarter=9", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 422


def test_demo_has_meaningful_coverage(app, make):
    """The demo kabupaten (make run): two BNBA extracts, lists for tags of every strategy."""
    from app.demo.households import seed
    from models import VillageYear

    fy = make.fiscal_year(2090)
    tags = [make.tag(make.sub_activity(fy=fy), strategy_code=s, target_unit="KK",
                     aid_type="Uang") for s in (1, 2, 3) for _ in range(2)]
    for _ in range(3):
        v = make.village(fy=fy, priority=True, desil1=30)
        for t in tags:
            make.tag_village(t, v)
    assert db.session.scalar(select(func.count(VillageYear.id)).where(
        VillageYear.fiscal_year_id == fy.id)) == 3
    import random

    assert seed(fy, tags, random.Random(16)) == 3 * 45
    snap = report.current_snapshot()
    total = report.total(snap.id, fy.id, 4)
    assert total.households == 90 and total.reached > 0 and total.by_count[2] + \
        total.by_count[3] > 0
    trend = report.trend()
    assert len(trend) == 2 and trend[0].desil1 > trend[1].desil1
    assert {r.strategy for r in report.spend(fy.id, 4)} == {1, 2, 3}


def test_unreached_list_pages(client, login, world, monkeypatch):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    monkeypatch.setattr(report, "PAGE_SIZE", 2)
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}&halaman={page}").get_data(
            as_text=True)
        seen += re.findall(r'<td class="code">([0-9a-f]{12})</td>', html)
    assert len(seen) == len(set(seen)) == 5
    assert "Halaman 3 dari 3" in html

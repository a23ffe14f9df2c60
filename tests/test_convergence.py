"""Issue 17: other sources at the lokus desa count for convergence and gaps (unless "APBD
kabupaten saja"), entered and imported by the secretariat, audited, stale edits refused."""
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditLog, OtherIntervention, Strategy, db
from reports.queries import convergence as sources_report
from reports.queries import lokus
from reports.queries.rollup import RollupFilter

YEAR = 2035


def _strategy(code: int) -> int:
    return db.session.scalar(select(Strategy.id).where(Strategy.code == code))


def _intervention(fy, village, kind, strategy_code, planned="1000000", **kw):
    iv = OtherIntervention(fiscal_year_id=fy.id, village_id=village.id,
                           strategy_id=_strategy(strategy_code), source_kind=kind,
                           provider_name=kw.pop("provider", f"Penyedia {kind}"),
                           amount_planned=Decimal(planned), **kw)
    db.session.add(iv)
    db.session.flush()
    return iv


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    dist = make.district()
    desa = make.village(dist, fy, priority=True, desil1=50)
    desa.name = "Desa Konvergen"
    only_baznas = make.village(dist, fy, priority=True, desil1=30)
    only_baznas.name = "Desa Zakat"
    sa = make.sub_activity(make.opd(), fy)
    tag = make.tag(sa, "2000000", 1)
    make.tag_village(tag, desa)
    db.session.flush()
    return dict(fy=fy, dist=dist, desa=desa, only_baznas=only_baznas, tag=tag)


def _convergence(world, other_sources):
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=4)
    rows = {v.village_id: v for v in lokus.priority_villages(f, other_sources=other_sources)}
    return rows[world["desa"].id].convergence


def test_convergence_rises_from_1_to_3_with_dana_desa_and_csr(world):
    assert _convergence(world, True) == 1
    _intervention(world["fy"], world["desa"], "dana_desa", 2, realized_q1=Decimal("250000"))
    _intervention(world["fy"], world["desa"], "csr", 3)
    assert _convergence(world, True) == 3
    assert _convergence(world, False) == 1  # "APBD kabupaten saja"
    districts = {d.id: d for d in lokus.by_district(world["fy"].id, other_sources=True)}
    assert districts[world["dist"].id].converged == 1
    apbd_only = {d.id: d for d in lokus.by_district(world["fy"].id)}
    assert apbd_only[world["dist"].id].converged == 0


def test_a_desa_reached_only_by_baznas_is_no_gap_unless_apbd_only(world):
    _intervention(world["fy"], world["only_baznas"], "baznas", 1, households_reached=12)
    gaps_all = {g.id for g in lokus.gaps(world["fy"].id, other_sources=True)}
    gaps_apbd = {g.id for g in lokus.gaps(world["fy"].id)}
    assert world["only_baznas"].id not in gaps_all
    assert world["only_baznas"].id in gaps_apbd


def test_split_by_source_sums_in_sql_and_realization_to_date(world):
    fy = world["fy"]
    _intervention(fy, world["desa"], "dana_desa", 2, "3000000", realized_q1=Decimal("100000.50"),
                  realized_q2=Decimal("200000"), households_reached=5)
    _intervention(fy, world["only_baznas"], "dana_desa", 1, "1000000",
                  realized_q3=Decimal("7"), households_reached=2)
    _intervention(fy, world["desa"], "csr", 3, "500000")
    rows = {r.code: r for r in sources_report.other_sources(fy.id, 2)}
    assert list(rows) == ["dana_desa", "csr"]
    dd = rows["dana_desa"]
    assert (dd.interventions, dd.villages, dd.planned, dd.realized, dd.households) == (
        2, 2, Decimal("4000000.00"), Decimal("300000.50"), 7)
    assert sources_report.other_sources(fy.id, 4)[0].realized == Decimal("300007.50")


def test_lokus_page_shows_the_split_and_the_toggle(client, make, login, world):
    _intervention(world["fy"], world["desa"], "dana_desa", 2)
    _intervention(world["fy"], world["desa"], "csr", 3)
    login(make.user("viewer"))
    html = client.get(f"/lokus/?tahun={YEAR}&triwulan=4").get_data(as_text=True)
    row = html[html.index('id="desa"'):]
    row = row[row.index("Desa Konvergen"):].split("</tr>")[0]
    assert "3/3" in row and "Dana Desa" in row and "CSR" in row
    split = html[html.index('id="sumber"'):html.index('id="kesenjangan"')]
    assert "APBD Kabupaten" in split and "Dana Desa" in split and "Rp 2.000.000" in split
    html = client.get(f"/lokus/?tahun={YEAR}&triwulan=4&sumber=apbd").get_data(as_text=True)
    row = html[html.index('id="desa"'):]
    row = row[row.index("Desa Konvergen"):].split("</tr>")[0]
    assert "1/3" in row and 'value="apbd" checked' in html


def _form(world, **over):
    data = {"source_kind": "dana_desa", "provider_name": "Pemerintah Desa Konvergen",
            "village_id": str(world["desa"].id), "strategy_id": str(_strategy(2)),
            "description": "Padat karya tunai desa", "amount_planned": "12.500.000",
            "realized_q1": "2.500.000", "realized_q2": "", "realized_q3": "", "realized_q4": "",
            "households_reached": "40", "notes": ""}
    data.update(over)
    return data


def test_secretariat_creates_edits_and_deletes_with_audit(client, make, login, world):
    login(make.user("secretariat"))
    resp = client.post(f"/konvergensi/intervensi/baru?tahun={YEAR}", data=_form(world))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1500]
    iv = db.session.scalar(select(OtherIntervention).where(
        OtherIntervention.fiscal_year_id == world["fy"].id))
    assert (iv.amount_planned, iv.realized_q1, iv.households_reached) == (
        Decimal("12500000.00"), Decimal("2500000.00"), 40)
    html = client.get(f"/konvergensi/intervensi?tahun={YEAR}&triwulan=1").get_data(as_text=True)
    assert "Pemerintah Desa Konvergen" in html and "Rp 2.500.000" in html
    old = iv.version
    resp = client.post(f"/konvergensi/intervensi/{iv.id}/ubah",
                       data=_form(world, version=str(old), amount_planned="15.000.000"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(OtherIntervention, iv.id).amount_planned == Decimal("15000000.00")
    # A second tab still holding the old version is refused, showing the current values.
    resp = client.post(f"/konvergensi/intervensi/{iv.id}/ubah",
                       data=_form(world, version=str(old), amount_planned="1"))
    assert resp.status_code == 409
    assert "15.000.000" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OtherIntervention, iv.id).amount_planned == Decimal("15000000.00")
    version = db.session.get(OtherIntervention, iv.id).version
    assert client.post(f"/konvergensi/intervensi/{iv.id}/hapus",
                       data={"version": str(version)}).status_code == 302
    assert db.session.get(OtherIntervention, iv.id) is None
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.entity == "other_intervention", AuditLog.entity_id == iv.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["create", "update", "delete"]


def test_bad_input_is_refused_beside_the_field_and_writes_nothing(client, make, login, world):
    login(make.user("secretariat"))
    resp = client.post(f"/konvergensi/intervensi/baru?tahun={YEAR}",
                       data=_form(world, amount_planned="-5", provider_name="",
                                  village_id="99999999999"))
    assert resp.status_code == 422
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0


def test_viewer_reads_but_cannot_write(client, make, login, world):
    login(make.user("viewer"))
    assert client.get(f"/konvergensi/intervensi?tahun={YEAR}").status_code == 200
    assert client.post(f"/konvergensi/intervensi/baru?tahun={YEAR}",
                       data=_form(world)).status_code == 403
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0


def _csv(world, extra=()):
    lines = ["Kode Desa;Sumber;Penyedia;Strategi;Uraian;Rencana (Rp);Realisasi TW I (Rp);"
             "Realisasi TW II (Rp);Realisasi TW III (Rp);Realisasi TW IV (Rp);Rumah Tangga;"
             "Catatan",
             f"{world['desa'].code};Dana Desa;Pemdes Konvergen;2;BLT;10.000.000;2.500.000;;;;25;",
             f"{world['only_baznas'].code};BAZNAS;BAZNAS Kabupaten;1;Santunan;5000000;;;;;10;",
             *extra]
    return "\n".join(lines).encode()


def _upload(client, data, name="intervensi.csv"):
    return client.post(f"/konvergensi/intervensi/impor?tahun={YEAR}",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_import_previews_then_applies_all_and_reimport_updates(client, make, login, world):
    login(make.user("secretariat"))
    resp = _upload(client, _csv(world))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Simpan 2 intervensi" in html
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0  # preview only
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    resp = client.post(f"/konvergensi/intervensi/impor/simpan?tahun={YEAR}",
                       data={"token": token})
    assert resp.status_code == 302
    rows = db.session.scalars(select(OtherIntervention).order_by(OtherIntervention.id)).all()
    assert [(r.source_kind, r.amount_planned, r.households_reached) for r in rows] == [
        ("dana_desa", Decimal("10000000.00"), 25), ("baznas", Decimal("5000000.00"), 10)]
    # The same file again updates the same two interventions: nothing counted twice.
    html = _upload(client, _csv(world)).get_data(as_text=True)
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    client.post(f"/konvergensi/intervensi/impor/simpan?tahun={YEAR}", data={"token": token})
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 2


def test_import_with_a_bad_row_writes_nothing_and_names_the_row(client, make, login, world):
    login(make.user("secretariat"))
    resp = _upload(client, _csv(world, [f"{world['desa'].code};Arisan;X;7;;abc;;;;;;",
                                        "99.99.99.9999;CSR;PT Uji;1;;1000;;;;;;"]))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "strategi harus 1, 2 atau 3" in html and "99.99.99.9999" in html
    assert 'name="token"' not in html
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0


@pytest.mark.parametrize("strategy, households", [
    ("inf", "25"), ("NaN", "25"), ("2", "inf"), ("2", "1e309"), ("2", "2.5"), ("2", "-3"),
    ("2", "99999999999")])
def test_import_refuses_counts_that_are_not_whole_numbers(client, make, login, world,
                                                          strategy, households):
    login(make.user("secretariat"))
    row = f"{world['desa'].code};CSR;PT Uji;{strategy};;1000;;;;;{households};"
    resp = _upload(client, _csv(world, [row]))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:300]
    assert ("strategi harus 1, 2 atau 3" in html if strategy != "2"
            else "rumah tangga harus bilangan bulat" in html)
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0


def test_import_refuses_a_tampered_token(client, make, login, world):
    login(make.user("secretariat"))
    resp = client.post(f"/konvergensi/intervensi/impor/simpan?tahun={YEAR}",
                       data={"token": "palsu"})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count(OtherIntervention.id))) == 0


def test_import_refuses_a_file_that_is_not_a_sheet(client, make, login, world):
    login(make.user("secretariat"))
    resp = _upload(client, b"PK\x03\x04 not really", "x.xlsx")
    assert resp.status_code == 422
    assert "xlsx" in resp.get_data(as_text=True).lower()


def test_api_shows_convergence_with_every_source_and_the_split(client, make, world):
    from app.accounts.api_tokens import create_token

    _intervention(world["fy"], world["desa"], "dana_desa", 2, "3000000",
                  realized_q1=Decimal("1000000"), households_reached=8)
    _intervention(world["fy"], world["desa"], "csr", 3, "500000")
    _, secret = create_token(make.user("viewer"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    data = client.get(f"/api/v1/lokus/convergence?year={YEAR}&quarter=1",
                      headers=headers).get_json()
    desa = next(v for v in data["villages"] if v["village_id"] == world["desa"].id)
    assert desa["convergence"] == 3 and desa["strategies"] == [1, 2, 3]
    assert {o["source"]: o["planned"] for o in desa["other"]} == {
        "dana_desa": "3000000.00", "csr": "500000.00"}
    assert [(s["code"], s["planned"], s["realized"]) for s in data["sources"]] == [
        ("apbd_kabupaten", "2000000.00", "0.00"), ("dana_desa", "3000000.00", "1000000.00"),
        ("csr", "500000.00", "0.00")]
    assert [g["village_id"] for g in data["gaps"]] == [world["only_baznas"].id]
    data = client.get(f"/api/v1/lokus/convergence?year={YEAR}&apbd_only=true",
                      headers=headers).get_json()
    desa = next(v for v in data["villages"] if v["village_id"] == world["desa"].id)
    assert desa["convergence"] == 1 and data["sources"] == [] and data["apbd_only"] is True
    opd = make.user("opd")
    _, secret = create_token(opd, "uji")
    resp = client.get(f"/api/v1/lokus/convergence?year={YEAR}",
                      headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 403


def test_dashboard_shows_other_sources_beside_apbd(client, make, login, world):
    _intervention(world["fy"], world["desa"], "baznas", 1, "750000")
    login(make.user("secretariat"))
    html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=4").get_data(as_text=True)
    panel = html[html.index('id="sumber-lain"'):]
    panel = panel[:panel.index("</section>")]
    assert "APBD Kabupaten" in panel and "BAZNAS / LAZ" in panel and "Rp 750.000" in panel
    assert "Rp 2.750.000" in panel  # the total of both


def test_lokus_and_dashboard_xlsx_carry_the_split_by_source(client, make, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    _intervention(world["fy"], world["desa"], "csr", 3, "640000")
    login(make.user("secretariat"))
    for url in (f"/lokus/?tahun={YEAR}&triwulan=4&format=xlsx",
                f"/dasbor/?tahun={YEAR}&triwulan=4&format=xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        ws = load_workbook(BytesIO(resp.data))["Sumber dana desa"]
        rows = [[c.value for c in row] for row in ws.iter_rows()]
        csr = next(r for r in rows if r[0] == "CSR")
        assert Decimal(str(csr[3])) == Decimal("640000")
    resp = client.get(f"/lokus/?tahun={YEAR}&triwulan=4&format=xlsx&sumber=apbd")
    assert "Sumber dana desa" not in load_workbook(BytesIO(resp.data)).sheetnames


def test_forms_open_for_the_secretariat(client, make, login, world):
    iv = _intervention(world["fy"], world["desa"], "apbn", 1, provider="Kemensos (PKH)")
    login(make.user("secretariat"))
    html = client.get(f"/konvergensi/intervensi/baru?tahun={YEAR}").get_data(as_text=True)
    assert 'name="provider_name"' in html and "BAZNAS / LAZ" in html and "Desa Konvergen" in html
    html = client.get(f"/konvergensi/intervensi/{iv.id}/ubah").get_data(as_text=True)
    assert 'value="Kemensos (PKH)"' in html and f'value="{iv.version}"' in html
    assert client.get(f"/konvergensi/intervensi/{iv.id + 999}/ubah").status_code == 404
    html = client.get(f"/konvergensi/intervensi/impor?tahun={YEAR}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html


def test_the_interventions_list_downloads_as_xlsx_with_its_filter(client, make, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    _intervention(world["fy"], world["desa"], "dana_desa", 1, "1500000",
                  provider="Pemerintah Desa Konvergen", realized_q1=Decimal("300000"),
                  realized_q2=Decimal("200000"), households_reached=12)
    _intervention(world["fy"], world["only_baznas"], "baznas", 2, "700000")
    login(make.user("viewer"))
    html = client.get(f"/konvergensi/intervensi?tahun={YEAR}").get_data(as_text=True)
    assert "format=xlsx" in html and "Unduh XLSX" in html
    resp = client.get(f"/konvergensi/intervensi?tahun={YEAR}&triwulan=2&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert f"intervensi-sumber-lain-{YEAR}-tw2.xlsx" in resp.headers["Content-Disposition"]
    wb = load_workbook(BytesIO(resp.data))
    assert wb.sheetnames == ["Sumber dana desa", "Intervensi"]
    rows = [[c.value for c in r] for r in wb["Intervensi"].iter_rows()]
    dd = next(r for r in rows if r[4] == "Pemerintah Desa Konvergen")
    assert dd[1] == "Desa Konvergen" and dd[3] == "Dana Desa" and dd[6] == 1
    # Realization to date at TW II: the two quarterly flows, as the page shows it.
    assert Decimal(str(dd[7])) == Decimal("1500000") and Decimal(str(dd[8])) == Decimal("500000")
    assert dd[9] == 12
    split = [[c.value for c in r] for r in wb["Sumber dana desa"].iter_rows()]
    total = next(r for r in split if r[0] == "Jumlah")
    assert Decimal(str(total[3])) == Decimal("2000000") + Decimal("1500000") + Decimal("700000")
    # The page's source filter: only BAZNAS rows, and the sheet says so.
    resp = client.get(f"/konvergensi/intervensi?tahun={YEAR}&sumber=baznas&format=xlsx")
    rows = [[c.value for c in r] for r in load_workbook(BytesIO(resp.data))["Intervensi"]
            .iter_rows()]
    assert ["Sumber:", "BAZNAS / LAZ"] in [r[:2] for r in rows]
    assert [r[3] for r in rows[6:]] == ["BAZNAS / LAZ"]

"""The "Unduh XLSX" of every table page (issue 13): the sheet holds the page's own figures
(compared with the data function the page renders), its totals are the sums of its rows, the
page's filters are applied and written above the table, money is a number with a Rupiah format
(sen shown where the column has sen), and an OPD user gets no more than the page shows it."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.budget import queries as budget_queries
from app.cycle import compliance
from models import Strategy, db
from reports.queries import lokus as lokus_report
from reports.queries import rollup
from reports.queries.rollup import RollupFilter

YEAR = 2033
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUPIAH_SEN = '"Rp" #,##0.00'


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    mine = make.opd(name="Dinas Sosial Ekspor", short_name="DinsosE")
    other = make.opd(name="Dinas Kesehatan Ekspor", short_name="DinkesE")
    sa_mine = make.sub_activity(mine, fy, allocation="5000000.50", name="Sembako Ekspor Sendiri")
    sa_mine2 = make.sub_activity(mine, fy, allocation="2000000", name="Pelatihan Usaha Ekspor")
    sa_other = make.sub_activity(other, fy, name="Jaminan Kesehatan Rahasia Lain")
    t1 = make.tag(sa_mine, "1000000.25", 1, "langsung", description="Paket sembako")
    t2 = make.tag(sa_mine2, "2000000", 2, "tidak_langsung", description="Pelatihan")
    t3 = make.tag(sa_other, "3000000", 1, "penunjang", description="Iuran PBI rahasia")
    v1 = make.village(fy=fy, priority=True, desil1=12)
    v2 = make.village(fy=fy, priority=True, desil1=30)  # a gap: nothing reaches it
    make.tag_village(t1, v1)
    make.tag_village(t3, v1)
    make.realization(t1, q[1], "250000.75", "25", 10, anomalies="over_target",
                     explanation="Bertambah")
    make.realization(t2, q[1], "500000", "30", 5)
    make.realization(t3, q[1], "1500000", "50", 20, anomalies="over_target",
                     explanation="Penerima PBI rahasia bertambah")
    make.submission(mine, q[1], "verified")
    make.submission(other, q[1], "submitted")
    db.session.flush()
    return dict(fy=fy, q=q, mine=mine, other=other, sa_mine=sa_mine, sa_other=sa_other,
                v1=v1, v2=v2)


def sheets(resp) -> dict:
    """Sheet title -> {"filters": {label: value}, "header": [...], "rows": [...], "ws"}."""
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == XLSX
    out = {}
    for ws in load_workbook(io.BytesIO(resp.data)).worksheets:
        rows = list(ws.iter_rows(values_only=True))
        blank = next(i for i, r in enumerate(rows) if i > 0 and all(v is None for v in r))
        filters = {r[0].rstrip(":"): r[1] for r in rows[1:blank]}
        out[ws.title] = {"title": rows[0][0], "filters": filters, "header": rows[blank + 1],
                         "rows": rows[blank + 2:], "ws": ws, "head_row": blank + 2}
    return out


def money(v) -> Decimal:
    return Decimal(str(v))


def test_dashboard_sheets_hold_the_rollup_of_the_filtered_page(client, make, login, world):
    login(make.user("secretariat"))
    url = f"/dasbor/?tahun={YEAR}&triwulan=1&strategi=1"
    html = client.get(url).get_data(as_text=True)
    assert "Unduh XLSX" in html and "format=xlsx" in html and "strategi=1" in html
    book = sheets(client.get(url + "&format=xlsx"))
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=1, strategy_code=1)
    opd = book["Perangkat daerah"]
    strategy = db.session.scalar(db.select(Strategy).where(Strategy.code == 1))
    assert opd["filters"]["Strategi"] == f"1. {strategy.short_name}"
    assert opd["filters"]["Tahun anggaran"] == str(YEAR) and opd["filters"]["Triwulan"] == "TW I"
    assert opd["header"][:3] == ("Kode", "Perangkat daerah", "Status laporan")
    *body, total = opd["rows"]
    expected = sorted(rollup.rollup(f, "opd"), key=lambda r: r.code)
    assert [(r[1], money(r[4]), money(r[5])) for r in body] == \
        [(r.label, r.tagged, r.realized) for r in expected]
    # Strategy 1 only: Dinsos 1.000.000,25 tagged (sen kept), Dinkes 3.000.000.
    assert money(total[4]) == Decimal("4000000.25") == sum(money(r[4]) for r in body)
    assert money(total[5]) == rollup.total(f).realized == sum(money(r[5]) for r in body)
    statuses = {r[1]: r[2] for r in body}
    assert statuses["Dinas Sosial Ekspor"] == "Terverifikasi"
    assert statuses["Dinas Kesehatan Ekspor"].startswith("Diajukan")
    # Money is a number shown with sen where the column has sen.
    ws, row = opd["ws"], opd["head_row"] + 1
    assert ws.cell(row=row, column=5).data_type == "n"
    assert ws.cell(row=row, column=5).number_format == RUPIAH_SEN
    assert set(book) >= {"Strategi", "Kelompok penandaan", "Perangkat daerah", "Tren",
                         "Kecamatan", "Sumber dana"}
    strat = book["Strategi"]
    assert [money(r[3]) for r in strat["rows"][:-1]] == \
        [r.tagged for r in rollup.rollup(f, "strategy")]


def test_dashboard_xlsx_of_an_opd_user_holds_only_its_own_detail(client, make, login, world):
    login(make.user("opd", opd_obj=world["mine"]))
    assert client.get(f"/dasbor/?tahun={YEAR}&opd={world['other'].id}&format=xlsx"
                      ).status_code == 403
    assert client.get(f"/dasbor/?tahun={YEAR}&sub={world['sa_other'].id}&format=xlsx"
                      ).status_code == 403
    book = sheets(client.get(f"/dasbor/?tahun={YEAR}&triwulan=1&format=xlsx"))
    names = {r[1] for r in book["Sub kegiatan"]["rows"]}
    assert names == {"Sembako Ekspor Sendiri", "Pelatihan Usaha Ekspor"}
    texts = {v for s in book.values() for r in s["rows"] for v in r if isinstance(v, str)}
    assert "Jaminan Kesehatan Rahasia Lain" not in texts


def test_anomaly_sheet_equals_the_list_and_keeps_an_opd_user_to_its_own(client, make, login,
                                                                         world):
    from app.dashboard.page import anomaly_list

    login(make.user("viewer"))
    html = client.get(f"/dasbor/anomali?tahun={YEAR}&triwulan=1").get_data(as_text=True)
    assert "Unduh XLSX" in html
    sheet = sheets(client.get(f"/dasbor/anomali?tahun={YEAR}&triwulan=1&format=xlsx"))["Anomali"]
    assert sheet["filters"] == {"Tahun anggaran": str(YEAR), "Triwulan": "TW I", "OPD": "semua"}
    expected = anomaly_list(world["fy"].id, 1, None)
    assert len(expected) == 2
    assert [(r[2], r[4], money(r[6]), money(r[7])) for r in sheet["rows"]] == \
        [(e.opd_name, e.sub_name, e.tagged, e.amount) for e in expected]
    assert "Penerima PBI rahasia bertambah" in {r[12] for r in sheet["rows"]}

    login(make.user("opd", opd_obj=world["mine"]))
    sheet = sheets(client.get(f"/dasbor/anomali?tahun={YEAR}&opd={world['mine'].id}"
                              "&format=xlsx"))["Anomali"]
    assert sheet["filters"]["OPD"] == "Dinas Sosial Ekspor"
    assert [r[2] for r in sheet["rows"]] == ["Dinas Sosial Ekspor"]
    # Without an OPD filter, the OPD user's list is still its own only.
    sheet = sheets(client.get(f"/dasbor/anomali?tahun={YEAR}&format=xlsx"))["Anomali"]
    assert {r[2] for r in sheet["rows"]} == {"Dinas Sosial Ekspor"}
    assert client.get(f"/dasbor/anomali?tahun={YEAR}&opd={world['other'].id}&format=xlsx"
                      ).status_code == 403


def test_lokus_sheets_equal_the_page_and_sum_to_their_totals(client, make, login, world):
    login(make.user("viewer"))
    url = f"/lokus/?tahun={YEAR}&triwulan=1"
    assert "Unduh XLSX" in client.get(url).get_data(as_text=True)
    book = sheets(client.get(url + "&format=xlsx"))
    villages = book["Desa lokus"]
    assert villages["filters"] == {"Tahun anggaran": str(YEAR), "Triwulan": "TW I",
                                   "Kecamatan": "semua", "Sumber": "semua sumber"}
    *body, total = villages["rows"]
    expected = lokus_report.priority_villages(
        RollupFilter(fiscal_year_id=world["fy"].id, quarter=1))
    assert [(r[1], r[3], money(r[5]), money(r[6]), r[8]) for r in body] == \
        [(v.name, v.households, v.tagged, v.realized, v.convergence) for v in expected]
    assert money(total[5]) == sum(v.tagged for v in expected) == sum(money(r[5]) for r in body)
    assert money(total[6]) == sum(money(r[6]) for r in body)
    gaps = book["Kesenjangan"]["rows"]
    assert [r[1] for r in gaps[:-1]] == [world["v2"].name] and gaps[-1][3] == 30
    # The kecamatan filter is applied and written.
    district = world["v1"].district
    book = sheets(client.get(url + f"&kecamatan={district.id}&format=xlsx"))
    assert book["Per kecamatan"]["filters"]["Kecamatan"] == district.name
    assert [r[0] for r in book["Per kecamatan"]["rows"][:-1]] == [district.name]

    login(make.user("opd", opd_obj=world["mine"]))
    assert client.get(url + "&format=xlsx").status_code == 403


def test_review_queue_sheet_applies_the_queue_filters(client, make, login, world):
    login(make.user("secretariat"))
    url = f"/verifikasi/?tahun={YEAR}&triwulan=1"
    assert "Unduh XLSX" in client.get(url).get_data(as_text=True)
    sheet = sheets(client.get(url + "&format=xlsx"))["Antrean verifikasi"]
    expected = compliance.queue(world["q"][1])
    assert [r[0] for r in sheet["rows"]] == [e["opd"].code for e in expected]
    sheet = sheets(client.get(url + "&status=verified&format=xlsx"))["Antrean verifikasi"]
    assert sheet["filters"]["Status"] == "Terverifikasi"
    assert [(r[1], r[2], r[6], r[7]) for r in sheet["rows"]] == \
        [("Dinas Sosial Ekspor", "Terverifikasi", 2, 2)]
    sheet = sheets(client.get(url + f"&opd={world['other'].id}&anomali=1&format=xlsx")
                   )["Antrean verifikasi"]
    assert sheet["filters"]["OPD"] == "Dinas Kesehatan Ekspor"
    assert sheet["filters"]["Hanya yang beranomali"] == "ya"
    assert [(r[1], r[8]) for r in sheet["rows"]] == [("Dinas Kesehatan Ekspor", 1)]
    for role in ("opd", "viewer"):
        login(make.user(role, opd_obj=world["mine"] if role == "opd" else None))
        assert client.get(url + "&format=xlsx").status_code == 403


def test_sub_activity_list_sheet_equals_the_list_and_its_totals(client, make, login, world):
    login(make.user("opd", opd_obj=world["mine"]))
    url = f"/sub-kegiatan/?tahun={YEAR}"
    assert "Unduh XLSX" in client.get(url).get_data(as_text=True)
    sheet = sheets(client.get(url + "&format=xlsx"))["Sub kegiatan"]
    assert sheet["filters"]["Perangkat daerah"] == "Dinas Sosial Ekspor"
    rows, totals = budget_queries.sub_activity_list(world["mine"].id, world["fy"].id)
    *body, total = sheet["rows"]
    assert [(r[1], money(r[2]), money(r[3])) for r in body] == \
        [(r.name, r.allocation, r.tagged) for r in rows]
    assert money(total[2]) == totals["allocation"] == Decimal("7000000.50") \
        == sum(money(r[2]) for r in body)
    assert money(total[3]) == totals["tagged"] == sum(money(r[3]) for r in body)
    assert sheet["ws"].cell(row=sheet["head_row"] + 1, column=3).number_format == RUPIAH_SEN
    # The strategy filter is applied and written.
    sheet = sheets(client.get(url + "&strategi=2&format=xlsx"))["Sub kegiatan"]
    assert sheet["filters"]["Strategi"].startswith("2. ")
    assert [r[1] for r in sheet["rows"][:-1]] == ["Pelatihan Usaha Ekspor"]
    # Another OPD's list: refused, as the page is.
    assert client.get(url + f"&opd={world['other'].id}&format=xlsx").status_code == 403

"""APBD murni versus perubahan: both allocations and a filter on the sub kegiatan list, the
comparison page and its XLSX, the dashboard section, and the date from which the revised
allocation counts (reports/queries/budget_stages.py)."""
import io
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from app.main.overview import opd_budget_totals
from models import AuditLog, db
from reports.queries import budget_stages

YEAR = 2047


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    a, b = make.opd(name="Dinas Murni A"), make.opd(name="Dinas Murni B")
    up = make.sub_activity(a, fy, "100000000", name="Naik Pagu", allocation_revised=D("150000000"))
    down = make.sub_activity(a, fy, "200000000", name="Turun Pagu",
                             allocation_revised=D("120000000"))
    same = make.sub_activity(a, fy, "300000000", name="Tetap Pagu",
                             allocation_revised=D("300000000"))
    none = make.sub_activity(b, fy, "400000000", name="Tanpa Perubahan")
    make.tag(up, amount="60000000")
    make.tag(down, amount="60000000")
    make.tag(none, amount="100000000")
    return {"fy": fy, "a": a, "b": b, "up": up, "down": down, "same": same, "none": none}


def _names(page):
    return {n for n in ("Naik Pagu", "Turun Pagu", "Tetap Pagu") if n in page}


def test_list_shows_both_allocations_and_filters_by_change(client, make, login, world):
    login(make.user("opd", opd_obj=world["a"]))
    url = f"/sub-kegiatan/?tahun={YEAR}"
    page = client.get(url).get_data(as_text=True)
    assert _names(page) == {"Naik Pagu", "Turun Pagu", "Tetap Pagu"}
    assert "Pagu murni" in page and "Pagu perubahan" in page
    assert "Rp 150.000.000" in page and "Rp 100.000.000" in page
    assert _names(client.get(url + "&perubahan=ya").get_data(as_text=True)) == {
        "Naik Pagu", "Turun Pagu"}
    assert _names(client.get(url + "&perubahan=tidak").get_data(as_text=True)) == {
        "Tetap Pagu"}
    wb = load_workbook(io.BytesIO(client.get(url + "&perubahan=ya&format=xlsx").data))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert "berubah" in values and "Naik Pagu" in values and "Tetap Pagu" not in values


def test_comparison_by_opd_sums_in_sql(client, make, login, world):
    fy = world["fy"]
    rows = {r.name: r for r in budget_stages.by_opd(fy)}
    a = rows["Dinas Murni A"]
    assert (a.n_sub, a.n_changed) == (3, 2)
    assert (a.murni, a.perubahan, a.tagged) == (D("600000000"), D("570000000"), D("120000000"))
    b = rows["Dinas Murni B"]
    assert (b.n_changed, b.murni, b.perubahan) == (0, D("400000000"), D("400000000"))
    total = budget_stages.total(fy)
    assert total.murni == a.murni + b.murni and total.perubahan == a.perubahan + b.perubahan
    assert total.tagged == D("220000000")
    assert budget_stages.share(a.tagged, a.perubahan) == D("21.05")
    changed = budget_stages.changed(fy)
    assert [c.name for c in changed] == ["Turun Pagu", "Naik Pagu"]  # biggest change first
    assert changed[0].delta == D("-80000000")


def test_comparison_page_and_xlsx(client, make, login, world):
    login(make.user("secretariat"))
    page = client.get(f"/perubahan-apbd/?tahun={YEAR}").get_data(as_text=True)
    assert "Dinas Murni A" in page and "Dinas Murni B" in page
    assert "Rp 570.000.000" in page and "Rp -30.000.000" in page
    resp = client.get(f"/perubahan-apbd/?tahun={YEAR}&format=xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Per OPD", "Berubah"]
    ws = wb["Per OPD"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(r for r in rows if r[0] == "Jumlah")
    body = [r for r in rows if r[1] in ("Dinas Murni A", "Dinas Murni B")]
    assert D(str(total[4])) == sum(D(str(r[4])) for r in body) == D("1000000000")
    assert D(str(total[5])) == sum(D(str(r[5])) for r in body) == D("970000000")


def test_an_officer_sees_only_its_own_opd(client, make, login, world):
    login(make.user("opd", opd_obj=world["b"]))
    page = client.get(f"/perubahan-apbd/?tahun={YEAR}").get_data(as_text=True)
    assert "Dinas Murni B" in page and "Dinas Murni A" not in page and "Naik Pagu" not in page


def test_revised_allocation_counts_only_from_the_revision_date(client, make, login, world,
                                                                 clock):
    fy, a = world["fy"], world["a"]
    # No date: the perubahan is in force as soon as it is entered (the earlier behaviour).
    assert budget_stages.total(fy, date(YEAR, 3, 31)).in_force == D("970000000")
    login(make.user("secretariat"))
    resp = client.post(f"/perubahan-apbd/tanggal?tahun={YEAR}",
                       data={"tanggal": f"{YEAR}-09-01"})
    assert resp.status_code == 303
    db.session.refresh(fy)
    assert fy.revision_date == date(YEAR, 9, 1)
    log = db.session.query(AuditLog).filter_by(entity="fiscal_year", entity_id=fy.id).one()
    assert log.new_values == {"revision_date": f"{YEAR}-09-01"}
    assert budget_stages.total(fy, date(YEAR, 6, 30)).in_force == D("1000000000")  # murni
    assert budget_stages.total(fy, date(YEAR, 9, 30)).in_force == D("970000000")
    page = client.get(f"/perubahan-apbd/?tahun={YEAR}&triwulan=2").get_data(as_text=True)
    assert "pagu murni" in page
    # The OPD home's totals and the list follow the same rule, on today's date.
    clock(f"{YEAR}-08-31T03:00:00")
    assert opd_budget_totals(a.id, fy.id)["allocation"] == D("600000000")
    login(make.user("opd", opd_obj=a))
    foot = client.get(f"/sub-kegiatan/?tahun={YEAR}").get_data(as_text=True).split("<tfoot>")[1]
    assert "Rp 600.000.000" in foot.split("</th>")[1]
    clock(f"{YEAR}-09-01T03:00:00")
    assert opd_budget_totals(a.id, fy.id)["allocation"] == D("570000000")


def test_revision_date_must_be_in_the_year_and_is_for_the_secretariat(client, make, login,
                                                                      world):
    login(make.user("secretariat"))
    client.post(f"/perubahan-apbd/tanggal?tahun={YEAR}", data={"tanggal": "2001-01-01"})
    client.post(f"/perubahan-apbd/tanggal?tahun={YEAR}", data={"tanggal": "bukan"})
    db.session.refresh(world["fy"])
    assert world["fy"].revision_date is None
    login(make.user("opd", opd_obj=world["a"]))
    assert client.post(f"/perubahan-apbd/tanggal?tahun={YEAR}",
                       data={"tanggal": f"{YEAR}-09-01"}).status_code == 403


def test_dashboard_section(client, make, login, world):
    login(make.user("viewer"))
    page = client.get(f"/dasbor/?tahun={YEAR}").get_data(as_text=True)
    assert 'id="murni-perubahan"' in page
    assert "2 dari 4 sub kegiatan berubah" in page and "Rp 970.000.000" in page


def test_comparison_pdf(client, make, login, world):
    from pypdf import PdfReader

    login(make.user("viewer"))
    resp = client.get(f"/perubahan-apbd/?tahun={YEAR}&format=pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Dinas Murni A" in text and "Turun Pagu" in text
    assert "Rp 1.000.000.000" in text and "Rp 970.000.000" in text  # the total row
    assert f"Halaman 1 dari {len(reader.pages)}" in text
    fonts = {f["/BaseFont"] for p in reader.pages
             for f in p["/Resources"]["/Font"].get_object().values()}
    assert any("DejaVuSans" in str(f) for f in fonts)

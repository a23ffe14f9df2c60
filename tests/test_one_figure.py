"""One figure, one meaning (issue 23): a quarter with no figure carries the latest earlier
cumulative forward, marked, by the one rollup everywhere. With TW III submitted (or verified)
empty, the dashboard's trend with and without the verified filter, the API rollups, the PDF
(pdftotext) and the XLSX all show the same TW III cumulative: TW II's, not Rp 0."""
import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.accounts.api_tokens import create_token
from app.core.money import format_rupiah
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.queries import rollup
from reports.queries.verified import carried_forward
from reports.xlsx.kemenko import build_xlsx

YEAR = 2041
M = Decimal(1_000_000)
TW2 = 300 * M + 200 * M  # A's TW II (carried to TW III) + B's TW III (B never filled TW III)
TW3 = TW2


@pytest.fixture(params=["submitted", "verified"])
def world(request, make):
    """A filled TW I-II (verified) and submitted TW III with no figure at all; B filled TW I-II
    only, all verified up to TW II."""
    fy = make.fiscal_year(YEAR)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    a = make.opd(name="Dinas Kosong Tiga", short_name="DKT")
    b = make.opd(name="Dinas Lain", short_name="DL")
    ta = make.tag(make.sub_activity(a, fy, "1000000000"), "1000000000")
    tb = make.tag(make.sub_activity(b, fy, "1000000000"), "1000000000")
    make.realization(ta, q[1], str(100 * M), "10", 1)
    make.realization(ta, q[2], str(300 * M), "30", 3)
    make.realization(tb, q[1], str(50 * M), "5", 1)
    make.realization(tb, q[2], str(200 * M), "20", 2)
    for n in (1, 2):
        make.submission(a, q[n], "verified")
        make.submission(b, q[n], "verified")
    make.submission(a, q[3], request.param)
    return dict(fy=fy, a=a, b=b, status=request.param)


def _f(w, **kw):
    return rollup.RollupFilter(fiscal_year_id=w["fy"].id, **kw)


@pytest.mark.parametrize("verified_only", [False, True])
def test_an_empty_quarter_carries_the_earlier_cumulative_in_the_rollup(world, verified_only):
    trend = rollup.trend(_f(world, verified_only=verified_only))
    assert trend[2].realized == trend[1].realized == TW3
    assert rollup.total(_f(world, quarter=3, verified_only=verified_only)).realized == TW3
    assert trend[2].carried == 2  # both OPDs' TW III figures are carried, and marked
    by_opd = {r.key: r.realized for r in rollup.rollup(
        _f(world, quarter=3, verified_only=verified_only), "opd")}
    assert by_opd == {world["a"].id: 300 * M, world["b"].id: 200 * M}
    # The flow of the empty quarter is 0, never a fall of the whole TW II figure.
    flow = rollup.total(_f(world, quarter=3, flow=True, verified_only=verified_only))
    assert flow.realized == 0


def test_the_dashboard_trend_is_the_same_with_and_without_the_verified_filter(
        client, make, login, world):
    login(make.user("viewer"))
    for extra in ("", "&terverifikasi=1"):
        html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=3{extra}").get_data(as_text=True)
        section = html[html.index('id="tren"'):]
        row = section[section.index("Triwulan III</a>"):]
        row = row[:row.index("</tr>")]
        assert format_rupiah(TW3) in row, extra
        assert "2 OPD dibawa" in row
        assert "Triwulan tanpa angka memakai angka kumulatif" in section
    # The OPD table marks the carried OPDs with their legend in both views.
    html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=3").get_data(as_text=True)
    assert "angka s.d. TW II dibawa — TW III belum diisi" in html
    ws = load_workbook(io.BytesIO(client.get(
        f"/dasbor/?tahun={YEAR}&triwulan=3&format=xlsx").data))["Tren"]
    row = next(r for r in ws.iter_rows(values_only=True)
               if r[0] and str(r[0]).startswith("Triwulan III"))
    assert Decimal(str(row[2])) == TW3


@pytest.mark.parametrize("verified_only", ["false", "true"])
def test_the_api_rollup_shows_the_carried_cumulative(client, make, world, verified_only):
    _, secret = create_token(make.user("viewer"), "uji")
    body = client.get(f"/api/v1/rollups?year={YEAR}&quarter=3&by=opd&verified_only="
                      f"{verified_only}", headers={"Authorization": f"Bearer {secret}"}).json
    assert Decimal(body["total"]["realized"]) == TW3
    assert {Decimal(r["realized"]) for r in body["rows"]} == {300 * M, 200 * M}


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.replace("\u00a0", " ")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("include_unverified", [False, True])
def test_the_pdf_and_xlsx_report_show_the_carried_cumulative(world, tmp_path,
                                                             include_unverified):
    content = build_content(resolve_options(YEAR, quarter=3, fixed_date=date(2041, 10, 20),
                                            include_unverified=include_unverified))
    text = _pdftotext(build_pdf(content).data, tmp_path)
    row = next(line for line in text.splitlines()
               if line.strip().startswith("Triwulan III *"))
    assert format_rupiah(TW3) in row and "OPD dibawa" in row
    assert "Triwulan tanpa angka memakai angka kumulatif" in " ".join(text.split())
    wb = load_workbook(io.BytesIO(build_xlsx(content)))
    row = next(r for r in wb["Ringkasan"].iter_rows(values_only=True)
               if r[0] and str(r[0]).startswith("Triwulan III"))
    assert Decimal(str(row[3])) == TW3  # "Realisasi s.d. Triwulan"
    assert Decimal(str(row[2])) == 0  # the quarter's own flow
    # Marked as carried forward: every OPD without a TW III figure; verified only, the OPDs
    # not verified for TW III (A, verified with an empty TW III, is counted on the trend row).
    want = {world["a"].id, world["b"].id}
    if not include_unverified and world["status"] == "verified":
        want = {world["b"].id}
    assert set(content.carried) == want


def test_carried_forward_names_the_opds_with_an_empty_quarter_in_all_data(world):
    assert carried_forward(world["fy"].id, 3, verified_only=False) == {
        world["a"].id: 2, world["b"].id: 2}
    assert carried_forward(world["fy"].id, 2, verified_only=False) == {}

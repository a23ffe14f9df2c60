"""The coverage pages' "Unduh XLSX" (issue 16): every table the page shows, with the page's own
figures (read back from the rendered HTML and compared cell by cell), the secretariat's whole
unreached list by hash prefix, and never a NIK, KK number or name in any cell."""
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from app.core.money import format_number, format_rupiah
from app.coverage import keys
from models import AuditLog, db
from reports.queries import coverage as report

from . import coverage_files as cf
from .test_coverage import YEAR, _coverage_world, import_bnba, world

__all__ = ["world"]  # the fixture, shared with test_coverage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = f"/cakupan/?tahun={YEAR}&triwulan=4"


def sheets(data: bytes) -> dict[str, list[list]]:
    """Sheet name -> rows below the header (which follows the blank row under the filters)."""
    wb = load_workbook(io.BytesIO(data))
    out = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        blank = next(i for i, r in enumerate(rows) if i > 0 and all(c is None for c in r))
        out[ws.title] = rows[blank + 2:]
    return out


def filters(data: bytes, sheet: str) -> dict[str, str]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    return {r[0].rstrip(":"): r[1] for r in ws.iter_rows(min_row=2, values_only=True)
            if r[0] and r[1] is not None and str(r[0]).endswith(":")}


def html_table(page: str, section: str) -> list[list[str]]:
    """The rows (tbody and tfoot) of the first table in <section id=...>, cells as text."""
    body = re.search(rf'<section class="panel" id="{section}">(.*?)</section>', page, re.S)[1]
    table = re.search(r"<table.*?</table>", body, re.S)[0]
    table = re.sub(r"<thead>.*?</thead>", "", table, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr,
                                                                  re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def as_page(row: list, kinds: str) -> list[str]:
    """An XLSX row written as the page writes it (t text, n count, m money)."""
    out = []
    for value, kind in zip(row, kinds, strict=True):
        if value is None:
            out.append("-")
        elif kind == "n":
            out.append(format_number(value))
        elif kind == "m":
            out.append(format_rupiah(Decimal(str(value))))
        else:
            out.append(str(value))
    return out


def identifiers(rows) -> list[str]:
    out = []
    for r in rows:
        out += [r[1], r[2], r[3]]  # NIK, name, KK
    return out


def all_cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
            if c is not None]


def assert_no_identifier(data: bytes, world_rows):
    cells = [str(c) for c in all_cells(data)]
    for secret in identifiers(world_rows):
        assert not any(secret in c for c in cells), secret
    # Nothing that looks like a NIK or KK number (16 digits) at all.
    assert not [c for c in cells if re.search(r"\d{16}", c.replace(" ", ""))]


def test_coverage_xlsx_has_the_page_figures(client, login, world, make):
    _coverage_world(client, login, world)
    fy = world["fy"]
    make.realization(world["tags"]["a1"], make.quarter(fy, 4), amount="3000000")
    make.realization(world["tags"]["b1"], make.quarter(fy, 4), amount="1500000.50")
    login(world["users"]["sec"])
    import_bnba(client, [r for r in world["rows"] if r[3] != cf.kk(5)], taken_on="2026-07-31")
    login(world["users"]["viewer"])
    page = client.get(PAGE).get_data(as_text=True)
    assert "Unduh XLSX" in page and f"{PAGE}&amp;format=xlsx" in page.replace(
        "tahun=2026&amp;triwulan=4", "tahun=2026&triwulan=4")
    resp = client.get(PAGE + "&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert "cakupan-rumah-tangga-2026-tw4.xlsx" in resp.headers["Content-Disposition"]
    got = sheets(resp.data)
    assert list(got) == ["Per kecamatan", "Per desa", "Bantuan sejenis", "Belanja per RT",
                         "Tren", "Tren per desa"]
    checks = {"Per kecamatan": ("kecamatan", "tnnnnnn"), "Per desa": ("desa", "tttnnnnn"),
              "Bantuan sejenis": ("ganda", "ttnn"), "Belanja per RT": ("biaya", "tnnmm"),
              "Tren": ("tren", "ttnn")}  # issue 28: + "Setelah verval"
    for sheet, (section, kinds) in checks.items():
        shown = html_table(page, section)
        rows = got[sheet]
        if sheet == "Tren":  # the page writes the date in Indonesian, the sheet as ISO
            shown = [r[1:] for r in shown]
            rows, kinds = [r[1:] for r in rows], kinds[1:]
        if sheet == "Per kecamatan":  # the sheet adds "Terjangkau" to the page's columns
            rows, kinds = [r[:-1] for r in rows], kinds[:-1]
        assert [as_page(r, kinds) for r in rows] == shown, sheet
    # The figures themselves, not only their agreement with the page.
    snap = report.current_snapshot()
    total = report.total(snap.id, fy.id, 4)
    assert got["Per kecamatan"][-1] == ["Jumlah", total.households, *total.by_count,
                                        total.reached]
    assert total.households == 4  # family 5 left the second extract
    assert got["Bantuan sejenis"] == [[1, "uang", 1, 2]]
    spend = {r[0]: r for r in got["Belanja per RT"]}
    assert spend[next(k for k in spend if k.startswith("1."))][1:4] == [2, 3, 4500000.5]
    assert [r[1:] for r in got["Tren"]] == [["DTSEN", 5, 5], ["DTSEN", 4, 4]]
    v1, v2, _ = world["villages"]
    assert [r[1:] for r in got["Tren per desa"]] == [[3, 3], [2, 1]]
    assert got["Tren per desa"][0][0] == v1.name
    assert filters(resp.data, "Per desa") == {
        "Tahun anggaran": "2026", "Daftar penerima s.d.": "Triwulan 4", "Cakupan": "Kabupaten",
        "Data BNBA": "DTSEN per 31 Juli 2026"}
    assert_no_identifier(resp.data, world["rows"])


def test_coverage_xlsx_follows_the_kecamatan_filter(client, login, world):
    _coverage_world(client, login, world)
    login(world["users"]["a"])  # an OPD officer reads the coverage page too
    dist = world["district"]
    url = f"/cakupan/?tahun={YEAR}&triwulan=3&kecamatan={dist.id}"
    page = client.get(url).get_data(as_text=True)
    resp = client.get(url + "&format=xlsx")
    assert resp.mimetype == XLSX
    got = sheets(resp.data)
    assert [r[0] for r in got["Per desa"]] == [v.code for v in world["villages"][:2]]
    assert [as_page(r, "tttnnnnn") for r in got["Per desa"]] == html_table(page, "desa")
    assert [r[1:] for r in got["Tren"]] == [["DTSEN", 5, 5, 5]]  # kab., after verval, kec.
    assert filters(resp.data, "Per desa")["Kecamatan"] == dist.name
    # The kabupaten-wide tables say so, as the page shows them unfiltered.
    assert filters(resp.data, "Per kecamatan")["Cakupan"] == "Kabupaten"
    assert "Kecamatan" not in filters(resp.data, "Belanja per RT")
    # A kecamatan that does not exist: nothing per desa, and the sheet does not say "all".
    resp = client.get(f"/cakupan/?tahun={YEAR}&triwulan=3&kecamatan=999999&format=xlsx")
    assert resp.mimetype == XLSX and sheets(resp.data)["Per desa"] == []
    assert filters(resp.data, "Per desa")["Kecamatan"] == "(tidak dikenal)"
    assert_no_identifier(resp.data, world["rows"])


def test_unreached_xlsx_lists_every_prefix_and_no_identifier(client, login, world,
                                                             monkeypatch):
    _coverage_world(client, login, world)
    login(world["users"]["sec"])
    monkeypatch.setattr(report, "PAGE_SIZE", 2)
    url = f"/cakupan/belum-terjangkau?tahun={YEAR}&triwulan=3"
    on_pages = []
    for n in (1, 2):
        page = client.get(f"{url}&halaman={n}").get_data(as_text=True)
        on_pages += re.findall(r'<td class="code">([0-9a-f]{12})</td>', page)
    assert "Unduh XLSX" in page
    resp = client.get(url + "&halaman=2&format=xlsx")  # the page number does not cut it
    assert resp.status_code == 200 and resp.mimetype == XLSX
    rows = sheets(resp.data)["Belum terjangkau"]
    h = keys.Hasher(keys.household_key())
    expected = sorted(h(keys.FAMILY, cf.kk(f)).hex()[:12] for f in (3, 4, 5))
    assert [r[2] for r in rows] == on_pages and sorted(on_pages) == expected
    v1, v2, _ = world["villages"]
    assert [r[0] for r in rows] == [v1.name, v2.name, v2.name]
    assert filters(resp.data, "Belum terjangkau")["Jumlah rumah tangga"] == "3"
    assert all(isinstance(r[2], str) and len(r[2]) == 12 for r in rows)
    assert_no_identifier(resp.data, world["rows"])
    # The download is audited: who, which list, how many rows; no prefix in the record.
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "export",
                                                     AuditLog.entity == "household_snapshot"))
    assert entry.user_id == world["users"]["sec"].id
    assert entry.new_values == {"list": "belum_terjangkau", "fiscal_year": YEAR, "quarter": 3,
                                "district_id": None, "rows": 3}
    assert not any(p in str(entry.new_values) + entry.note for p in expected)


def test_unreached_xlsx_cap_is_said_on_the_sheet(client, login, world, monkeypatch):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    monkeypatch.setattr(report.unreached_all, "__defaults__", (None, 2))
    resp = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}&format=xlsx")
    assert len(sheets(resp.data)["Belum terjangkau"]) == 2
    notes = filters(resp.data, "Belum terjangkau")
    assert notes["Jumlah rumah tangga"] == "5" and "2 baris pertama" in notes["Catatan"]


def test_only_the_secretariat_downloads_the_unreached_list(client, login, world):
    _coverage_world(client, login, world)
    for who in ("viewer", "a"):
        login(world["users"][who])
        resp = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}&format=xlsx")
        assert resp.status_code == 403 and resp.mimetype != XLSX


def test_no_download_before_any_bnba(client, login, world):
    login(world["users"]["sec"])
    page = client.get(f"/cakupan/?tahun={YEAR}").get_data(as_text=True)
    assert "Belum ada data BNBA" in page and "Unduh XLSX" not in page
    resp = client.get(f"/cakupan/?tahun={YEAR}&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype != XLSX
    resp = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype != XLSX

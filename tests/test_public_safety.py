"""The public portal cannot show what the public must not see: every public address, walked with
the portal on, shows the verified rollup's figures to the sen and nothing unverified, no user,
no comment, no NIK-like number, no household hash; off, every public address is 404."""
import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from app.accounts.api_tokens import create_token
from app.core.money import format_number, format_percent, format_rupiah
from app.public import portal
from models import PublicPublication, db
from reports.queries.rollup import RollupFilter, trend
from tests import public_data

BY = {"strategi": "strategy", "kelompok": "tag_kind", "opd": "opd", "kecamatan": "district",
      "desa": "village"}


@pytest.fixture
def world(make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_API_REQUESTS", 10_000)
    return public_data.build(make)


def _walk(client, app, w):
    client.get("/terbuka/data/2026/")  # publishes the current version
    version = db.session.scalar(db.select(PublicPublication.version))
    out = {}
    for url in public_data.public_urls(app, 2026, version):
        resp = client.get(url)
        out[url] = resp
    return out


def test_no_unverified_figure_user_comment_nik_or_hash_on_any_public_address(client, app,
                                                                             world):
    pages = _walk(client, app, world)
    assert len(pages) > 60
    hash_prefix = public_data.HOUSEHOLD_HASH.hex()[:8]
    for url, resp in pages.items():
        assert resp.status_code == 200, url
        text = resp.get_data(as_text=True)
        for secret in (*public_data.SECRET_AMOUNTS, *public_data.SECRET_TEXTS, hash_prefix):
            assert secret not in text, (url, secret)
        assert not re.search(r"(?<!\d)\d{16}(?!\d)", text), url


def test_off_means_every_public_address_is_404(client, app, world):
    urls = list(_walk(client, app, world))
    portal.switch(False)
    for url in urls:
        assert client.get(url).status_code == 404, url


class _Cells(HTMLParser):
    """(table id, row data-kode, data-col) -> text of every figure cell on a page."""

    def __init__(self):
        super().__init__()
        self.cells, self.table, self.row, self.col, self.buf = {}, None, None, None, ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr":
            self.row = a.get("data-kode")
        elif tag in ("td", "dd") and "data-col" in a:
            self.col, self.buf = a["data-col"], ""

    def handle_endtag(self, tag):
        if tag in ("td", "dd") and self.col:
            self.cells[(self.table if tag == "td" else "ringkasan", self.row if tag == "td"
                        else None, self.col)] = self.buf.strip()
            self.col = None

    def handle_data(self, data):
        if self.col:
            self.buf += data


def _expected(row: dict) -> dict:
    money = {k: format_rupiah(Decimal(row[k])) for k in ("tagged", "realized")}
    pct = {k: "-" if row[k] is None else format_percent(Decimal(row[k]), 2)
           for k in ("absorption", "physical")}
    return {"ditandai": money["tagged"], "realisasi": money["realized"],
            "serapan_persen": pct["absorption"], "fisik_persen": pct["physical"],
            "sasaran": format_number(row["target"]), "capaian": format_number(row["reached"])}


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_every_figure_equals_the_verified_api_rollup_to_the_sen(client, make, world, quarter):
    _, secret = create_token(make.user("viewer"), "uji")
    auth = {"Authorization": f"Bearer {secret}"}
    page = _Cells()
    page.feed(client.get(f"/terbuka/2026/?triwulan={quarter}").get_data(as_text=True))
    assert page.cells, "no figure found on the page"
    seen = 0
    for name, by in BY.items():
        api = client.get(f"/api/v1/rollups?year=2026&quarter={quarter}&by={by}"
                         f"&verified_only=true&per_page=200", headers=auth).json
        public = client.get(f"/terbuka/api/2026/{name}?triwulan={quarter}").json
        assert [(r["kode"], r["ditandai"], r["realisasi"], r["serapan_persen"],
                 r["fisik_persen"], r["sasaran"], r["capaian"]) for r in public["baris"]] == [
            (r["code"], r["tagged"], r["realized"], r["absorption"], r["physical"],
             r["target"], r["reached"]) for r in api["rows"]]
        head = api["total"]
        assert (public["jumlah"]["ditandai"], public["jumlah"]["realisasi"]) == (
            head["tagged"], head["realized"])
        for row in [*api["rows"], None]:
            kode = "jumlah" if row is None else row["code"]
            for col, text in _expected(head if row is None else row).items():
                assert page.cells[(f"tabel-{by}", kode, col)] == text, (by, kode, col)
                seen += 1
    assert page.cells[("ringkasan", None, "ditandai")] == format_rupiah(Decimal(head["tagged"]))
    assert page.cells[("ringkasan", None, "realisasi")] == format_rupiah(
        Decimal(head["realized"]))
    fy = world["fy"]
    for r in trend(RollupFilter(fiscal_year_id=fy.id, verified_only=True)):
        got = page.cells[("tabel-tren", r.code, "realisasi")]
        assert got == format_rupiah(r.realized)
    assert seen > 60


def test_the_unverified_quarter_shows_the_last_verified_figures(client, world):
    """OPD b: TW II submitted only, so TW II shows its TW I figure (carried forward)."""
    rows = client.get("/terbuka/api/2026/opd?triwulan=2").json["baris"]
    by_code = {r["kode"]: r for r in rows}
    assert by_code[world["b"].code]["realisasi"] == "1500000.01"
    assert by_code[world["a"].code]["realisasi"] == "1800000.23"
    assert world["c"].code not in by_code or by_code[world["c"].code]["realisasi"] == "0.00"


def _csv(client, name):
    text = client.get(f"/terbuka/data/2026/{name}.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_sums_equal_the_page(client, world):
    page = _Cells()
    page.feed(client.get("/terbuka/2026/").get_data(as_text=True))
    head = _csv(client, "ringkasan")[0]
    assert page.cells[("ringkasan", None, "ditandai")] == format_rupiah(
        Decimal(head["ditandai"]))
    for name, by in BY.items():
        rows = _csv(client, name)
        for col in ("ditandai", "realisasi"):
            total = sum(Decimal(r[col]) for r in rows)
            assert total == Decimal(head[col]), (name, col)
            assert page.cells[(f"tabel-{by}", "jumlah", col)] == format_rupiah(total)
        for col in ("sasaran", "capaian"):
            if by not in ("district", "village"):  # a desa's targets are its own share
                assert sum(int(r[col]) for r in rows) == int(head[col]), (name, col)

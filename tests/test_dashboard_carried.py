"""The dashboard's "Hanya terverifikasi" marks the OPDs whose figures are carried forward from
their last verified quarter (issue 13): the report's sign after the OPD's name and the legend
under the table, on the page and in its XLSX."""
import io
import re

import pytest
from openpyxl import load_workbook

YEAR = 2034


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    late = make.opd(name="Dinas Menunggu Verifikasi")
    done = make.opd(name="Dinas Sudah Diverifikasi")
    t_late = make.tag(make.sub_activity(late, fy), "1000000")
    t_done = make.tag(make.sub_activity(done, fy), "1000000")
    for n, amount in ((1, "100000"), (2, "300000"), (3, "500000")):
        make.realization(t_late, q[n], amount)
        make.realization(t_done, q[n], amount)
        make.submission(done, q[n], "verified")
    make.submission(late, q[1], "verified")
    make.submission(late, q[2], "verified")
    make.submission(late, q[3], "submitted")
    return dict(late=late, done=done)


def _row(html: str, name: str) -> str:
    return re.search(rf"<tr>(?:(?!</tr>).)*{name}.*?</tr>", html, re.S).group(0)


def test_carried_forward_opd_is_marked_with_its_tw_ii_figure(client, make, login, world):
    login(make.user("viewer"))
    url = f"/dasbor/?tahun={YEAR}&triwulan=3&terverifikasi=1"
    html = client.get(url).get_data(as_text=True)
    late = _row(html, "Dinas Menunggu Verifikasi")
    assert 'class="carried"' in late and "†" in late
    assert "Rp 300.000" in late and "Rp 500.000" not in late  # TW II figure, not 0
    done = _row(html, "Dinas Sudah Diverifikasi")
    assert 'class="carried"' not in done and "Rp 500.000" in done
    assert "† angka s.d. TW II — TW III belum diverifikasi" in html
    assert "1 perangkat daerah belum diverifikasi untuk Triwulan III" in html
    # All reports: no carried figures, no sign, no legend.
    html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=3").get_data(as_text=True)
    assert 'class="carried"' not in html and "belum diverifikasi untuk" not in html
    # TW II: both verified, nothing carried.
    html = client.get(f"/dasbor/?tahun={YEAR}&triwulan=2&terverifikasi=1").get_data(as_text=True)
    assert 'class="carried"' not in html

    ws = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").data))["Perangkat daerah"]
    rows = list(ws.iter_rows(values_only=True))
    assert ("Keterangan:", "† angka s.d. TW II — TW III belum diverifikasi") in \
        [r[:2] for r in rows]
    labels = {r[1]: r for r in rows if r[1] and str(r[1]).startswith("Dinas")}
    assert str(labels["Dinas Menunggu Verifikasi †"][5]) in ("300000", "300000.0")
    assert "Dinas Sudah Diverifikasi" in labels

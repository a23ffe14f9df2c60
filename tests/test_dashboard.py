"""The dashboard pages: figures, URL filters, who sees which detail, and a constant number of
SQL statements whatever the size of the data."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from models import db


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2032)
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    mine = make.opd(name="Dinas Sosial Uji", short_name="DinsosU")
    other = make.opd(name="Dinas Kesehatan Uji", short_name="DinkesU")
    sa_mine = make.sub_activity(mine, fy, name="Bantuan Sembako Milik Sendiri")
    sa_other = make.sub_activity(other, fy, name="Jaminan Kesehatan Rahasia")
    t1 = make.tag(sa_mine, "1000000", 1, "langsung", description="Paket sembako keluarga")
    t2 = make.tag(sa_other, "3000000", 2, "penunjang", description="Iuran PBI daerah")
    make.realization(t1, q[1], "250000", "25", 10)
    make.realization(t2, q[1], "1500000", "50", 20, anomalies="over_target",
                     explanation="Penerima bertambah")
    make.submission(mine, q[1], "verified")
    return dict(fy=fy, mine=mine, other=other, sa_mine=sa_mine, sa_other=sa_other, t2=t2)


def page(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    return resp.get_data(as_text=True)


def test_headline_groupings_and_index(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/dasbor/?tahun=2032&triwulan=1")
    assert "Rp 4.000.000" in html and "Rp 1.750.000" in html  # tagged, realized to date
    assert "43,8 %" in html  # absorption 1.75 / 4
    # Index: langsung 25 % x 50 + penunjang 50 % x 20 = 12.5 + 10
    assert "22,50 %" in html and "PMK 97/2023" in html
    assert "Dinas Sosial Uji" in html and "Terverifikasi" in html
    assert html.count("<svg class=\"chart\"") == 4 and "hatch" in html
    # Drill-down links add a filter to the current URL.
    assert "strategi=1" in html and f"opd={world['mine'].id}" in html


def test_filters_live_in_the_url(client, make, login, world):
    login(make.user("viewer"))
    html = page(client, "/dasbor/?tahun=2032&triwulan=1&strategi=2")
    assert "Rp 3.000.000" in html and "Rp 4.000.000" not in html
    html = page(client, "/dasbor/?tahun=2032&triwulan=2&arus=1")
    assert "arus triwulan" in html
    html = page(client, "/dasbor/?tahun=2032&triwulan=1&terverifikasi=1")
    assert "Rp 250.000" in html and "Rp 1.750.000" not in html  # only the verified OPD


def test_bad_filters_are_ignored_with_a_message(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/dasbor/?tahun=abc&triwulan=9&opd=99999&jenis=x&urut=zzz")
    assert "tidak dikenali dan diabaikan" in html
    assert "triwulan" in html and "jenis" in html


def test_drill_down_to_tags(client, make, login, world):
    login(make.user("viewer"))
    html = page(client, f"/dasbor/?tahun=2032&triwulan=1&opd={world['other'].id}")
    assert "Jaminan Kesehatan Rahasia" in html
    html = page(client, f"/dasbor/?tahun=2032&triwulan=1&sub={world['sa_other'].id}")
    assert "Iuran PBI daerah" in html


def test_opd_user_sees_aggregates_but_only_own_detail(client, make, login, world):
    login(make.user("opd", opd_obj=world["mine"]))
    html = page(client, "/dasbor/?tahun=2032&triwulan=1")
    assert "Rp 4.000.000" in html  # the kabupaten aggregate
    assert "Bantuan Sembako Milik Sendiri" in html  # own detail, forced
    assert "Jaminan Kesehatan Rahasia" not in html
    assert client.get(f"/dasbor/?tahun=2032&opd={world['other'].id}").status_code == 403
    assert client.get(f"/dasbor/?tahun=2032&sub={world['sa_other'].id}").status_code == 403
    assert client.get(f"/dasbor/anomali?tahun=2032&opd={world['other'].id}").status_code == 403
    html = page(client, "/dasbor/anomali?tahun=2032")
    assert "Iuran PBI daerah" not in html  # the other OPD's anomaly


def test_anomaly_list_links_to_the_realization(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/dasbor/anomali?tahun=2032")
    assert "Iuran PBI daerah" in html and "Penerima manfaat melebihi sasaran" in html
    assert f"/realisasi/?opd={world['other'].id}&amp;triwulan=1" in html
    assert "Paket sembako keluarga" not in html  # no anomaly there


def test_sort_by_absorption(client, make, login, world):
    login(make.user("secretariat"))
    html = page(client, "/dasbor/?tahun=2032&triwulan=1&urut=serapan")
    table = html[html.index('id="opd"'):]
    assert table.index("Dinas Kesehatan Uji") < table.index("Dinas Sosial Uji")  # 50 % > 25 %


@contextmanager
def count_statements():
    counter = {"n": 0}

    def listener(*args):
        counter["n"] += 1

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def grow(make, fy, n_opds, tags_per_opd):
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    dist = make.district()
    villages = [make.village(dist, fy, priority=True, desil1=5) for _ in range(3)]
    for i in range(n_opds):
        o = make.opd()
        sa = make.sub_activity(o, fy)
        for j in range(tags_per_opd):
            t = make.tag(sa, "1000", 1 + j % 3, ("langsung", "penunjang")[j % 2])
            make.tag_village(t, villages[j % 3], "500")
            make.realization(t, q[1], "100", "10", 1, anomalies="falling" if j == 0 else "")
            make.realization(t, q[2], "300", "30", 2)
        make.submission(o, q[2], ("verified", "submitted")[i % 2])


@pytest.mark.parametrize("url", [
    "/dasbor/?tahun=2032&triwulan=2",
    "/dasbor/?tahun=2032&triwulan=2&arus=1&terverifikasi=1&urut=serapan",
    "/dasbor/anomali?tahun=2032",
])
def test_statement_count_does_not_grow_with_data(app, client, make, login, world, url):
    login(make.user("secretariat"))
    grow(make, world["fy"], 1, 1)
    client.get(url)  # warm-up: first-request work is not the page's
    db.session.commit()  # the setup's writes (and their data-version bump) are not the page's
    app.extensions["cache"].clear()  # the figures are computed, not read (tests/test_cache.py)
    with count_statements() as small:
        page(client, url)
    grow(make, world["fy"], 12, 8)
    db.session.commit()
    with count_statements() as large:
        html = page(client, url)
    assert small["n"] == large["n"], (small["n"], large["n"])
    assert small["n"] < 40
    assert html.count("<tr") > 13  # the larger data did render (13 anomalies at least)


def test_many_opds_are_cut_to_a_summed_remainder_row(client, make, login, monkeypatch):
    """A province-sized database: the page shows the first rows and one "Lainnya" row, and the
    table still adds up to its total; ?semua=1 shows every row."""
    from app.dashboard import page

    monkeypatch.setattr(page, "ROW_LIMIT", 2)
    fy = make.fiscal_year(2026)
    names = []
    for i in range(4):
        o = make.opd(name=f"Dinas Banyak {i}")
        names.append(o.name)
        make.tag(make.sub_activity(opd_obj=o, fy=fy, allocation="1000000"), amount="100000")
    login(make.user("secretariat"))
    html = client.get("/dasbor/?tahun=2026&triwulan=1").get_data(as_text=True)
    assert "Lainnya: 2 OPD" in html
    assert "Rp 200.000" in html  # the two OPDs folded into the remainder row
    full = client.get("/dasbor/?tahun=2026&triwulan=1&semua=1").get_data(as_text=True)
    assert "Lainnya: 2 OPD" not in full
    assert all(n in full for n in names)

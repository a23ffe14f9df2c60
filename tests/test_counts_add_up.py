"""Counts that say what they count and add up (issue 23): the home's and the dashboard's
anomaly counts are one function for one quarter, labelled with it; "Menunggu verifikasi" counts
its list; the OPD status cards are a partition of the OPDs; targets are summed per unit, never
across units; the headline says whether it is all data or verified only."""
import re
from datetime import datetime

import pytest

from reports.content.kemenko import build_content, resolve_options
from reports.queries.rollup import RollupFilter, targets_by_unit

AFTER = "2026-11-30T03:00:00"  # TW III 2026 is the reporting quarter, its deadline passed


@pytest.fixture
def world(make, clock):
    clock(AFTER)
    fy = make.fiscal_year(2026)
    fy.is_current = True
    q = {n: make.quarter(fy, n) for n in (1, 2, 3, 4)}
    opds = [make.opd() for _ in range(5)]
    t0 = make.tag(make.sub_activity(opds[0], fy), "1000000", target_count=100, target_unit="KK")
    t1 = make.tag(make.sub_activity(opds[1], fy), "1000000", target_count=7, target_unit="desa")
    t2 = make.tag(make.sub_activity(opds[1], fy), "1000000", target_count=50, target_unit="KK")
    make.realization(t0, q[2], "10", anomalies="over_tagged", explanation="x")  # TW II
    make.realization(t0, q[3], "20", reached=40, anomalies="over_tagged", explanation="x")
    make.realization(t1, q[3], "5", reached=3)
    make.realization(t2, q[3], "5", reached=10, anomalies="falling", explanation="x")
    make.submission(opds[0], q[3], "verified")
    make.submission(opds[1], q[3], "submitted", submitted_at=datetime(2026, 10, 20))
    make.submission(opds[2], q[2], "submitted", submitted_at=datetime(2026, 7, 20))  # TW II
    make.submission(opds[3], q[3], "returned")
    make.submission(opds[4], q[3], "draft")
    return dict(fy=fy, opds=opds, q=q)


def test_anomaly_counts_are_the_same_quarter_on_home_and_dashboard(client, make, login, world):
    login(make.user("secretariat"))
    home = client.get("/").get_data(as_text=True)
    n_home = re.search(r"Anomali Triwulan III</span><strong><a [^>]+>(\d+)<", home).group(1)
    dash = client.get("/dasbor/?tahun=2026").get_data(as_text=True)
    n_dash = re.search(r"Anomali TW III \((\d+)\)", dash).group(1)
    assert n_home == n_dash == "2"  # TW II's anomaly is not counted for TW III
    listing = client.get("/dasbor/anomali?tahun=2026&triwulan=3").get_data(as_text=True)
    assert listing.count("<tr") - 1 == 2


def test_waiting_count_is_the_length_of_its_list(client, make, login, world):
    login(make.user("secretariat"))
    home = client.get("/").get_data(as_text=True)
    section = home[home.index("Menunggu verifikasi: "):]
    n = int(re.match(r"Menunggu verifikasi: (\d+) laporan", section).group(1))
    items = section[:section.index("</ul>")].count("<li>")
    assert n == items == 2  # TW III's and TW II's waiting reports


@pytest.mark.parametrize("role", ["viewer", "secretariat"])
def test_opd_status_cards_add_up_to_the_number_of_opds(client, make, login, world, role):
    login(make.user(role))
    home = client.get("/").get_data(as_text=True)
    total = int(re.search(r"Laporan Triwulan III: (\d+) OPD", home).group(1))
    parts = [int(n) for n in re.findall(
        r'data-part="[a-z_]+"><span class="label">[^<]+</span><strong>(\d+)</strong>', home)]
    assert len(parts) == 4 and sum(parts) == total
    assert "Di antaranya terlambat" in home


def test_targets_are_summed_per_unit_never_across_units(client, make, login, world):
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=3)
    assert targets_by_unit(f) == [("KK", 150, 50), ("desa", 7, 3)]
    login(make.user("viewer"))
    dash = client.get("/dasbor/?tahun=2026").get_data(as_text=True)
    assert "50 / 150</strong> KK" in dash and "3 / 7</strong> desa" in dash
    assert "157" not in dash  # never 150 KK + 7 desa
    content = build_content(resolve_options(2026, quarter=3, include_unverified=True))
    assert content.targets == [("KK", 150, 50), ("desa", 7, 3)]
    assert content.matrix_total[14] is None  # two units: no single total


def test_headline_says_all_data_and_shows_the_verified_share(client, make, login, world):
    login(make.user("opd", opd_obj=world["opds"][0]))
    home = client.get("/").get_data(as_text=True)
    assert "Serapan · semua data" in home and "hanya terverifikasi:" in home
    login(make.user("viewer"))  # the leader's screen (issue 23, browser half) says it too
    home = client.get("/").get_data(as_text=True)
    assert "semua laporan" in home and "Sudah diverifikasi" in home
    dash = client.get("/dasbor/?tahun=2026").get_data(as_text=True)
    assert "semua data (termasuk belum diverifikasi)" in dash
    dash = client.get("/dasbor/?tahun=2026&terverifikasi=1").get_data(as_text=True)
    assert "hanya laporan terverifikasi" in dash

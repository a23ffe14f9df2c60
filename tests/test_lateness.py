"""Lateness everywhere: an OPD that never submitted (no submission row at all) is late after
the deadline, with the days overdue, on the compliance board, the review queue, the homes and the
dashboard; the OPD home warns in the week before and after the deadline."""
import re
from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.cycle import compliance

# TW III 2026 ends 30 September; due 15 days later, 15 October (WIB).
AFTER = "2026-11-30T03:00:00"  # 46 days after the deadline
BEFORE = "2026-10-10T03:00:00"  # 5 days before it
EARLY = "2026-10-01T03:00:00"  # 14 days before it: no warning yet


@pytest.fixture
def year(make):
    fy = make.fiscal_year(2026)
    fy.is_current = True
    return fy, make.quarter(fy, 3)


def test_days_overdue_and_days_left(make, clock, year):
    fy, q3 = year
    o = make.opd()
    clock(AFTER)
    assert compliance.days_overdue(q3, None) == 46  # no row at all
    draft = make.submission(o, q3, "draft")
    assert compliance.days_overdue(q3, draft) == 46
    draft.first_submitted_at, draft.is_late = datetime(2026, 10, 20, 2), True
    assert compliance.days_overdue(q3, draft) == 5  # judged at its first submission
    draft.first_submitted_at, draft.is_late = datetime(2026, 10, 14, 2), False
    assert compliance.days_overdue(q3, draft) is None
    clock(BEFORE)
    assert compliance.days_overdue(q3, None) is None
    assert compliance.days_left(q3, None) == 5
    clock(EARLY)
    assert compliance.days_left(q3, None) is None


def test_never_submitted_opd_is_late_on_board_queue_and_xlsx(client, make, login, clock, year):
    fy, q3 = year
    silent = make.opd(name="Dinas Tanpa Laporan")
    on_time = make.opd(name="Dinas Tepat Waktu")
    make.submission(on_time, q3, "submitted", first_submitted_at=datetime(2026, 10, 1),
                    submitted_at=datetime(2026, 10, 1), is_late=False)
    clock(AFTER)
    login(make.user("secretariat"))
    board = client.get("/verifikasi/kepatuhan?tahun=2026").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*Dinas Tanpa Laporan.*?</tr>", board, re.S).group(0)
    assert "Terlambat 46 hari" in row
    row = re.search(r"<tr>(?:(?!</tr>).)*Dinas Tepat Waktu.*?</tr>", board, re.S).group(0)
    assert row.count("Terlambat") == 2  # TW I, II never started: late; III on time, IV not due
    queue = client.get("/verifikasi/?tahun=2026&triwulan=3").get_data(as_text=True)
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Dinas Tanpa Laporan.*?</tr>", queue, re.S).group(0)
    assert "Terlambat 46 hari" in row
    ws = load_workbook(BytesIO(client.get(
        "/verifikasi/kepatuhan?tahun=2026&format=xlsx").data)).active
    rows = {r[2]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert rows[silent.name][7] == "Belum mulai (terlambat 46 hari)"  # TW III: column H


def test_late_count_on_homes_counts_opds_without_a_row(client, make, login, clock, year):
    fy, q3 = year
    clock(AFTER)
    before = compliance.late_count(q3)
    make.opd()  # never opened the sheet
    make.submission(make.opd(), q3, "draft")  # opened, never submitted
    make.submission(make.opd(), q3, "submitted", first_submitted_at=datetime(2026, 10, 1),
                    is_late=False)
    assert compliance.late_count(q3) == before + 2
    login(make.user("secretariat"))
    home = client.get("/").get_data(as_text=True)
    card = re.search(r'Di antaranya terlambat: <strong>(\d+)</strong>', home).group(1)
    assert int(card) == before + 2
    assert "Terlambat 46 hari" in home  # the status table names the days
    login(make.user("viewer"))
    home = client.get("/").get_data(as_text=True)
    assert int(re.search(r'Di antaranya terlambat: <strong>(\d+)</strong>', home).group(1)) \
        == before + 2


def test_opd_home_warns_before_and_after_the_deadline(client, make, login, clock, year):
    fy, q3 = year
    o = make.opd()
    login(make.user("opd", opd_obj=o))
    clock(EARLY)
    assert "deadline-notice" not in client.get("/").get_data(as_text=True)
    clock(BEFORE)
    home = client.get("/").get_data(as_text=True)
    assert "tinggal 5 hari lagi" in home and "deadline-notice" in home
    clock(AFTER)
    home = client.get("/").get_data(as_text=True)
    assert "terlambat 46 hari" in home and "Terlambat 46 hari" in home


def test_dashboard_marks_never_started_opd_late(client, make, login, clock, year):
    fy, q3 = year
    o = make.opd(name="Dinas Diam")
    make.tag(make.sub_activity(o, fy))
    clock(AFTER)
    login(make.user("secretariat"))
    html = client.get("/dasbor/?tahun=2026&triwulan=3").get_data(as_text=True)
    row = re.search(r"<tr>(?:(?!</tr>).)*Dinas Diam.*?</tr>", html, re.S).group(0)
    assert "Terlambat 46 hari" in row

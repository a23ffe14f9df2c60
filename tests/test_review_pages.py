"""The secretariat's pages: queue, review page, compliance board (+XLSX), home notices."""
import re
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from models import db


@pytest.fixture
def cycle(make):
    """Two OPDs in 2026: A submitted late with an anomaly, B verified; TW II of A verified."""
    a, fy, tags_a = make.tagged_opd(2)
    b, _, tags_b = make.tagged_opd(1, fy=fy)
    # A before B in every list ordered by code, whatever the factories' counter: theirs wrap
    # at 100 ("9.98..." then "9.01..."), which put B first in some runs (the board's row 5).
    a.code, b.code = "9.00.0.00.0.00.00.0001", "9.00.0.00.0.00.00.0002"
    q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
    make.realization(tags_a[0], q1, amount="2000000", explanation="Pergeseran disahkan.",
                     anomalies="over_tagged")
    make.realization(tags_a[1], q1, amount="100000", progress="10", reached=5)
    make.realization(tags_b[0], q1, amount="300000")
    make.realization(tags_a[0], q2, amount="2500000", anomalies="over_tagged")
    make.realization(tags_a[1], q2, amount="400000")
    sub_a = make.submission(a, q1, status="submitted", is_late=True,
                            submitted_at=datetime(2026, 4, 20, 3),
                            first_submitted_at=datetime(2026, 4, 20, 3))
    sub_b = make.submission(b, q1, status="verified", submitted_at=datetime(2026, 4, 2, 3))
    make.submission(a, q2, status="verified")
    return {"a": a, "b": b, "fy": fy, "q1": q1, "tags_a": tags_a, "sub_a": sub_a,
            "sub_b": sub_b}


def test_queue_shows_status_lateness_and_anomalies(client, make, login, cycle):
    login(make.user("secretariat"))
    page = client.get("/verifikasi/?tahun=2026&triwulan=1").get_data(as_text=True)
    assert cycle["a"].name in page and cycle["b"].name in page
    assert "Terlambat" in page and "Tepat waktu" not in page.split(cycle["a"].name)[1][:400]
    assert f'/verifikasi/{cycle["sub_a"].id}"' in page
    row_a = page.split(cycle["a"].name)[1].split("</tr>")[0]
    assert "badge-anomaly" in row_a and ">1<" in row_a and "2 / 2" in row_a


@pytest.mark.parametrize("role", ["opd", "viewer", "admin"])
def test_queue_is_secretariat_only(client, make, login, cycle, role):
    login(make.user(role))
    assert client.get("/verifikasi/?tahun=2026").status_code == 403


def test_review_page_shows_both_quarters_comments_history(client, make, login, cycle):
    sec = login(make.user("secretariat"))
    sub = cycle["sub_a"]
    page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
    assert "Pergeseran disahkan." in page and 'class="anomaly"' in page
    assert "Verifikasi</button>" in page and "Kembalikan ke OPD" in page
    for t in cycle["tags_a"]:
        assert f'name="c-{t.id}"' in page
    client.post(f"/verifikasi/{sub.id}/kembalikan", data={
        "general": "Mohon lampirkan SP2D.", f"c-{cycle['tags_a'][0].id}": "Melebihi pagu."})
    page = client.get(f"/verifikasi/{sub.id}").get_data(as_text=True)
    assert "Mohon lampirkan SP2D." in page and "Melebihi pagu." in page
    assert sec.full_name in page
    assert "Verifikasi</button>" not in page  # returned: nothing to decide now


def test_review_page_guard(client, make, login, cycle):
    login(make.user("opd", opd_obj=cycle["b"]))
    assert client.get(f"/verifikasi/{cycle['sub_a'].id}").status_code == 403
    assert client.post(f"/verifikasi/{cycle['sub_a'].id}/verifikasi").status_code == 403
    assert client.get(f"/verifikasi/{cycle['sub_b'].id}").status_code == 200  # its own
    assert client.get("/verifikasi/999999").status_code == 404


def test_review_page_query_count_does_not_grow_with_tags(app, client, make, login):
    def statements(n_tags):
        opd, fy, tags = make.tagged_opd(n_tags, fy=make.fiscal_year(2026))
        q1, q2 = make.quarter(fy, 1), make.quarter(fy, 2)
        v = make.village(fy=fy, priority=True)
        for t in tags:
            make.tag_village(t, v, target=5)
            make.realization(t, q1, amount="10", progress="1", reached=1)
            make.realization(t, q2, amount="20", progress="2", reached=2, anomalies="x")
        sub = make.submission(opd, q2, status="submitted")
        seen = []

        def count(*_):
            seen.append(1)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/verifikasi/{sub.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    login(make.user("secretariat"))
    few, many = statements(3), statements(40)
    assert few == many
    assert many <= 16  # + the evidence files of the rows (one query) since issue 14


def test_compliance_board_and_xlsx(client, make, login, cycle):
    login(make.user("viewer"))
    page = client.get("/verifikasi/kepatuhan?tahun=2026").get_data(as_text=True)
    assert cycle["a"].name in page and "Semester 1" in page and "Terlambat" in page
    assert "Rp 2.900.000" in page  # A's figure to date at TW II = semester 1
    resp = client.get("/verifikasi/kepatuhan?tahun=2026&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(BytesIO(resp.data)).active
    # Title, the filter (year), a blank row, then the header (the shared table layout).
    assert ws["A2"].value == "Tahun anggaran:" and ws["B2"].value == "2026"
    assert ws.freeze_panes == "D5"
    assert ws["E4"].value == "TW I" and ws["G4"].value == "Semester 1"
    assert ws["G5"].number_format.startswith('"Rp"')
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    row_a = rows[cycle["a"].code]
    assert re.fullmatch(r"Diajukan \(terlambat \d+ hari\)", row_a[4])
    assert row_a[5] == "Terverifikasi"
    assert Decimal(str(row_a[6])) == Decimal("2900000")
    assert rows[cycle["b"].code][4] == "Terverifikasi"
    # Never started: late once the deadline has passed, with the days overdue.
    assert re.fullmatch(r"Belum mulai( \(terlambat \d+ hari\))?", rows[cycle["b"].code][7])
    assert ws.column_dimensions["C"].width >= 40


def test_compliance_refuses_opd_role(client, make, login, cycle):
    login(make.user("opd", opd_obj=cycle["a"]))
    assert client.get("/verifikasi/kepatuhan?tahun=2026").status_code == 403


def test_home_notices(client, make, login, cycle):
    login(make.user("secretariat"))
    page = client.get("/").get_data(as_text=True)
    assert "Menunggu verifikasi" in page
    assert f'/verifikasi/{cycle["sub_a"].id}' in page
    client.post(f"/verifikasi/{cycle['sub_a'].id}/kembalikan", data={
        "general": "Realisasi fisik belum didukung bukti.",
        f"c-{cycle['tags_a'][0].id}": "Jelaskan kelebihan pagu."})
    login(make.user("opd", opd_obj=cycle["a"]))
    page = client.get("/").get_data(as_text=True)
    assert "Triwulan I dikembalikan" in page
    assert "Realisasi fisik belum didukung bukti." in page
    assert "Jelaskan kelebihan pagu." in page
    login(make.user("opd", opd_obj=cycle["b"]))
    assert "dikembalikan" not in client.get("/").get_data(as_text=True)

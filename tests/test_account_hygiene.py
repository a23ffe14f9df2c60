"""Account hygiene (issue 15): users without activity for N days, their deactivation, and an
inactive OPD that takes no new work while its history stays in every report."""
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.accounts.accounts import create_user
from app.budget.services.subactivities import create_sub_activity
from app.core.errors import ServiceError
from models import AuditLog, SubActivity, User, db
from reports.queries.rollup import RollupFilter, rollup, total

NOW = "2026-11-30T03:00:00"


@pytest.fixture
def people(make, clock):
    clock(NOW)
    at = datetime.fromisoformat
    rows = {}
    for name, last, created in (("lama", "2026-08-01T00:00:00", "2025-01-01T00:00:00"),
                                ("baru", "2026-11-20T00:00:00", "2025-01-01T00:00:00"),
                                ("belum", None, "2026-05-01T00:00:00"),
                                ("anyar", None, "2026-11-29T00:00:00")):
        user = make.user("viewer", username=f"hyg.{name}")
        user.last_login_at = at(last) if last else None
        user.created_at = at(created)
        rows[name] = user
    off = make.user("viewer", username="hyg.mati")
    off.last_login_at, off.active = at("2025-01-01T00:00:00"), False
    db.session.flush()
    return rows


def listed(page: str) -> set[str]:
    return {n for n in ("lama", "baru", "belum", "anyar", "mati") if f"hyg.{n}<" in page}


def test_idle_users_for_n_days(client, make, login, people):
    admin = login(make.user("admin"))
    admin.last_login_at = datetime(2026, 11, 30)
    page = client.get("/admin/penyiapan/pengguna-tidak-aktif?hari=90").get_data(as_text=True)
    # 121 days since login; never logged in, created 213 days ago. Not the inactive account.
    assert listed(page) == {"lama", "belum"}
    page = client.get("/admin/penyiapan/pengguna-tidak-aktif?hari=5").get_data(as_text=True)
    assert listed(page) == {"lama", "belum", "baru"}
    page = client.get("/admin/penyiapan/pengguna-tidak-aktif").get_data(as_text=True)
    assert "tanpa aktivitas 90 hari" in page and listed(page) == {"lama", "belum"}


@pytest.mark.parametrize(("query", "shown", "message"), [
    ("hari=abc", 90, "harus berupa angka"),
    ("hari=999999999999", 3650, "dibatasi 1–3650"),
    ("hari=-4", 1, "dibatasi 1–3650"),
    ("hari=1e3", 90, "harus berupa angka"),
])
def test_days_out_of_bounds_are_clamped_with_a_message(client, make, login, people, query,
                                                       shown, message):
    login(make.user("admin"))
    resp = client.get(f"/admin/penyiapan/pengguna-tidak-aktif?{query}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f"tanpa aktivitas {shown} hari" in page and message in page


def test_deactivate_ends_sessions_and_is_audited(app, client, make, login, people):
    target = people["lama"]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    assert other.post("/login", data={"username": "hyg.lama",
                                      "password": make.PASSWORD}).status_code == 302
    assert other.get("/").status_code == 200
    admin = login(make.user("admin"))
    resp = client.post(f"/admin/penyiapan/pengguna-tidak-aktif/{target.id}/nonaktifkan",
                       data={"hari": "30", "confirm": "1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("hari=30")
    db.session.refresh(target)
    assert not target.active
    assert other.get("/").status_code == 302  # the session ended
    entry = db.session.scalar(select(AuditLog).where(
        AuditLog.entity == "user", AuditLog.entity_id == target.id,
        AuditLog.note.like("Dinonaktifkan%")))
    assert entry.user_id == admin.id and entry.new_values == {"active": False}
    # Twice: a message, not an error; one's own account: refused.
    again = client.post(f"/admin/penyiapan/pengguna-tidak-aktif/{target.id}/nonaktifkan",
                        data={"confirm": "1"}, follow_redirects=True)
    assert "sudah nonaktif" in again.get_data(as_text=True)
    own = client.post(f"/admin/penyiapan/pengguna-tidak-aktif/{admin.id}/nonaktifkan",
                      data={"confirm": "1"}, follow_redirects=True)
    assert "akun sendiri" in own.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_unknown_and_huge_user_ids(client, make, login):
    login(make.user("admin"))
    assert client.post("/admin/penyiapan/pengguna-tidak-aktif/999999/nonaktifkan"
                       ).status_code == 404
    assert client.post("/admin/penyiapan/pengguna-tidak-aktif/99999999999999/nonaktifkan"
                       ).status_code in (400, 404)


# --- an inactive OPD ---------------------------------------------------------------------------

@pytest.fixture
def closed_opd(make):
    opd, fy, tags = make.tagged_opd(n_tags=2, amount="1000000")
    q1 = make.quarter(fy, 1)
    for tag in tags:
        make.realization(tag, q1, "400000", "40", 10)
    make.submission(opd, q1, "verified")
    opd.is_active = False
    db.session.flush()
    return opd, fy


def test_inactive_opd_keeps_its_history_in_the_rollup_and_reports(app, client, make, login,
                                                                   closed_opd):
    opd, fy = closed_opd
    app.extensions["cache"].clear()
    f = RollupFilter(fy.id, quarter=1)
    row = next(r for r in rollup(f, "opd") if r.code == opd.code)
    assert row.tagged == Decimal("2000000") and row.realized == Decimal("800000")
    assert total(RollupFilter(fy.id, quarter=1, opd_id=opd.id)).realized == Decimal("800000")
    # The report (XLSX) of the year still carries the OPD's lines.
    login(make.user("secretariat"))
    resp = client.post("/laporan/", data={"variant": "plan", "opd_id": 0, "year": fy.year,
                                          "quarter": 4, "semester": 2, "fmt": "xlsx",
                                          "include_unverified": "y"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    from openpyxl import load_workbook

    texts = {c.value for ws in load_workbook(io.BytesIO(resp.data)).worksheets
             for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert any(opd.name in t for t in texts)


def test_inactive_opd_takes_no_new_sub_kegiatan_users_or_import(app, client, make, login,
                                                                closed_opd):
    opd, fy = closed_opd
    values = {"code": "1.06.05.2.02.0999", "name": "Baru", "program_code": "1.06.05",
              "program_name": "P", "activity_code": "1.06.05.2.02", "activity_name": "K",
              "allocation_original": Decimal("1000"), "allocation_revised": None,
              "funding_source_id": None, "output_indicator": "", "output_target": None,
              "output_unit": "", "location": ""}
    with pytest.raises(ServiceError, match="nonaktif"):
        create_sub_activity(opd.id, fy.id, values)
    with pytest.raises(ServiceError, match="nonaktif"):
        create_user("baru.opd", make.PASSWORD, "opd", opd=opd)
    # The admin's user form says so beside the OPD field.
    login(make.user("admin"))
    resp = client.post("/admin/pengguna/baru", data={
        "username": "baru.opd", "full_name": "Baru", "role": "opd", "opd_id": opd.id,
        "active": "y", "password": "sandi-panjang-sekali"})
    assert resp.status_code == 200 and "nonaktif" in resp.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "baru.opd")) is None
    # The SIPD import of a new line: refused in the preview.
    login(make.user("secretariat"))
    wb = Workbook()
    wb.active.append(["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Nama Program", "Nama Kegiatan",
                      "Pagu Murni"])
    wb.active.append(["1.06.05.2.02.0998", "Baru", "P", "K", 1000])
    out = io.BytesIO()
    wb.save(out)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(out.getvalue()),
                                                           filename="sipd.xlsx")})
    before = db.session.scalar(select(func.count(SubActivity.id)))
    resp = client.post(f"/sub-kegiatan/impor?opd={opd.id}&tahun={fy.year}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert "nonaktif" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SubActivity.id))) == before


def test_existing_lines_of_an_inactive_opd_can_still_be_corrected(make, closed_opd):
    """History is kept, not frozen: an edit of an existing line is not new work."""
    from app.budget.services.subactivities import update_sub_activity

    opd, fy = closed_opd
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == opd.id))
    from app.setup.services.rollover import SA_FIELDS

    values = {k: getattr(sa, k) for k in (*SA_FIELDS, "allocation_original",
                                          "allocation_revised")}
    update_sub_activity(sa, {**values, "name": "Nama dibetulkan"}, sa.version)
    assert sa.name == "Nama dibetulkan"


def test_admin_sets_the_opd_kind_and_cannot_move_a_user_into_an_inactive_opd(client, make,
                                                                           login):
    opd, closed = make.opd(), make.opd(is_active=False)
    officer = make.user("opd", opd_obj=opd)
    login(make.user("admin"))
    resp = client.post(f"/admin/opd/{opd.id}", data={
        "code": opd.code, "name": opd.name, "short_name": "X", "kind": "kecamatan",
        "is_active": "y"})
    assert resp.status_code == 302
    db.session.refresh(opd)
    assert opd.kind == "kecamatan"
    assert "Kecamatan" in client.get("/admin/opd").get_data(as_text=True)
    resp = client.post(f"/admin/pengguna/{officer.id}", data={
        "username": officer.username, "full_name": "Pindah", "role": "opd",
        "opd_id": closed.id, "active": "y"})
    assert resp.status_code == 200 and "nonaktif" in resp.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.opd_id == opd.id
    assert "(nonaktif)" in client.get("/admin/pengguna/baru").get_data(as_text=True)

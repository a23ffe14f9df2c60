"""The admin's audit-log viewer (filters, pages, XLSX) and the login history per user."""
import io
from datetime import datetime

from openpyxl import load_workbook

from app.core import audit
from models import AuditLog, LoginEvent, db


def _entry(user, opd, action, entity, at, note=""):
    e = audit.record(action, entity, 1, opd_id=opd.id if opd else None, user=user, note=note,
                     new={"x": 1})
    e.at = at
    db.session.flush()
    return e


def test_filters_by_user_opd_object_action_and_dates(client, make, login):
    opd_a, opd_b = make.opd(), make.opd()
    alice, bob = make.user("opd", opd_obj=opd_a), make.user("opd", opd_obj=opd_b)
    _entry(alice, opd_a, "update", "tag", datetime(2031, 3, 1, 8), "catatan-satu")
    _entry(alice, opd_a, "delete", "tag", datetime(2031, 3, 5, 8), "catatan-dua")
    _entry(bob, opd_b, "update", "realization", datetime(2031, 4, 1, 8), "catatan-tiga")
    login(make.user("admin"))

    def notes(query):
        page = client.get(f"/admin/audit/?{query}").get_data(as_text=True)
        return {n for n in ("catatan-satu", "catatan-dua", "catatan-tiga") if n in page}

    assert notes(f"pengguna={alice.id}") == {"catatan-satu", "catatan-dua"}
    assert notes(f"opd={opd_b.id}") == {"catatan-tiga"}
    assert notes("objek=realization&dari=2031-01-01") == {"catatan-tiga"}
    assert notes(f"tindakan=delete&pengguna={alice.id}") == {"catatan-dua"}
    assert notes("dari=2031-03-01&sampai=2031-03-01") == {"catatan-satu"}  # the whole day
    assert notes("dari=bukan-tanggal&sampai=2031-03-04&objek=tag&opd="
                 f"{opd_a.id}") == {"catatan-satu"}


def test_pages_of_fifty(client, make, login):
    opd = make.opd()
    user = make.user("opd", opd_obj=opd)
    for i in range(55):
        _entry(user, opd, "update", "tag", datetime(2032, 1, 1, 0, i), f"n{i:02d}-")
    login(make.user("admin"))
    first = client.get(f"/admin/audit/?pengguna={user.id}").get_data(as_text=True)
    second = client.get(f"/admin/audit/?pengguna={user.id}&page=2").get_data(as_text=True)
    assert "n54-" in first and "n05-" in first and "n04-" not in first  # newest first
    assert "n04-" in second and "n00-" in second and "n05-" not in second
    assert "Halaman 1 dari 2" in first and "55 catatan" in first


def test_xlsx_export_has_the_filtered_rows(client, make, login):
    opd = make.opd()
    user = make.user("opd", opd_obj=opd)
    _entry(user, opd, "update", "tag", datetime(2033, 1, 1), "=1+1 ekspor")
    _entry(user, opd, "delete", "tag", datetime(2033, 1, 2), "tidak diekspor")
    login(make.user("admin"))
    resp = client.get(f"/admin/audit/?pengguna={user.id}&tindakan=update&format=xlsx")
    assert resp.status_code == 200 and "spreadsheetml" in resp.mimetype
    cells = [c for row in load_workbook(io.BytesIO(resp.data)).active.iter_rows() for c in row]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "=1+1 ekspor" in texts and "tidak diekspor" not in texts
    assert not [c for c in cells if c.data_type == "f"]
    assert user.username in texts


def test_viewer_is_admin_only(client, make, login):
    login(make.user("secretariat"))
    assert client.get("/admin/audit/").status_code == 403


def test_login_history_records_successes_and_failures(app, client, make, login):
    user = make.user("secretariat")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    client.post("/login", data={"username": user.username, "password": "salah-sekali-123"})
    client.post("/login", data={"username": user.username.upper(), "password": "rahasia-uji-123"})
    client.post("/logout")
    client.post("/login", data={"username": "tidak-ada", "password": "x"})
    events = db.session.query(LoginEvent).filter(
        LoginEvent.address == "203.0.113.7").order_by(LoginEvent.id).all()
    assert [(e.user_id, e.success, e.reason) for e in events] == [
        (user.id, False, "wrong"), (user.id, True, "ok"), (None, False, "unknown")]
    client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    login(make.user("admin"))
    page = client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    assert "Riwayat masuk" in page and "203.0.113.7" in page
    assert "Kata sandi salah" in page and "Berhasil" in page
    assert db.session.query(AuditLog).filter_by(action="login", entity_id=user.id).count() == 1


def test_the_log_reads_in_indonesian_with_changes_and_wib_times(client, make, login):
    """Issue 23: action and object names in words, changes as "Label: lama → baru", times in
    WIB, on the page and in its XLSX alike."""
    opd = make.opd()
    user = make.user("opd", opd_obj=opd)
    e = audit.record("update", "realization", 20, opd_id=opd.id, user=user,
                     old={"amount": "1000000.00", "status": "draft", "is_late": False},
                     new={"amount": "1500000.00", "status": "submitted", "is_late": True},
                     parent=("tag", 5))
    e.at = datetime(2034, 12, 6, 20, 30)  # 7 Desember 03.30 WIB
    audit.record("lookup", "household", 3, user=user, new={"x": 1}).at = datetime(2034, 12, 6)
    db.session.flush()
    login(make.user("admin"))
    page = client.get(f"/admin/audit/?pengguna={user.id}").get_data(as_text=True)
    assert "diubah" in page and "realisasi #20" in page and "tagging #5" in page
    assert "Nilai: Rp 1.000.000 → Rp 1.500.000" in page and "Status: draf → diajukan" in page
    assert "Terlambat: tidak → ya" in page and "pencarian data" in page
    assert "7 Des 2034 03.30 WIB" in page
    assert "{&#34;" not in page and '{"' not in page  # no raw JSON
    assert ">lookup<" not in page and ">update<" not in page  # filter options in words too
    resp = client.get(f"/admin/audit/?pengguna={user.id}&format=xlsx")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "Waktu (WIB)")
    assert "Perubahan" in header
    row = next(r for r in rows if r and r[3] == "diubah")
    assert row[0] == "07-12-2034 03.30 WIB" and row[4] == "realisasi #20 (tagging #5)"
    assert "Nilai: Rp 1.000.000 → Rp 1.500.000" in row[5]

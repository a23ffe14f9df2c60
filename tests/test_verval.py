"""Verval by the desa (issue 28): campaigns, recording by NIK and by row, the desa's boundary,
submission and review, and what an approval changes in coverage."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.verval import campaigns
from models import Notification, VervalRecord, VervalVillage, db
from reports.queries import coverage, verval

from . import coverage_files as cf
from . import verval_world as vw

DEADLINE = date(2099, 12, 31)


@pytest.fixture
def world(make):
    w = vw.build(make)
    w["campaign"] = campaigns.open_campaign("Verval uji", DEADLINE, None, w["users"]["sec"])
    cvs = {cv.village_id: cv for cv in db.session.scalars(select(VervalVillage).where(
        VervalVillage.campaign_id == w["campaign"].id))}
    w["cv_a"], w["cv_b"] = cvs[w["va"].id], cvs[w["vb"].id]
    return w


def record(client, cv, **data):
    return client.post(f"/verval/desa/{cv.id}/catat", data=data,
                       headers={"Accept": "application/json"})


def statuses(cv) -> dict:
    return dict(db.session.execute(select(VervalRecord.row_no, VervalRecord.status).where(
        VervalRecord.campaign_village_id == cv.id)).all())


def prefix_of_row(client, cv, row_no) -> str:
    page = client.get(f"/verval/desa/{cv.id}").get_data(as_text=True)
    found = re.search(rf'id="r{row_no}".*?<code>([0-9a-f]+)</code>', page, re.S)
    assert found, page[:2000]
    return found.group(1)


def test_opening_writes_one_numbered_record_per_desil1_household_and_notifies(world):
    assert (world["cv_a"].households, world["cv_b"].households) == (3, 2)
    assert sorted(statuses(world["cv_a"])) == [1, 2, 3]
    texts = db.session.scalars(select(Notification.text).where(
        Notification.user_id == world["users"]["a"].id, Notification.kind == "verval")).all()
    assert len(texts) == 1 and "Verval uji" in texts[0]


def test_desa_records_by_nik_and_by_row_and_corrects_until_submitted(client, login, world):
    login(world["users"]["a"])
    resp = record(client, world["cv_a"], nik=vw.head_nik(1), status="pindah")
    assert resp.status_code == 200 and resp.json["ok"], resp.json
    by_nik_row = resp.json["row"]
    assert statuses(world["cv_a"])[by_nik_row] == "pindah"
    other = next(r for r in (1, 2, 3) if r != by_nik_row)
    prefix = prefix_of_row(client, world["cv_a"], other)
    resp = record(client, world["cv_a"], row=str(other), prefix=prefix[:6], status="masih")
    assert resp.json["ok"] and resp.json["unrecorded"] == 1
    # A correction replaces the earlier status.
    resp = record(client, world["cv_a"], nik=cf.nik(2), status="meninggal")  # same family
    assert resp.json["row"] == by_nik_row
    assert statuses(world["cv_a"])[by_nik_row] == "meninggal"
    # A wrong prefix for a row is refused rather than recording the neighbour.
    resp = record(client, world["cv_a"], row=str(other), prefix="ffff0000", status="ganda")
    assert resp.status_code == 404 and not resp.json["ok"]
    assert statuses(world["cv_a"])[other] == "masih"


def test_without_script_a_record_posts_and_redirects_to_its_row(client, login, world):
    login(world["users"]["a"])
    resp = client.post(f"/verval/desa/{world['cv_a'].id}/catat",
                       data={"nik": vw.head_nik(2), "status": "masih", "page": "1"})
    assert resp.status_code == 303 and "#r" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Tersimpan" in page and vw.head_nik(2) not in page


def test_nik_of_another_desa_is_not_found_here_like_an_unknown_one(client, login, world):
    login(world["users"]["a"])
    foreign = record(client, world["cv_a"], nik=vw.head_nik(5), status="masih")
    unknown = record(client, world["cv_a"], nik=cf.nik(9999), status="masih")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == unknown.json == {"ok": False, "message": "Tidak ditemukan di desa ini."}
    assert set(statuses(world["cv_b"]).values()) == {None}


def test_operator_of_desa_a_can_neither_see_nor_record_desa_b(client, login, world):
    login(world["users"]["a"])
    cv_b = world["cv_b"]
    assert client.get(f"/verval/desa/{cv_b.id}").status_code == 404
    prefix = vw.head_nik(5)
    assert record(client, cv_b, nik=prefix, status="masih").status_code == 404
    assert client.post(f"/verval/desa/{cv_b.id}/ajukan").status_code == 404
    assert set(statuses(cv_b).values()) == {None}
    assert client.get("/verval/kampanye").status_code == 403
    home = client.get("/verval/").get_data(as_text=True)
    assert f"/verval/desa/{world['cv_a'].id}" in home and f"/verval/desa/{cv_b.id}" not in home


@pytest.mark.parametrize("path", ["/dasbor/?tahun=2026", "/cakupan/", "/laporan/",
                                  "/sub-kegiatan/", "/lokus/", "/perubahan-apbd/",
                                  "/bantuan/", "/cakupan/cek-nik"])
def test_desa_operator_is_refused_everywhere_else(client, login, world, path):
    login(world["users"]["a"])
    assert client.get(path).status_code == 403


def test_desa_home_leads_to_verval(client, login, world):
    login(world["users"]["a"])
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/verval/")


def test_note_holding_a_nik_is_refused_and_not_stored(client, login, world):
    login(world["users"]["a"])
    resp = record(client, world["cv_a"], nik=vw.head_nik(1), status="pindah",
                  note="pindah ke rumah 3299 0000 0000 0077")
    assert resp.status_code == 400 and "NIK" in resp.json["message"]
    assert db.session.scalar(select(func.count()).where(
        VervalRecord.note.like("%3299%"))) == 0
    resp = record(client, world["cv_a"], nik=vw.head_nik(1), status="pindah",
                  note="Pindah ke Kalimantan, 2025")
    assert resp.json["ok"]


def test_status_and_hostile_values_are_refused_without_a_server_error(client, login, world):
    login(world["users"]["a"])
    cv = world["cv_a"]
    for data in ({"nik": vw.head_nik(1), "status": "bogus"}, {"nik": "12", "status": "masih"},
                 {"row": "99999999999", "prefix": "abcd", "status": "masih"},
                 {"row": "1", "prefix": "zz\x00", "status": "masih"},
                 {"row": "1", "prefix": "abcd", "status": "masih", "note": "x" * 300}):
        assert record(client, cv, **data).status_code in (400, 404)
    assert set(statuses(cv).values()) == {None}


def _record_all(client, cv, nik_status: dict):
    for family, status in nik_status.items():
        assert record(client, cv, nik=vw.head_nik(family), status=status).json["ok"]


def test_submit_needs_every_household_then_locks(client, login, world):
    login(world["users"]["a"])
    cv = world["cv_a"]
    _record_all(client, cv, {1: "masih", 2: "pindah"})
    client.post(f"/verval/desa/{cv.id}/ajukan")
    assert db.session.get(VervalVillage, cv.id).state == "open"
    _record_all(client, cv, {3: "tidak_miskin"})
    assert client.post(f"/verval/desa/{cv.id}/ajukan").status_code == 303
    assert db.session.get(VervalVillage, cv.id).state == "submitted"
    resp = record(client, cv, nik=vw.head_nik(1), status="ganda")
    assert resp.status_code == 409
    notified = db.session.scalar(select(func.count()).where(
        Notification.user_id == world["users"]["sec"].id, Notification.kind == "verval"))
    assert notified == 1


def test_approval_takes_exits_out_of_coverage_and_the_trend(client, login, world, make):
    fy = make.fiscal_year(2026)
    snap = world["snap"]
    before = coverage.total(snap.id, fy.id, 4)
    _, unreached_before = coverage.unreached(snap.id, fy.id, 4)
    login(world["users"]["a"])
    cv = world["cv_a"]
    _record_all(client, cv, {1: "masih", 2: "pindah", 3: "tidak_ditemukan"})
    client.post(f"/verval/desa/{cv.id}/ajukan")
    assert coverage.total(snap.id, fy.id, 4).households == before.households  # not yet
    login(world["users"]["sec"])
    assert client.post(f"/verval/desa/{cv.id}/setujui").status_code == 303
    assert db.session.get(VervalVillage, cv.id).state == "approved"
    after = coverage.total(snap.id, fy.id, 4)
    assert after.households == before.households - 1  # "pindah" leaves; "tidak ditemukan" stays
    _, unreached_after = coverage.unreached(snap.id, fy.id, 4)
    assert unreached_after == unreached_before - 1
    point = coverage.trend()[-1]
    assert (point.desil1, point.after_verval) == (5, 4)
    page = client.get("/cakupan/?tahun=2026").get_data(as_text=True)
    assert "Setelah verval" in page


def test_return_with_a_note_lets_the_desa_correct_and_resubmit(client, login, world):
    cv = world["cv_b"]
    login(world["users"]["b"])
    _record_all(client, cv, {5: "masih", 6: "masih"})
    client.post(f"/verval/desa/{cv.id}/ajukan")
    login(world["users"]["sec"])
    client.post(f"/verval/desa/{cv.id}/kembalikan", data={"note": ""})
    assert db.session.get(VervalVillage, cv.id).state == "submitted"  # a note is required
    client.post(f"/verval/desa/{cv.id}/kembalikan", data={"note": f"NIK {vw.head_nik(6)}"})
    assert db.session.get(VervalVillage, cv.id).state == "submitted"  # never a NIK in it
    client.post(f"/verval/desa/{cv.id}/kembalikan", data={"note": "Periksa keluarga 6"})
    assert db.session.get(VervalVillage, cv.id).state == "returned"
    login(world["users"]["b"])
    page = client.get(f"/verval/desa/{cv.id}").get_data(as_text=True)
    assert "Periksa keluarga 6" in page
    assert record(client, cv, nik=vw.head_nik(6), status="meninggal").json["ok"]
    client.post(f"/verval/desa/{cv.id}/ajukan")
    assert db.session.get(VervalVillage, cv.id).state == "submitted"


def test_progress_per_desa_and_kecamatan_and_late_desa(client, login, world, clock):
    login(world["users"]["a"])
    _record_all(client, world["cv_a"], {1: "masih", 2: "pindah"})
    c = world["campaign"]
    rows = {r.key: r for r in verval.by_village(c, date(2026, 1, 1))}
    a = rows[world["cv_a"].id]
    assert (a.households, a.recorded, a.by_status["pindah"], a.late) == (3, 2, 1, False)
    late = verval.by_village(c, date(2100, 1, 1))
    assert all(r.late for r in late)
    (district,) = verval.by_district(c, date(2100, 1, 1))
    assert (district.households, district.recorded, district.late) == (5, 2, True)
    login(world["users"]["sec"])
    page = client.get(f"/verval/kampanye/{c.id}").get_data(as_text=True)
    assert "2 dari 5" in page
    xlsx = client.get(f"/verval/kampanye/{c.id}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_export_counts_per_desa_and_prefixes_per_kecamatan_without_nik(client, login, world):
    import io

    from openpyxl import load_workbook

    login(world["users"]["a"])
    _record_all(client, world["cv_a"], {1: "masih", 2: "pindah"})
    login(world["users"]["sec"])
    url = f"/verval/kampanye/{world['campaign'].id}?format=xlsx"
    wb = load_workbook(io.BytesIO(client.get(url).data))
    assert wb.sheetnames == ["Per desa", "Per kecamatan"]
    wb = load_workbook(io.BytesIO(client.get(f"{url}&kecamatan={world['district'].id}").data))
    assert wb.sheetnames == ["Per desa", "Per kecamatan", "Awalan hash"]
    cells = [[c.value for c in row] for row in wb["Awalan hash"].iter_rows()]
    text = repr(cells)
    assert "Pindah" in text and "Masih miskin ekstrem" in text and "Belum dicatat" in text
    assert "3299" not in text and not any(re.search(r"\d{16}", str(v)) for r in cells
                                         for v in r)
    prefixes = [r[3] for r in cells if r and isinstance(r[3], str)
                and re.fullmatch(r"[0-9a-f]{12}", r[3])]
    assert len(prefixes) == 5


def test_secretariat_opens_a_campaign_for_chosen_desa(client, login, world):
    login(world["users"]["sec"])
    resp = client.post("/verval/kampanye", data={
        "name": "Verval kedua", "deadline": "2099-06-30", "scope": "selected",
        "villages": [str(world["vb"].id)]})
    assert resp.status_code == 303
    new = db.session.scalars(select(VervalVillage).order_by(VervalVillage.id.desc())).first()
    assert new.village_id == world["vb"].id and new.households == 2
    resp = client.post("/verval/kampanye", data={"name": "Lampau", "deadline": "2000-01-01",
                                                 "scope": "all"})
    assert resp.status_code == 200 and "Batas waktu tidak boleh" in resp.get_data(as_text=True)


def test_print_list_writes_row_numbers_and_prefixes_only(app, world, tmp_path):
    out = tmp_path / "daftar.csv"
    result = app.test_cli_runner().invoke(args=["verval", "print-list", "--desa",
                                                world["va"].code, "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[1] == "no_baris;awalan_hash;status"
    assert [line.split(";")[0] for line in lines[2:]] == ["1", "2", "3"]
    assert all(re.fullmatch(r"[0-9a-f]{12}", line.split(";")[1]) for line in lines[2:])
    assert "3299" not in out.read_text()


def test_setup_import_creates_desa_operators_bound_to_their_desa(app, make, tmp_path):
    from models import User

    from .test_setup_import import USER_HEADER, cli, csv_bytes, write

    village = make.village()
    header = USER_HEADER + ["Kode Desa"]
    rows = [["op.desa", "Operator Desa", "operator desa", "", "", village.code],
            ["op.tanpa", "Tanpa Desa", "desa", "", "", ""],
            ["op.salah", "Desa Salah", "desa", "", "", "00.00.00.0000"]]
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(header, rows)))
    assert out.exit_code != 0
    assert "baris 3 [Kode Desa]: Wajib diisi untuk peran desa" in out.output
    assert "baris 4 [Kode Desa]: Desa dengan kode 00.00.00.0000 tidak ditemukan" in out.output
    out = cli(app, "setup", "import-users", write(tmp_path, "u2.csv",
                                                  csv_bytes(header, rows[:1])))
    assert out.exit_code == 0, out.output
    user = db.session.scalar(select(User).where(User.username == "op.desa"))
    assert (user.role, user.village_id, user.opd_id) == ("desa", village.id, None)


def test_admin_creates_a_desa_operator_only_with_a_desa(client, login, make):
    from models import User

    village = make.village()
    login(make.user("admin"))
    base = {"username": "operator.desa", "full_name": "Operator Desa", "role": "desa",
            "opd_id": "0", "active": "y", "password": "kata-sandi-desa-9x!"}
    resp = client.post("/admin/pengguna/baru", data={**base, "village_id": "0"})
    assert resp.status_code == 200 and "harus terhubung ke satu desa" in resp.get_data(
        as_text=True)
    resp = client.post("/admin/pengguna/baru", data={**base, "village_id": str(village.id)})
    assert resp.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "operator.desa"))
    assert (user.role, user.village_id) == ("desa", village.id)


def test_province_bundle_carries_approved_counts_per_desa_and_status(client, login, world,
                                                                     make):
    from jsonschema import Draft202012Validator

    from app.federation import content, schema

    fy = make.fiscal_year(2026)
    login(world["users"]["a"])
    _record_all(client, world["cv_a"], {1: "masih", 2: "pindah", 3: "ganda"})
    client.post(f"/verval/desa/{world['cv_a'].id}/ajukan")
    login(world["users"]["sec"])
    client.post(f"/verval/desa/{world['cv_a'].id}/setujui")
    rows = {r["village_code"]: r for r in content._coverage(fy.id, 4)}
    a, b = rows[world["va"].code], rows[world["vb"].code]
    assert a["households"] == 1  # "pindah" and "ganda" left coverage
    assert a["verval"] == {"masih": 1, "tidak_miskin": 0, "pindah": 1, "meninggal": 0,
                           "tidak_ditemukan": 0, "ganda": 1}
    assert "verval" not in b  # desa B is not approved yet
    validator = Draft202012Validator(schema.COVERAGE)
    assert not list(validator.iter_errors(a)) and not list(validator.iter_errors(b))


def test_report_annex_counts_after_an_approved_verval(client, login, world, make):
    from types import SimpleNamespace

    from reports.content import coverage_annex

    fy = make.fiscal_year(2026)
    content = SimpleNamespace(opd=None, fiscal_year=fy, quarter=4, period="TW IV")
    _, rows, total = coverage_annex.figures(content)
    assert total[1] == 5
    login(world["users"]["a"])
    _record_all(client, world["cv_a"], {1: "meninggal", 2: "pindah", 3: "masih"})
    client.post(f"/verval/desa/{world['cv_a'].id}/ajukan")
    login(world["users"]["sec"])
    client.post(f"/verval/desa/{world['cv_a'].id}/setujui")
    note, rows, total = coverage_annex.figures(content)
    assert total[1] == 3 and "mengeluarkan 2 rumah tangga" in note

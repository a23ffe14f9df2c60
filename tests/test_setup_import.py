"""Set-up from files (issue 15): OPDs, kecamatan/desa and users from .xlsx/.csv, on the CLI and
in the admin pages; preview with per-row errors, all or nothing, re-import updates by key, and
the temporary passwords that must be changed at first login."""
import io
import re
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.security import check_password_hash
from werkzeug.test import encode_multipart

from bench.upload_bombs import empty_rows, far_row, shared_strings, wide_row
from models import AuditLog, District, FiscalYear, Opd, SetupUpload, User, Village, db

OPD_HEADER = ["Kode", "Nama", "Singkatan", "Kepala", "NIP Kepala", "Jenis"]
OPDS = [
    ["1.06.0.00.0.00.08.0000", "Dinas Sosial", "Dinsos", "Drs. Ahmad", "'197001011990031001",
     "dinas"],
    ["5.01.0.00.0.00.01.0000", "Badan Perencanaan Pembangunan Daerah", "Bappeda", "", "",
     "Badan"],
    ["7.01.0.00.0.00.01.0000", "Kecamatan Sukamaju", "Kec. Sukamaju", "", "", ""],
]
AREA_HEADER = ["Kode", "Nama", "Jenis"]
AREAS = [
    ["91.07.01", "Sukamaju", "kecamatan"],
    ["91.07.01.2001", "Sukamaju Hilir", ""],
    ["91.07.01.1002", "Sukamaju Kota", ""],
    ["91.07.02", "Cibeber", ""],
    ["91.07.02.2001", "Cibeber Girang", "desa"],
]
USER_HEADER = ["Nama Pengguna", "Nama Lengkap", "Peran", "Kode OPD", "Surel"]
USERS = [
    ["dinsos.op", "Siti Operator", "opd", "1.06.0.00.0.00.08.0000", "siti@contoh.go.id"],
    ["Bappeda.Sek", "Budi Sekretariat", "Sekretariat", "", ""],
    ["pimpinan1", "Pak Sekda", "pimpinan", "", ""],
]


def csv_bytes(header, rows, delimiter=";") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(header, rows) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def opd_rows():
    return [[c.lstrip("'") for c in r] for r in OPDS]


def post_file(client, url, data, name):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    started = time.perf_counter()
    resp = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return resp, time.perf_counter() - started


@pytest.fixture
def admin(make, login):
    return login(make.user("admin"))


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_sets_up_opds_areas_and_users_and_prints_the_temporary_passwords(app, tmp_path):
    out = cli(app, "setup", "import-opds", write(tmp_path, "opd.csv",
                                                 csv_bytes(OPD_HEADER, opd_rows())))
    assert out.exit_code == 0, out.output
    assert "3 dibuat" in out.output
    dinsos = db.session.scalar(select(Opd).where(Opd.code == "1.06.0.00.0.00.08.0000"))
    assert (dinsos.name, dinsos.short_name, dinsos.head_nip, dinsos.kind) == (
        "Dinas Sosial", "Dinsos", "197001011990031001", "dinas")
    assert db.session.scalar(select(Opd.kind).where(Opd.short_name == "Bappeda")) == "badan"
    # Left empty: read from the name.
    assert db.session.scalar(select(Opd.kind).where(Opd.short_name == "Kec. Sukamaju")) == \
        "kecamatan"

    out = cli(app, "setup", "import-areas", write(tmp_path, "wilayah.xlsx",
                                                  xlsx_bytes(AREA_HEADER, AREAS)))
    assert out.exit_code == 0, out.output
    kota = db.session.scalar(select(Village).where(Village.code == "91.07.01.1002"))
    assert kota.kind == "kelurahan" and kota.district.code == "91.07.01"
    assert db.session.scalar(select(Village.kind).where(Village.code == "91.07.01.2001")) == "desa"
    assert db.session.scalar(select(func.count(District.id)).where(
        District.code.like("91.07.%"))) == 2

    out = cli(app, "setup", "import-users", write(tmp_path, "pengguna.csv",
                                                  csv_bytes(USER_HEADER, USERS)))
    assert out.exit_code == 0, out.output
    printed = dict(re.findall(r"^\s+(\S+)\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})", out.output,
                              re.M))
    assert set(printed) == {"dinsos.op", "bappeda.sek", "pimpinan1"}
    op = db.session.scalar(select(User).where(User.username == "dinsos.op"))
    assert op.role == "opd" and op.opd_id == dinsos.id and op.email == "siti@contoh.go.id"
    assert op.must_change_password
    assert check_password_hash(op.password_hash, printed["dinsos.op"])
    assert printed["dinsos.op"] not in op.password_hash
    sek = db.session.scalar(select(User).where(User.username == "bappeda.sek"))
    assert sek.role == "secretariat" and sek.opd_id is None
    # Every write is audited.
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "user", AuditLog.entity_id == op.id,
        AuditLog.action == "create")) == 1


def test_dry_run_writes_nothing(app, tmp_path):
    before = (count(Opd), count(AuditLog))
    out = cli(app, "setup", "import-opds", "--dry-run",
              write(tmp_path, "opd.csv", csv_bytes(OPD_HEADER, opd_rows())))
    assert out.exit_code == 0, out.output
    assert "3 baru" in out.output and "tidak ada data yang disimpan" in out.output
    assert (count(Opd), count(AuditLog)) == before


def test_reimport_updates_by_code_and_a_second_run_changes_nothing(app, tmp_path):
    path = write(tmp_path, "opd.csv", csv_bytes(OPD_HEADER, opd_rows()))
    assert cli(app, "setup", "import-opds", path).exit_code == 0
    again = cli(app, "setup", "import-opds", path)
    assert "0 dibuat, 0 diubah, 3 tidak berubah" in again.output
    rows = opd_rows()
    rows[0][1], rows[0][3] = "Dinas Sosial P3A", "Dra. Siti"
    # Without the Jenis column: the kinds stay as they are.
    changed = [r[:5] for r in rows]
    out = cli(app, "setup", "import-opds",
              write(tmp_path, "opd2.csv", csv_bytes(OPD_HEADER[:5], changed)))
    assert "0 dibuat, 1 diubah, 2 tidak berubah" in out.output, out.output
    dinsos = db.session.scalar(select(Opd).where(Opd.code == "1.06.0.00.0.00.08.0000"))
    assert (dinsos.name, dinsos.head_name, dinsos.kind) == ("Dinas Sosial P3A", "Dra. Siti",
                                                            "dinas")
    assert count(Opd) >= 3


def test_users_reimport_updates_role_and_keeps_the_password(app, tmp_path, make):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial X")
    assert cli(app, "setup", "import-users",
               write(tmp_path, "u.csv", csv_bytes(USER_HEADER, USERS))).exit_code == 0
    user = db.session.scalar(select(User).where(User.username == "pimpinan1"))
    hashed = user.password_hash
    rows = [list(r) for r in USERS]
    rows[2][2] = "sekretariat"
    out = cli(app, "setup", "import-users", write(tmp_path, "u2.csv", csv_bytes(USER_HEADER,
                                                                                 rows)))
    assert "0 dibuat, 1 diubah, 2 tidak berubah" in out.output, out.output
    assert "Kata sandi sementara" not in out.output
    db.session.refresh(user)
    assert user.role == "secretariat" and user.password_hash == hashed


# --- per-row errors, all or nothing ------------------------------------------------------------

def test_row_errors_are_reported_and_nothing_is_written(app, tmp_path):
    rows = opd_rows() + [
        ["1.06.0.00.0.00.08.0000", "Dinas Lain", "", "", "", ""],  # duplicate code
        ["kode-salah", "Dinas Salah", "", "", "", ""],  # bad code
        ["1.07.0.00.0.00.01.0000", "Dinas Sosial", "", "", "", ""],  # duplicate name
        ["1.08.0.00.0.00.01.0000", "Dinas Delapan", "", "", "123", "kantor"],  # NIP, kind
    ]
    before = (count(Opd), count(AuditLog))
    out = cli(app, "setup", "import-opds", write(tmp_path, "opd.csv", csv_bytes(OPD_HEADER,
                                                                                 rows)))
    assert out.exit_code != 0
    text = out.output
    assert "baris 5 [Kode]: Kode ganda; sudah ada di baris 2" in text
    assert "baris 6 [Kode]: Kode OPD tidak sesuai format" in text
    assert "baris 7 [Nama]: Nama OPD ganda" in text
    assert "baris 8 [NIP Kepala]: NIP terdiri atas 18 angka" in text
    assert "baris 8 [Jenis]: Jenis 'kantor' tidak dikenal" in text
    assert "tidak ada data yang disimpan" in text
    assert (count(Opd), count(AuditLog)) == before  # the three good rows were not written


def test_user_row_errors_unknown_opd_bad_role_duplicate(app, tmp_path, make):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial Y")
    rows = USERS + [
        ["operator2", "Operator Dua", "opd", "9.99.0.00.0.00.99.0000", ""],  # unknown OPD
        ["operator3", "Operator Tiga", "bendahara", "", ""],  # bad role
        ["DINSOS.OP", "Siti Lagi", "opd", "1.06.0.00.0.00.08.0000", ""],  # duplicate username
        ["operator4", "Operator Empat", "opd", "", "bukan-surel"],  # no OPD, bad e-mail
    ]
    before = count(User)
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(USER_HEADER,
                                                                                rows)))
    assert out.exit_code != 0
    text = out.output
    assert "baris 5 [Kode OPD]: OPD dengan kode 9.99.0.00.0.00.99.0000 tidak ditemukan" in text
    assert "baris 6 [Peran]: Peran 'bendahara' tidak dikenal" in text
    assert "baris 7 [Nama Pengguna]: Nama Pengguna ganda; sudah ada di baris 2" in text
    assert "baris 8 [Kode OPD]: Wajib diisi untuk peran opd" in text
    assert "baris 8 [Surel]: Alamat surel tidak valid" in text
    assert count(User) == before


def test_area_errors_bad_code_and_missing_kecamatan(app, tmp_path):
    rows = [["91.08.01.2001", "Desa Yatim", ""], ["91.08", "Kabupaten", ""],
            ["91.08.02", "Kec", "desa"]]
    out = cli(app, "setup", "import-areas", write(tmp_path, "a.csv", csv_bytes(AREA_HEADER,
                                                                                rows)))
    assert out.exit_code != 0
    assert "baris 2 [Kode]: Kecamatan 91.08.01 belum ada" in out.output
    assert "baris 3 [Kode]: Kode wilayah tidak sesuai format Kemendagri" in out.output
    assert "baris 4 [Jenis]: Kode 3 segmen adalah kecamatan" in out.output
    assert db.session.scalar(select(func.count(Village.id)).where(
        Village.code.like("91.08.%"))) == 0


def test_missing_required_column_and_unknown_file_type(app, tmp_path):
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(
        ["Nama Pengguna", "Nama Lengkap"], [["a.b", "A B"]])))
    assert out.exit_code != 0 and "Kolom wajib tidak ada: Peran" in out.output
    out = cli(app, "setup", "import-opds", write(tmp_path, "opd.xls", b"\xd0\xcf\x11\xe0"))
    assert out.exit_code != 0 and ".xls lama tidak didukung" in out.output


def test_inactive_opd_takes_no_new_users_from_a_file(app, tmp_path, make):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial Z", is_active=False)
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(
        USER_HEADER, USERS[:1])))
    assert out.exit_code != 0 and "nonaktif" in out.output
    assert db.session.scalar(select(User).where(User.username == "dinsos.op")) is None


# --- the admin pages --------------------------------------------------------------------------

def test_ui_upload_preview_commit_shows_passwords_once(client, admin, make):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial W")
    resp, _ = post_file(client, "/admin/penyiapan/impor/pengguna",
                        xlsx_bytes(USER_HEADER, USERS), "pengguna.xlsx")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pratinjau impor Pengguna" in page
    assert "Simpan 3 baru dan 0 perubahan" in page
    # The preview wrote no user.
    assert db.session.scalar(select(User).where(User.username == "dinsos.op")) is None
    action = re.search(r'action="(/admin/penyiapan/impor/pengguna/[^"]+)"', page).group(1)
    done = client.post(action)
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "3 dibuat" in body
    shown = re.findall(r'<td class="code">([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</td>', body)
    assert len(shown) == 3
    user = db.session.scalar(select(User).where(User.username == "dinsos.op"))
    assert any(check_password_hash(user.password_hash, pw) for pw in shown)
    # The stored file is gone: the same commit cannot run twice.
    assert db.session.scalar(select(SetupUpload).where(SetupUpload.token == action.rsplit(
        "/", 1)[1])) is None
    users = count(User)
    again = client.post(action)
    assert again.status_code == 302 and count(User) == users


def test_ui_preview_with_errors_offers_no_commit(client, admin):
    rows = opd_rows() + [["bukan kode", "X", "", "", "", ""]]
    resp, _ = post_file(client, "/admin/penyiapan/impor/opd", csv_bytes(OPD_HEADER, rows),
                        "opd.csv")
    page = resp.get_data(as_text=True)
    assert "Kode OPD tidak sesuai format" in page
    assert "/admin/penyiapan/impor/opd/" not in page  # no confirm form
    assert count(SetupUpload) == 0


def test_commit_reads_the_stored_file_again(client, admin, make):
    """What changed between preview and commit is judged again: a name taken meanwhile."""
    resp, _ = post_file(client, "/admin/penyiapan/impor/opd", csv_bytes(OPD_HEADER,
                                                                        opd_rows()), "opd.csv")
    action = re.search(r'action="(/admin/penyiapan/impor/opd/[^"]+)"',
                       resp.get_data(as_text=True)).group(1)
    make.opd(code="9.09.0.00.0.00.09.0000", name="Dinas Sosial")
    before = count(Opd)
    done = client.post(action)
    assert done.status_code == 409 and "sudah dipakai OPD lain" in done.get_data(as_text=True)
    assert count(Opd) == before


def test_templates_download_and_import_back(client, admin, make, tmp_path, app):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial V")
    for slug, header in (("opd", OPD_HEADER), ("wilayah", AREA_HEADER),
                         ("pengguna", USER_HEADER + ["NIP", "Kode Desa"])):
        resp = client.get(f"/admin/penyiapan/templat/{slug}")
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        wb = load_workbook(io.BytesIO(resp.data))
        assert [c.value for c in wb.worksheets[0][1]] == header
        if slug == "pengguna":
            codes = [r[0].value for r in wb["Kode OPD"].iter_rows(min_row=2)]
            assert "1.06.0.00.0.00.08.0000" in codes
    # The template, filled in, imports (its instructions row is skipped).
    wb = load_workbook(io.BytesIO(client.get("/admin/penyiapan/templat/wilayah").data))
    wb.worksheets[0].append(["91.09.01", "Kec Templat", ""])
    wb.worksheets[0].append(["91.09.01.2003", "Desa Templat", ""])
    out = io.BytesIO()
    wb.save(out)
    result = cli(app, "setup", "import-areas", write(tmp_path, "t.xlsx", out.getvalue()))
    assert result.exit_code == 0 and "2 dibuat" in result.output, result.output
    result = cli(app, "setup", "templates", str(tmp_path / "templat"))
    assert result.exit_code == 0 and len(list((tmp_path / "templat").iterdir())) == 3


# --- must change the temporary password -------------------------------------------------------

def test_temporary_password_must_be_changed_before_anything_else(app, client, tmp_path, make):
    make.opd(code="1.06.0.00.0.00.08.0000", name="Dinas Sosial U")
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(USER_HEADER,
                                                                                USERS[:1])))
    temporary = re.search(r"dinsos\.op\s+(\S+)", out.output).group(1)
    resp = client.post("/login", data={"username": "dinsos.op", "password": temporary})
    assert resp.status_code == 302
    for path in ("/", "/sub-kegiatan/", "/dasbor/", "/akun/token", "/notifikasi/"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(
            "/akun/kata-sandi"), path
    assert client.post("/sub-kegiatan/baru").status_code == 302
    page = client.get("/akun/kata-sandi")
    assert page.status_code == 200 and "kata sandi sementara" in page.get_data(as_text=True)
    new = "kopi-tubruk-pagi-77"
    resp = client.post("/akun/kata-sandi", data={"current": temporary, "password": new,
                                                 "confirm": new})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    user = db.session.scalar(select(User).where(User.username == "dinsos.op"))
    db.session.refresh(user)
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_admin_setting_a_password_keeps_the_change_requirement(app, make):
    from app.accounts.accounts import set_password

    user = make.user("viewer")
    user.must_change_password = True
    set_password(user, "sandi-dari-admin-91", actor=make.user("admin"))
    assert user.must_change_password
    set_password(user, "sandi-pilihan-sendiri-5", actor=user)
    assert not user.must_change_password


# --- hostile files -----------------------------------------------------------------------------

@pytest.mark.parametrize(("make_file", "message"), [
    pytest.param(lambda: empty_rows(OPD_HEADER, 30), "melebihi batas 20 MB", id="expands"),
    pytest.param(lambda: far_row(OPD_HEADER), "lebih dari 20.000 baris", id="row-1048576"),
    pytest.param(lambda: wide_row(OPD_HEADER), "lebih dari 16.384 sel", id="wide-row"),
    pytest.param(lambda: shared_strings(OPD_HEADER, 60_000), "lebih dari 50.000 teks",
                 id="distinct-texts"),
])
def test_bombs_are_refused_quickly_and_write_nothing(client, admin, make_file, message):
    data = make_file()
    before = (count(Opd), count(SetupUpload), count(AuditLog))
    resp, seconds = post_file(client, "/admin/penyiapan/impor/opd", data, "opd.xlsx")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in page, page[:2000]
    assert "/admin/penyiapan/impor/opd/" not in page
    assert (count(Opd), count(SetupUpload), count(AuditLog)) == before


def test_formula_text_is_kept_as_text_with_a_warning(app, tmp_path):
    rows = [["1.06.0.00.0.00.08.0000", "=HYPERLINK(\"x\")", "+Dinsos", "@Kepala", "", ""]]
    out = cli(app, "setup", "import-opds", write(tmp_path, "o.csv", csv_bytes(OPD_HEADER, rows)))
    assert out.exit_code == 0, out.output
    assert "PERINGATAN baris 2 [Nama]: Diawali '='" in out.output
    opd = db.session.scalar(select(Opd).where(Opd.code == "1.06.0.00.0.00.08.0000"))
    assert opd.name == '=HYPERLINK("x")' and opd.short_name == "+Dinsos"
    assert opd.head_name == "@Kepala"


def test_binary_csv_is_refused(app, tmp_path):
    rows = [["1.06.0.00.0.00.08.0000", "Dinas\x00Sosial", "", "", "", ""]]
    out = cli(app, "setup", "import-opds", write(tmp_path, "o.csv", csv_bytes(OPD_HEADER, rows)))
    assert out.exit_code != 0 and "karakter biner" in out.output
    assert db.session.scalar(select(Opd).where(Opd.code == "1.06.0.00.0.00.08.0000")) is None


def test_eighteen_digit_nip_rounded_by_a_spreadsheet_is_refused(app, tmp_path):
    rows = [["1.06.0.00.0.00.08.0000", "Dinas Sosial", "", "", 1.97001011990031e17, ""]]
    out = cli(app, "setup", "import-opds", write(tmp_path, "o.xlsx", xlsx_bytes(OPD_HEADER,
                                                                                 rows)))
    assert out.exit_code != 0 and "dibulatkan" in out.output


def test_readme_commands_set_up_a_kabupaten_from_the_generated_templates(app, tmp_path):
    """The README's commands, on files made from `flask setup templates` and filled in."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Setting up a real kabupaten from zero", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].split()[1:] for line in section.splitlines()
                if line.startswith(".venv/bin/flask")]
    assert len(commands) <= 5 and commands[0] == ["db", "upgrade"]
    assert cli(app, "setup", "templates", str(tmp_path)).exit_code == 0
    for name, rows in (("opd", opd_rows()), ("wilayah", AREAS),
                       ("pengguna", USERS + [["admin.kab", "Admin Kabupaten", "admin", "", ""]])):
        wb = load_workbook(tmp_path / f"{name}.xlsx")
        for row in rows:
            wb.worksheets[0].append(row)
        wb.save(tmp_path / f"{name}.xlsx")
    for args in commands[1:]:
        args = [str(tmp_path / a) if a.endswith(".xlsx") else a for a in args]
        out = cli(app, *args)
        assert out.exit_code == 0, (args, out.output)
    assert db.session.scalar(select(func.count(Opd.id)).where(Opd.code.in_(
        [r[0] for r in OPDS]))) == 3
    assert db.session.scalar(select(User.role).where(User.username == "admin.kab")) == "admin"
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.is_current))
    assert fy.year == 2026 and len(fy.quarters) == 4
    again = cli(app, "year", "create", "2026")
    assert again.exit_code != 0 and "sudah ada" in again.output


def test_users_file_without_the_opd_column_keeps_each_officers_opd(app, tmp_path, make):
    opd = make.opd()
    officer = make.user("opd", opd_obj=opd, username="petugas.lama")
    rows = [["petugas.lama", "Petugas Lama Baru", "opd"], ["lihat.saja", "Lihat", "pimpinan"]]
    out = cli(app, "setup", "import-users", write(tmp_path, "u.csv", csv_bytes(
        USER_HEADER[:3], rows)))
    assert out.exit_code == 0, out.output
    assert "1 dibuat, 1 diubah" in out.output
    db.session.refresh(officer)
    assert officer.opd_id == opd.id and officer.full_name == "Petugas Lama Baru"

"""Import of sub-activities: good files, broken files and rows, re-import, preview/commit."""
import csv
import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core import sheet_reader
from models import AuditLog, SubActivity, db

SIPD = ["kode_program", "nama_program", "kode_giat", "nama_giat", "kode_sub_giat",
        "nama_sub_giat", "pagu", "pagumurni", "nama_dana", "indikator", "target", "satuan",
        "lokasi"]


def sipd_row(i=1, **kw):
    row = {"kode_program": "1.06.05", "nama_program": "Program Perlindungan Sosial",
           "kode_giat": "1.06.05.2.02", "nama_giat": "Pengelolaan Data Fakir Miskin",
           "kode_sub_giat": f"1.06.05.2.02.{i:04d}", "nama_sub_giat": f"Sub kegiatan {i}",
           "pagu": 150_000_000 + i, "pagumurni": 150_000_000 + i, "nama_dana": "DAU",
           "indikator": "Jumlah KK", "target": 120, "satuan": "KK", "lokasi": "Kabupaten"}
    row.update(kw)
    return row


def xlsx(rows, headers=SIPD, above=()):
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=SIPD, delimiter=";"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def ws(app, make, login, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "TAGAR_IMPORT_DIR", str(tmp_path))
    fy = make.fiscal_year(2026)
    opd = make.opd()
    user = login(make.user("opd", opd_obj=opd))
    return {"fy": fy, "opd": opd, "user": user, "dir": tmp_path}


def upload(client, ws, data, name="sipd.xlsx"):
    # Encoded here in memory: the test client would spool a big body to a temporary file
    # that it never closes (a ResourceWarning, an error under -W error).
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(f"/sub-kegiatan/impor?opd={ws['opd'].id}&tahun=2026", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def token_of(page):
    found = re.search(r"/sub-kegiatan/impor/([A-Za-z0-9_-]{20,})", page)
    return found.group(1) if found else None


def n_sa(opd):
    return db.session.scalar(select(func.count(SubActivity.id)).where(
        SubActivity.opd_id == opd.id))


def n_audit(opd):
    return db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.opd_id == opd.id, AuditLog.entity == "sub_activity"))


def test_good_sipd_file_previews_then_commits_then_reimports_unchanged(client, ws):
    data = xlsx([sipd_row(1), sipd_row(2, pagu=200_000_000, pagumurni=180_000_000),
                 sipd_row(3, nama_dana="Dana Alokasi Umum", target="1.500")],
                above=[["Daftar Sub Kegiatan SIPD 2026"]])
    resp = upload(client, ws, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Format SIPD" in page
    assert "Simpan 3 baru dan 0 perubahan" in page
    assert n_sa(ws["opd"]) == 0 and n_audit(ws["opd"]) == 0  # the preview wrote nothing
    token = token_of(page)
    resp = client.post(f"/sub-kegiatan/impor/{token}", follow_redirects=True)
    assert "Impor selesai: 3 dibuat, 0 diubah, 0 tidak berubah." in resp.get_data(as_text=True)
    rows = {sa.code: sa for sa in db.session.scalars(select(SubActivity).where(
        SubActivity.opd_id == ws["opd"].id))}
    two = rows["1.06.05.2.02.0002"]
    assert two.allocation_original == Decimal("180000000")
    assert two.allocation_revised == Decimal("200000000")  # pagu differs: APBD perubahan
    assert rows["1.06.05.2.02.0001"].allocation_revised is None
    assert rows["1.06.05.2.02.0003"].output_target == Decimal("1500")
    assert rows["1.06.05.2.02.0003"].funding_source.code == "DAU"
    assert n_audit(ws["opd"]) == 3
    assert not list(ws["dir"].glob("*.upload"))  # the stored upload is gone after commit
    # The same file again: nothing to change, nothing duplicated.
    page = upload(client, ws, data).get_data(as_text=True)
    assert "Simpan 0 baru dan 0 perubahan" in page
    resp = client.post(f"/sub-kegiatan/impor/{token_of(page)}", follow_redirects=True)
    assert "0 dibuat, 0 diubah, 3 tidak berubah" in resp.get_data(as_text=True)
    assert n_sa(ws["opd"]) == 3 and n_audit(ws["opd"]) == 3


def test_changed_file_updates_by_code(client, ws):
    upload_and_commit(client, ws, xlsx([sipd_row(1), sipd_row(2)]))
    page = upload(client, ws, xlsx([sipd_row(1, nama_sub_giat="Nama baru"), sipd_row(2)])
                  ).get_data(as_text=True)
    assert "Diubah: nama sub kegiatan" in page
    resp = client.post(f"/sub-kegiatan/impor/{token_of(page)}", follow_redirects=True)
    assert "0 dibuat, 1 diubah, 1 tidak berubah" in resp.get_data(as_text=True)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "update",
                                                     AuditLog.opd_id == ws["opd"].id))
    assert entry.new_values == {"name": "Nama baru"} and entry.note.startswith("Impor berkas")


def upload_and_commit(client, ws, data, name="sipd.xlsx"):
    token = token_of(upload(client, ws, data, name).get_data(as_text=True))
    assert token, "preview offered no commit"
    assert client.post(f"/sub-kegiatan/impor/{token}").status_code == 302


def test_tagar_template_round_trip(client, ws):
    template = client.get("/sub-kegiatan/impor/templat").data
    wb = load_workbook(io.BytesIO(template))
    sheet = wb["Sub Kegiatan"]
    assert sheet["A2"].value.startswith("Petunjuk")
    sheet.append(["X.XX.01.2.01.0001", "Koordinasi TKPKD", "", "Program Penunjang", "",
                  "Kegiatan Koordinasi", "25.000.000", 30_000_000, "pad", "", None, "", ""])
    out = io.BytesIO()
    wb.save(out)
    page = upload(client, ws, out.getvalue(), "templat.xlsx").get_data(as_text=True)
    assert "Format Tagar" in page and "Simpan 1 baru" in page
    client.post(f"/sub-kegiatan/impor/{token_of(page)}")
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == ws["opd"].id))
    assert (sa.program_code, sa.activity_code) == ("X.XX.01", "X.XX.01.2.01")
    assert sa.allocation_original == Decimal("25000000")
    assert sa.allocation_revised == Decimal("30000000") and sa.funding_source.code == "PAD"


def test_csv_with_header_variants_and_indonesian_numbers(client, ws):
    headers = ["Kode Sub Kegiatan", "NAMA SUB KEGIATAN", "Kode Program", "Nama Program",
               "Kode Kegiatan", "Nama Kegiatan", "Pagu Murni", "Pagu Perubahan", "Sumber Dana",
               "Catatan"]
    row = dict(zip(headers, ["1.02.02.2.02.0010", "Penanganan Stunting", "1.02.02",
                             "Program Kesehatan", "1.02.02.2.02", "Kegiatan Gizi",
                             "Rp 1.250.000.000,50", "", "DAK-NF", "abaikan"], strict=True))
    page = upload(client, ws, csv_bytes([row], headers), "ekspor.csv").get_data(as_text=True)
    assert "Kolom diabaikan: Catatan." in page and "Simpan 1 baru" in page
    client.post(f"/sub-kegiatan/impor/{token_of(page)}")
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == ws["opd"].id))
    assert sa.allocation_original == Decimal("1250000000.50")


def test_formula_text_kept_literal_with_warning(client, ws):
    wb = Workbook()
    sheet = wb.active
    sheet.append(SIPD)
    sheet.append([sipd_row(1).get(h) for h in SIPD])
    cell = sheet.cell(2, SIPD.index("nama_sub_giat") + 1, '=HYPERLINK("http://x","klik")')
    cell.data_type = "s"  # text that looks like a formula, as a pasted cell would be
    out = io.BytesIO()
    wb.save(out)
    page = upload(client, ws, out.getvalue()).get_data(as_text=True)
    assert "disimpan sebagai teks apa adanya" in page
    client.post(f"/sub-kegiatan/impor/{token_of(page)}")
    sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == ws["opd"].id))
    assert sa.name == '=HYPERLINK("http://x","klik")'


def _many_rows(n):
    return xlsx([sipd_row(i) for i in range(1, n + 1)])


BROKEN = [
    ("empty.csv", lambda: b"", "Berkas kosong."),
    ("lama.xls", lambda: b"\xd0\xcf\x11\xe0", "Format .xls lama tidak didukung"),
    ("laporan.pdf", lambda: b"%PDF-1.4", "Hanya berkas .xlsx atau .csv"),
    ("rusak.xlsx", lambda: b"ini bukan excel", "bukan file Excel .xlsx yang valid"),
    ("besar.csv", lambda: b"a" * (5 * 1024 * 1024 + 1), "melebihi batas 5 MB"),
    ("banyak.xlsx", lambda: _many_rows(5001), "lebih dari 5.000 baris data"),
    ("biner.csv", lambda: b"kode_sub_giat;nama\x00", "karakter biner"),
    ("judul.xlsx", lambda: xlsx([["a", "b"]], headers=["no", "uraian"]),
     "Baris judul kolom tidak ditemukan"),
    ("kolom.xlsx", lambda: xlsx([sipd_row()], headers=[h for h in SIPD if h != "nama_program"]),
     "Kolom wajib tidak ada: nama_program"),
    ("tanpa_pagu.xlsx", lambda: xlsx([sipd_row()], headers=[
        h for h in SIPD if h not in ("pagu", "pagumurni")]), "Kolom wajib tidak ada: pagu"),
    ("kosong.xlsx", lambda: xlsx([]), "Tidak ada baris data"),
    ("kode.xlsx", lambda: xlsx([sipd_row(kode_sub_giat="1.6.5.2.2.1")]), "Format kode"),
    ("prog.xlsx", lambda: xlsx([sipd_row(kode_program="1.06.04")]), "Kode program harus 1.06.05"),
    ("giat.xlsx", lambda: xlsx([sipd_row(kode_giat="1.06.05.2.01")]),
     "Kode kegiatan harus 1.06.05.2.02"),
    ("teks.xlsx", lambda: xlsx([sipd_row(pagu="sejuta", pagumurni=None)]),
     "Isian harus berupa angka rupiah"),
    ("neg.xlsx", lambda: xlsx([sipd_row(pagumurni=-5)]), "Nilai tidak boleh negatif."),
    ("sen.xlsx", lambda: xlsx([sipd_row(pagumurni=1000.555)]),
     "Paling banyak dua angka di belakang koma."),
    ("rumus.csv", lambda: csv_bytes([sipd_row(pagu="=SUM(A1:A9)")]), "Berisi rumus atau teks"),
    ("dana.xlsx", lambda: xlsx([sipd_row(nama_dana="APBN")]),
     "Sumber dana 'APBN' tidak dikenal. Gunakan salah satu: BANKEU"),
    ("ganda.xlsx", lambda: xlsx([sipd_row(1), sipd_row(1)]), "Kode ganda; sudah ada di baris 2."),
    ("nama.xlsx", lambda: xlsx([sipd_row(nama_sub_giat=None)]), "Wajib diisi."),
    ("panjang.xlsx", lambda: xlsx([sipd_row(nama_sub_giat="x" * 401)]),
     "Terlalu panjang (paling banyak 400 karakter)."),
    ("target.xlsx", lambda: xlsx([sipd_row(target="12 bulan")]),
     "Target harus berupa angka, mis. 120."),
    ("nopagu.xlsx", lambda: xlsx([sipd_row(pagu=None, pagumurni=None)]), "Pagu wajib diisi."),
]


@pytest.mark.parametrize("name, build, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_or_row_gives_its_message_and_writes_nothing(client, ws, name, build,
                                                                 message, monkeypatch):
    # Each case proves its own limit; on a busy machine the 10-second reading budget could
    # otherwise answer first (that budget has tests of its own).
    monkeypatch.setattr(sheet_reader, "MAX_SECONDS", 300.0)
    resp = upload(client, ws, build(), name)
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 200
    assert message in page, page[page.find("Galat"):][:1500]
    assert "Berkas berisi galat" in page and token_of(page) is None
    assert n_sa(ws["opd"]) == 0 and n_audit(ws["opd"]) == 0
    assert not list(ws["dir"].glob("*.upload"))


def test_one_bad_row_stops_the_whole_file(client, ws):
    page = upload(client, ws, xlsx([sipd_row(1), sipd_row(2, pagumurni="x"), sipd_row(3)])
                  ).get_data(as_text=True)
    assert "Isian harus berupa angka rupiah" in page and token_of(page) is None
    assert n_sa(ws["opd"]) == 0


def stored_like_row(make, ws, i=1):
    """A sub-activity already holding exactly what sipd_row(i) says."""
    return make.sub_activity(
        opd_obj=ws["opd"], fy=ws["fy"], code=f"1.06.05.2.02.{i:04d}", name=f"Sub kegiatan {i}",
        allocation=str(150_000_000 + i), program_name="Program Perlindungan Sosial",
        activity_name="Pengelolaan Data Fakir Miskin", output_indicator="Jumlah KK",
        output_target=Decimal(120), output_unit="KK", location="Kabupaten")


def test_allocation_below_tagged_and_lock(client, ws, make):
    sa = stored_like_row(make, ws)
    make.tag(sa, amount="150000000")
    page = upload(client, ws, xlsx([sipd_row(1, pagu=100, pagumurni=100)])).get_data(
        as_text=True)
    assert "Pagu lebih kecil dari jumlah yang sudah ditandai (Rp 150.000.000)" in page
    make.submission(ws["opd"], make.quarter(ws["fy"], 1), status="verified")
    page = upload(client, ws, xlsx([sipd_row(2)])).get_data(as_text=True)
    assert "sudah diverifikasi" in page and token_of(page) is None
    # A text-only correction of an existing line passes the lock.
    page = upload(client, ws, xlsx([sipd_row(1, lokasi="Kecamatan Baru")])).get_data(
        as_text=True)
    assert "Diubah: lokasi" in page and token_of(page)
    assert n_sa(ws["opd"]) == 1


def test_commit_rereads_file_and_is_bound_to_the_user(client, ws, make, login):
    page = upload(client, ws, xlsx([sipd_row(1)])).get_data(as_text=True)
    token = token_of(page)
    login(make.user("opd", opd_obj=ws["opd"]))  # a colleague of the same OPD
    resp = client.post(f"/sub-kegiatan/impor/{token}", follow_redirects=True)
    assert "tidak ditemukan atau sudah kedaluwarsa" in resp.get_data(as_text=True)
    resp = client.post("/sub-kegiatan/impor/..%2F..%2Fsecret_key", follow_redirects=True)
    assert resp.status_code in (200, 404)
    assert n_sa(ws["opd"]) == 0
    login(ws["user"])
    # The OPD's data changed between preview and commit: the commit sees the file afresh.
    stored_like_row(make, ws)
    resp = client.post(f"/sub-kegiatan/impor/{token}", follow_redirects=True)
    assert "0 dibuat, 0 diubah, 1 tidak berubah" in resp.get_data(as_text=True)
    assert n_sa(ws["opd"]) == 1


def test_cli_dry_run_then_import_then_errors(app, make, tmp_path):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    path = tmp_path / "sipd.xlsx"
    path.write_bytes(xlsx([sipd_row(1), sipd_row(2)]))
    runner = app.test_cli_runner()
    base = ["import-subactivities", str(path), "--opd", opd.code, "--year", "2026"]
    result = runner.invoke(args=[*base, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 baru, 0 diubah, 0 tidak berubah, 0 galat" in result.output
    assert "tidak ada data yang disimpan" in result.output and n_sa(opd) == 0
    result = runner.invoke(args=base)
    assert result.exit_code == 0 and "2 dibuat, 0 diubah, 0 tidak berubah" in result.output
    assert n_sa(opd) == 2
    result = runner.invoke(args=base)
    assert "0 dibuat, 0 diubah, 2 tidak berubah" in result.output and n_sa(opd) == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([sipd_row(3, nama_dana="APBN")]))
    result = runner.invoke(args=["import-subactivities", str(bad), "--opd", opd.code,
                                 "--year", "2026"])
    assert result.exit_code == 1
    assert "GALAT baris 2 [sumber dana]: Sumber dana 'APBN' tidak dikenal" in result.output
    assert n_sa(opd) == 2
    result = runner.invoke(args=["import-subactivities", str(bad), "--opd", "0.00", "--year",
                                 str(fy.year)])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output

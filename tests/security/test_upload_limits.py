"""Upload bombs and fake images, through the real pages: the sub-activity import, the lokus
(P3KE/DTSEN) import and the logo in Pengaturan. Every hostile file is generated in the test,
small (the builders are shared with bench/upload_bombs.py); each test checks the answer, the
Indonesian message naming the limit, the time taken and that no row was written."""
import io
import struct
import time
import zlib
from dataclasses import replace

import pytest
from openpyxl import Workbook
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.lokus.services import lokus_data
from bench.upload_bombs import (
    LOKUS_HEADER,
    SIPD_ROW,
    TAIL,
    big_styles,
    cells,
    dimension_claim,
    empty_rows,
    far_row,
    shared_strings,
    sheet_head,
    wide_row,
    xlsx,
)
from bench.upload_bombs import SIPD_HEADER as SIPD
from models import AuditLog, PemdaSettings, SubActivity, VillageDesilCount, VillageYear, db

DOCTYPE = (b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
           b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
           b'&lol2;&lol2;&lol2;&lol2;">]>')


# --- hostile files (the builders are shared with bench/upload_bombs.py) --------------------

def workbook(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def entity_bomb() -> bytes:
    """Billion laughs in the sheet itself: entities that expand inside the XML parser."""
    head = sheet_head([SIPD, SIPD_ROW], b"A1:M2").replace(b"?><worksheet",
                                                          b"?>" + DOCTYPE + b"<worksheet")
    return xlsx([head, b'<row r="3">' + cells(3, ["&lol3;"]).replace(b"&amp;", b"&")
                 + b"</row>", TAIL])


def csv_rows(header: list, row: list, n: int) -> bytes:
    lines = [";".join(map(str, header))] + [";".join(map(str, row))] * n
    return ("\n".join(lines) + "\n").encode()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels in a few dozen bytes (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 4096, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def png(size=(40, 20), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


# --- helpers -------------------------------------------------------------------------------

def post_file(client, url: str, data: bytes, name: str, **fields):
    # Encoded in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data),
                                                                       filename=name)})
    started = time.perf_counter()
    resp = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return resp, time.perf_counter() - started


def counts() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (SubActivity, VillageYear, VillageDesilCount, AuditLog))


@pytest.fixture
def opd_user(app, make, login, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "TAGAR_IMPORT_DIR", str(tmp_path))
    make.fiscal_year(2026)
    opd = make.opd()
    login(make.user("opd", opd_obj=opd))
    return {"opd": opd, "dir": tmp_path}


def sipd_import(client, opd_user, data, name="sipd.xlsx"):
    return post_file(client, f"/sub-kegiatan/impor?opd={opd_user['opd'].id}&tahun=2026",
                     data, name)


@pytest.fixture
def secretariat(make, login):
    make.fiscal_year(2034)
    login(make.user("secretariat"))


def lokus_import(client, data, name="p3ke.xlsx"):
    return post_file(client, "/lokus/impor?tahun=2034", data, name, source="P3KE")


def refused(resp, seconds, message, before, confirm_marker):
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page[:500]
    assert message in page, page[:3000]
    assert confirm_marker not in page  # no way to commit what was refused
    assert counts() == before


# --- the sub-activity import and the lokus import, same bombs ------------------------------

BOMBS = [
    pytest.param(lambda: empty_rows(SIPD, 110), "Isi berkas melebihi batas 40 MB setelah diekstrak",
                 "Isi berkas melebihi batas 100 MB setelah diekstrak", id="expands-past-limit"),
    pytest.param(lambda: empty_rows(SIPD, 4), "mengembang lebih dari 100 kali",
                 "mengembang lebih dari 100 kali", id="absurd-ratio"),
    pytest.param(lambda: far_row(SIPD), "Berkas berisi lebih dari 50.000 baris",
                 "Berkas berisi lebih dari 400.000 baris", id="row-1048576"),
    pytest.param(lambda: wide_row(SIPD), "lebih dari 16.384 sel", "lebih dari 16.384 sel",
                 id="row-of-20000-cells"),
    pytest.param(lambda: shared_strings(SIPD, 600_001), "lebih dari 100.000 teks berbeda",
                 "lebih dari 600.000 teks berbeda", id="distinct-texts"),
    pytest.param(lambda: big_styles(SIPD, 50_000), "xl/styles.xml pada berkas .xlsx melebihi "
                 "batas 2 MB", "xl/styles.xml pada berkas .xlsx melebihi batas 2 MB",
                 id="styles-part"),
    pytest.param(entity_bomb, "deklarasi DTD yang tidak diizinkan",
                 "deklarasi DTD yang tidak diizinkan", id="entities"),
]


@pytest.mark.parametrize(("make_file", "sipd_message", "lokus_message"), BOMBS)
def test_sub_activity_import_refuses_xlsx_bomb_quickly(client, opd_user, make_file,
                                                       sipd_message, lokus_message):
    data = make_file()
    assert len(data) < 2 * 1024 * 1024  # the bombs are small
    before = counts()
    resp, seconds = sipd_import(client, opd_user, data)
    refused(resp, seconds, sipd_message, before, "/sub-kegiatan/impor/")
    assert list(opd_user["dir"].iterdir()) == []  # nothing kept for a commit


@pytest.mark.parametrize(("make_file", "sipd_message", "lokus_message"), BOMBS)
def test_lokus_import_refuses_xlsx_bomb_quickly(client, secretariat, make_file, sipd_message,
                                                lokus_message):
    before = counts()
    resp, seconds = lokus_import(client, make_file())
    refused(resp, seconds, lokus_message, before, 'name="token"')


def test_dimension_claiming_the_whole_sheet_is_not_trusted(client, opd_user):
    """4 KB claiming A1:XFD1048576: read as the two rows it holds, at once."""
    data = dimension_claim(SIPD, SIPD_ROW)
    assert len(data) < 8 * 1024
    resp, seconds = sipd_import(client, opd_user, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Simpan 1 baru dan 0 perubahan" in page


def test_lokus_dimension_claim_is_not_trusted(client, secretariat, make):
    village = make.village()
    data = dimension_claim(LOKUS_HEADER, [village.code, "1"])
    resp, seconds = lokus_import(client, data)
    page = resp.get_data(as_text=True)
    assert "1 baris keluarga dibaca" in page and 'name="token"' in page


@pytest.fixture(params=["sipd", "lokus"])
def importer(request, app, make, login, monkeypatch, tmp_path):
    """(upload function, confirm marker, limits) for each of the two imports."""
    if request.param == "sipd":
        user = request.getfixturevalue("opd_user")
        return (lambda data, name: sipd_import(request.getfixturevalue("client"), user, data,
                                               name), "/sub-kegiatan/impor/", 60, SIPD, SIPD_ROW)
    request.getfixturevalue("secretariat")
    return (lambda data, name: lokus_import(request.getfixturevalue("client"), data, name),
            'name="token"', 100, LOKUS_HEADER, ["1", "1"])


def test_csv_with_too_many_columns_is_refused(importer):
    upload, marker, width, header, row = importer
    before = counts()
    data = csv_rows(header + [f"extra{i}" for i in range(150)], row + ["x"] * 150, 2)
    resp, seconds = upload(data, "data.csv")
    refused(resp, seconds, f"berisi data di luar batas {width} kolom", before, marker)


def test_csv_line_of_a_million_separators_is_refused(importer):
    upload, marker, *_ = importer
    before = counts()
    resp, seconds = upload(b"kode_sub_giat;nama\n" + b";" * 1_000_000 + b"\n", "data.csv")
    refused(resp, seconds, "Baris 2 pada berkas CSV lebih dari 100.000 karakter", before, marker)


def test_csv_with_too_many_rows_is_refused(client, opd_user):
    before = counts()
    resp, seconds = sipd_import(client, opd_user, csv_rows(SIPD, SIPD_ROW, 6000), "sipd.csv")
    refused(resp, seconds, "lebih dari 5.000 baris data", before, "/sub-kegiatan/impor/")


def test_lokus_csv_with_too_many_rows_is_refused(client, secretariat):
    before = counts()
    resp, _ = lokus_import(client, csv_rows(["Kode Desa", "Desil"], ["1", "1"], 200_013),
                           "p3ke.csv")
    refused(resp, 0, "lebih dari 200.000 baris data", before, 'name="token"')


def test_csv_padded_with_blank_lines_is_refused(client, opd_user):
    before = counts()
    data = csv_rows(SIPD, SIPD_ROW, 1) + b";\n" * 60_000
    resp, seconds = sipd_import(client, opd_user, data, "sipd.csv")
    refused(resp, seconds, "lebih dari 50.000 baris (baris kosong ikut dihitung)", before,
            "/sub-kegiatan/impor/")


def test_slow_file_stops_at_the_time_limit(client, secretariat, monkeypatch):
    monkeypatch.setattr(lokus_data, "READ_LIMITS", replace(lokus_data.READ_LIMITS,
                                                           max_seconds=0))
    before = counts()
    resp, seconds = lokus_import(client, workbook([["Kode Desa", "Desil"]] + [["1", 1]] * 600))
    refused(resp, seconds, "Pembacaan berkas melebihi batas waktu 0 detik", before,
            'name="token"')


def test_upload_above_the_byte_limit_is_refused(client, opd_user):
    before = counts()
    resp, seconds = sipd_import(client, opd_user, csv_rows(SIPD, SIPD_ROW, 1)
                                + b";" * (6 * 1024 * 1024), "sipd.csv")
    refused(resp, seconds, "Ukuran berkas 6 MB melebihi batas 5 MB", before,
            "/sub-kegiatan/impor/")


def test_request_above_the_server_limit_is_refused_before_reading(client, secretariat):
    before = counts()
    resp, seconds = lokus_import(client, b"Kode Desa;Desil\n" + b"1;1\n" * (3 * 1024 * 1024),
                                 "p3ke.csv")
    assert resp.status_code == 413 and "Berkas terlalu besar" in resp.get_data(as_text=True)
    assert counts() == before


def test_xlsx_that_is_not_utf8_xml_is_refused(client, opd_user):
    before = counts()
    xml = (sheet_head([SIPD, SIPD_ROW], b"A1:M2") + TAIL).decode()
    utf16 = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    resp, seconds = sipd_import(client, opd_user, xlsx([utf16]))
    refused(resp, seconds, "bukan XML UTF-8", before, "/sub-kegiatan/impor/")


# --- the logo ------------------------------------------------------------------------------

SETTINGS = {"name": "Pemerintah Kabupaten Uji", "region_name": "Kabupaten Uji",
            "head_title": "Bupati", "report_deadline_days": "15"}


@pytest.fixture
def admin(make, login):
    login(make.user("admin"))


def save_settings(client, logo: bytes | None = None, name="logo.png", **changes):
    fields = {**SETTINGS, **changes}
    if logo is not None:
        fields["logo"] = FileStorage(io.BytesIO(logo), filename=name)
    boundary, body = encode_multipart(fields)
    started = time.perf_counter()
    resp = client.post("/admin/pengaturan", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    return resp, time.perf_counter() - started


def stored_logo():
    db.session.expire_all()
    return db.session.scalar(select(PemdaSettings.logo))


def test_saving_settings_again_after_a_logo_keeps_it(client, admin):
    """The 500 of the issue: `'bytes' object has no attribute 'read'` on the second save."""
    resp, _ = save_settings(client, png())
    assert resp.status_code == 302
    logo = stored_logo()
    with Image.open(io.BytesIO(logo)) as image:
        assert (image.format, image.size) == ("PNG", (40, 20))
    resp, _ = save_settings(client)  # no new file: the stored logo stays
    assert resp.status_code == 302
    assert stored_logo() == logo
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert "Logo tersimpan" in page


def test_jpeg_logo_is_decoded_and_stored_again(client, admin):
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 90, 160)).save(out, "JPEG", comment=b"x" * 2000)
    resp, _ = save_settings(client, out.getvalue(), "logo.jpg")
    assert resp.status_code == 302
    logo = stored_logo()
    with Image.open(io.BytesIO(logo)) as image:
        assert image.format == "JPEG" and "comment" not in image.info  # re-encoded, clean


LOGO_REFUSALS = [
    pytest.param(lambda: png_header_only(30_000, 30_000), "logo.png",
                 "Ukuran gambar melebihi batas 4.000.000 piksel", id="pillow-bomb-900-megapixel"),
    pytest.param(lambda: png_header_only(5_000, 5_000), "logo.png",
                 "Ukuran gambar 5.000 × 5.000 piksel melebihi batas 4.000.000 piksel",
                 id="25-megapixel"),
    pytest.param(lambda: b"<html>bukan gambar</html>", "logo.png",
                 "Berkas bukan gambar PNG atau JPEG yang valid.", id="text-renamed-png"),
    pytest.param(lambda: png()[:60], "logo.png",
                 "Berkas bukan gambar PNG atau JPEG yang valid.", id="truncated-png"),
    pytest.param(lambda: _gif(), "logo.gif",
                 "Berkas bukan gambar PNG atau JPEG yang valid.", id="gif"),
    pytest.param(lambda: png() + b"\x00" * (1024 * 1024), "logo.png",
                 "melebihi batas 1 MB", id="over-1-MB"),
]


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(("make_file", "name", "message"), LOGO_REFUSALS)
def test_logo_is_verified_by_decoding_it(client, admin, make_file, name, message):
    save_settings(client, png((10, 10)))
    kept = stored_logo()
    before = counts()
    resp, seconds = save_settings(client, make_file(), name, region_name="Kabupaten Lain")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in page, page[-3000:]
    assert stored_logo() == kept and counts() == before
    assert db.session.scalar(select(PemdaSettings.region_name)) == SETTINGS["region_name"]

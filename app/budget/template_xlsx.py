"""Tagar's own import template: a header row, an instructions row, and the funding sources."""
from openpyxl import Workbook
from sqlalchemy import select

from app.budget.services.sipd_import import TEMPLATE_HEADERS
from app.core import xlsx_writer
from app.core.xlsx_cells import template_header
from models import FundingSource, db

INSTRUCTIONS = [
    "Petunjuk: isi mulai baris 3; baris ini diabaikan. Kode U.BB.PP.K.KK.SSSS, "
    "mis. 1.06.05.2.02.0001",
    "Nama lengkap sub kegiatan",
    "Boleh kosong: diambil dari 3 segmen awal kode",
    "Wajib",
    "Boleh kosong: 5 segmen awal kode",
    "Wajib",
    "Angka rupiah, mis. 150000000 atau 150.000.000",
    "Kosongkan bila belum ada APBD perubahan",
    "Kode atau nama, lihat lembar Sumber Dana",
    "Teks",
    "Angka",
    "mis. KK, orang, unit",
    "Teks",
]


def build_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sub Kegiatan"
    ws.append(TEMPLATE_HEADERS)
    ws.append(INSTRUCTIONS)
    template_header(ws)
    for col, width in zip("ABCDEFGHIJKLM", (22, 45, 12, 40, 14, 40, 18, 18, 16, 40, 12, 14, 30),
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    funds = wb.create_sheet("Sumber Dana")
    funds.append(["Kode", "Nama"])
    for fs in db.session.scalars(select(FundingSource).order_by(FundingSource.code)):
        xlsx_writer.append_row(funds, [fs.code, fs.name])
    return xlsx_writer.to_bytes(wb)

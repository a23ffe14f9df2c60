"""Importing a 10,000-row sub-activity xlsx against openpyxl's read-only parse of the same file.

The app's path is the import service as the upload page runs it: `build_plan` (read, check
every row, match codes) then `apply_plan` (INSERT every row and its audit record), flushed.
Each run imports into a fresh OPD without submissions (an OPD with a verified quarter has its
budget locked) and is rolled back, so every run starts from the same database.

The service refuses files of more than `MAX_ROWS` (5,000) data rows; the benchmark lifts that
limit for its own run only, to measure what the issue asks for (10,000 rows).
"""
import io
import time
from contextlib import contextmanager

from bench.common import Result

HEADERS = ["Kode Sub Kegiatan", "Nama Sub Kegiatan", "Kode Program", "Nama Program",
           "Kode Kegiatan", "Nama Kegiatan", "Pagu Murni", "Pagu Perubahan", "Sumber Dana",
           "Indikator Keluaran", "Target Keluaran", "Satuan Keluaran", "Lokasi"]
FUNDS = ("DAU", "PAD", "DAK-NF", "DBH")


def make_xlsx(rows: int = 10_000) -> bytes:
    """A Tagar-template workbook of `rows` distinct, valid sub-activities."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sub Kegiatan")
    ws.append(HEADERS)
    for i in range(rows):
        activity = f"1.06.05.2.{i // 9999 + 1:02d}"
        ws.append([f"{activity}.{i % 9999 + 1:04d}", f"Sub kegiatan impor nomor {i + 1}",
                   "1.06.05", "Program Perlindungan dan Jaminan Sosial", activity,
                   "Pengelolaan data fakir miskin", 150_000_000 + (i % 97) * 1_000_000, None,
                   FUNDS[i % len(FUNDS)], "Jumlah keluarga penerima", 100 + i % 400, "KK",
                   "Kabupaten"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def parse_floor(data: bytes) -> int:
    """openpyxl's read-only parse of the first sheet: every row's values; the row count."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


@contextmanager
def row_limit(limit: int):
    """Lift the service's row limit for the benchmark; both modules hold a copy of it."""
    from app.budget.services import sipd_import
    from app.core import sheet_reader

    saved = sheet_reader.MAX_ROWS, sipd_import.MAX_ROWS
    sheet_reader.MAX_ROWS = sipd_import.MAX_ROWS = max(limit, saved[0])
    try:
        yield
    finally:
        sheet_reader.MAX_ROWS, sipd_import.MAX_ROWS = saved


def import_once(data: bytes, fy_id: int) -> tuple[float, dict]:
    """One import into a fresh OPD, rolled back afterwards: (milliseconds, counts)."""
    from app.budget.services.sipd_import import apply_plan, build_plan
    from models import Opd, db

    opd = Opd(code="9.99.0.00.0.00.99.9999", name="Dinas Uji Impor", short_name="Impor")
    db.session.add(opd)
    db.session.flush()
    try:
        t0 = time.perf_counter()
        plan = build_plan("bench.xlsx", data, opd.id, fy_id)
        if not plan.ok:
            raise AssertionError(f"import refused: {[e.message for e in plan.errors[:3]]}")
        counts = apply_plan(plan, opd.id, fy_id, note="benchmark")
        db.session.flush()
        return (time.perf_counter() - t0) * 1000, counts
    finally:
        db.session.rollback()


def run(app, rows: int = 10_000, runs: int = 3) -> list[Result]:
    from app.reference.service import current_fiscal_year, ensure_reference_data
    from models import db

    data = make_xlsx(rows)
    out = []
    with app.app_context(), row_limit(rows):
        ensure_reference_data()
        db.session.commit()
        fy_id = current_fiscal_year().id
        parse_floor(data)
        floor = []
        for _ in range(runs):
            t0 = time.perf_counter()
            parsed = parse_floor(data)
            floor.append((time.perf_counter() - t0) * 1000)
        assert parsed == rows + 1, parsed
        mine = []
        for _ in range(runs):
            ms, counts = import_once(data, fy_id)
            assert counts["created"] == rows, counts
            mine.append(ms)
        db.session.remove()
    out.append(Result("import", f"{rows:,} rows xlsx".replace(",", "."), min(mine),
                      min(floor), note=f"{len(data) // 1024} KB"))
    return out

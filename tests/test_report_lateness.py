"""The report's compliance annex (issue 13): section G lists the late quarterly reports up to
the report's quarter with their days overdue, computed by `compliance.days_overdue` (the one
definition) as at the letter date; read back from the PDF and the XLSX."""
import io
import re
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.cycle import compliance
from models import Submission, db
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.xlsx.kemenko import build_xlsx
from tests import report_data

LETTER = date(2078, 1, 20)


@pytest.fixture
def kab(make):
    kab = report_data.build()
    fy = kab.fy
    q = {n: make.quarter(fy, n) for n in (1, 2, 3)}
    slow = make.opd(name="Dinas Lambat Lapor", code="9.77.0.00.0.00.77.0000")
    # TW I submitted 7 days after its deadline (now verified); TW II and III never submitted.
    first = datetime.combine(q[1].deadline + timedelta(days=7), datetime.min.time())
    make.submission(slow, q[1], "verified", first_submitted_at=first, submitted_at=first,
                    is_late=True)
    make.submission(slow, q[2], "draft")
    db.session.flush()
    return kab, slow, q


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages).split())


def test_annex_lists_late_reports_with_days_overdue(kab):
    kab_, slow, q = kab
    content = build_content(resolve_options(report_data.YEAR, quarter=3, fixed_date=LETTER,
                                            include_unverified=True))
    expected = {n: compliance.days_overdue(
        q[n], db.session.scalar(db.select(Submission).filter_by(opd_id=slow.id,
                                                                quarter_id=q[n].id)), LETTER)
        for n in (1, 2, 3)}
    assert expected[1] == 7 and expected[3] == (LETTER - q[3].deadline).days > 0
    text = _text(build_pdf(content).data)
    annex = text[text.index("G. Kepatuhan Pelaporan Perangkat Daerah"):]
    for n, status in ((1, "Terverifikasi"), (2, "Belum disampaikan"), (3, "Belum disampaikan")):
        roman = {1: "I", 2: "II", 3: "III"}[n]
        assert re.search(rf"Dinas Lambat Lapor TW {roman} {status} {expected[n]}\b", annex), \
            (n, annex[:800])
    # The OPDs that reported on time are not listed as late.
    listed = annex[:annex.index("Dinas Lambat Lapor TW III")]
    assert "Dinas Kesehatan Uji" not in listed and kab_.opd_a.code not in listed
    assert "3 laporan triwulan dari 1 perangkat daerah terlambat" in annex

    ws = load_workbook(io.BytesIO(build_xlsx(content)))["Kepatuhan"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[2] == "Dinas Lambat Lapor"]
    assert [(r[3], r[4], r[5]) for r in rows] == [
        ("TW I", "Terverifikasi", 7), ("TW II", "Belum disampaikan", expected[2]),
        ("TW III", "Belum disampaikan", expected[3])]


def test_annex_says_when_everyone_reported_on_time(kab):
    kab_, slow, q = kab
    slow.is_active = False  # the only late OPD leaves the active list
    db.session.flush()
    content = build_content(resolve_options(report_data.YEAR, quarter=3, fixed_date=LETTER))
    assert content.late == []
    text = _text(build_pdf(content).data)
    assert "G. Kepatuhan Pelaporan Perangkat Daerah" in text
    assert "disampaikan tepat waktu" in text

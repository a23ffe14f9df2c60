"""Verified-only figures are carried forward: an OPD whose TW III waits for verification shows
its verified TW II figures under TW III (marked), never zeros, in the rollup, the report, the
dashboard and the API alike. Data: tests/report_data.py (Dinkes verified TW I-II, TW III only
submitted; Dinsos verified TW I-III)."""
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from app.core.money import format_rupiah
from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.queries import rollup
from reports.queries.verified import carried_forward
from tests import factories as make
from tests import report_data

M = Decimal(1_000_000)
# Dinkes (opd_b) to date: TW I 10 + 0, TW II 40 + 30, TW III 75 + 60 (millions).
DINKES_TW2 = 70 * M
DINKES_TW3 = 135 * M
DINSOS_TW3 = 270 * M  # verified up to TW III


@pytest.fixture
def kab():
    return report_data.build()


def _f(kab, **kw):
    return rollup.RollupFilter(fiscal_year_id=kab.fy.id, **kw)


def _by_opd(kab, **kw):
    return {r.key: r for r in rollup.rollup(_f(kab, **kw), "opd")}


def test_unverified_quarter_shows_the_last_verified_figures(kab):
    verified = _by_opd(kab, quarter=3, verified_only=True)
    assert verified[kab.opd_b.id].realized == DINKES_TW2  # not 0
    assert verified[kab.opd_a.id].realized == DINSOS_TW3
    assert _by_opd(kab, quarter=3)[kab.opd_b.id].realized == DINKES_TW3  # the draft's figure
    # Reached and physical progress are carried too (TW II: 10 + 10 reached; 40 %).
    assert verified[kab.opd_b.id].reached == 20
    assert verified[kab.opd_b.id].physical == Decimal("40.00")
    total = rollup.total(_f(kab, quarter=3, verified_only=True))
    assert total.realized == DINKES_TW2 + DINSOS_TW3 == sum(r.realized for r in verified.values())
    assert carried_forward(kab.fy.id, 3) == {kab.opd_b.id: 2}
    assert carried_forward(kab.fy.id, 2) == {}


def test_flows_add_up_to_the_carried_figure_without_false_zeros(kab):
    flows = [_by_opd(kab, quarter=n, flow=True, verified_only=True)[kab.opd_b.id].realized
             for n in (1, 2, 3)]
    assert flows == [10 * M, 60 * M, 0]  # TW III: nothing verified yet, not minus TW II
    assert sum(flows) == DINKES_TW2
    trend = rollup.trend(_f(kab, verified_only=True))
    assert [r.realized for r in trend[:3]] == [90 * M, 240 * M, DINKES_TW2 + DINSOS_TW3]
    # The per-desa rollup carries forward as well: its rows still add up to the total.
    villages = rollup.rollup(_f(kab, quarter=3, verified_only=True), "village")
    assert sum(r.realized for r in villages) == DINKES_TW2 + DINSOS_TW3


def test_opd_with_no_verified_quarter_counts_zero_and_is_listed(kab):
    opd_c = make.opd(name="Dinas Tanpa Verifikasi", short_name="DinTV")
    q1 = next(q for q in kab.fy.quarters if q.number == 1)
    sa = make.sub_activity(opd_c, kab.fy, "1000000")
    make.realization(make.tag(sa, "1000000", 1, "langsung"), q1, "500000")
    by_opd = _by_opd(kab, quarter=3, verified_only=True)
    assert by_opd[opd_c.id].realized == 0
    assert carried_forward(kab.fy.id, 3) == {kab.opd_b.id: 2, opd_c.id: None}


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout.replace("\u00a0", " ")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_marks_the_carried_opd_with_its_tw2_figure(kab, tmp_path):
    content = build_content(resolve_options(report_data.YEAR, quarter=3,
                                            fixed_date=date(2077, 10, 20)))
    text = _pdftotext(build_pdf(content).data, tmp_path)
    lines = text.splitlines()
    # Section C: the Dinkes row carries the sign and its TW II figure to date.
    row = next(line for line in lines if "Dinas Kesehatan Uji †" in line)
    assert format_rupiah(DINKES_TW2) in row
    assert "† angka s.d. TW II — TW III belum diverifikasi" in text
    # The cover and the summary say how many OPDs are carried forward.
    flat = " ".join(text.split())
    assert flat.count("1 perangkat daerah belum diverifikasi untuk Triwulan III") == 2
    # The matrix marks the OPD too; its total still equals the sum of the OPD rows.
    assert any("Dinkes †" in line for line in lines)
    assert format_rupiah(DINKES_TW2 + DINSOS_TW3) in text
    # The draft (unverified included) carries nothing forward and shows no sign.
    draft = build_content(resolve_options(report_data.YEAR, quarter=3, include_unverified=True,
                                          fixed_date=date(2077, 10, 20)))
    assert draft.carried == {}
    assert "†" not in _pdftotext(build_pdf(draft).data, tmp_path)


def test_dashboard_and_api_verified_only_use_the_same_rule(client, login, kab):
    from models import db
    login(make.user("secretariat"))
    db.session.commit()
    html = client.get(f"/dasbor/?tahun={report_data.YEAR}&triwulan=3&terverifikasi=1"
                      ).get_data(as_text=True)
    assert format_rupiah(DINKES_TW2 + DINSOS_TW3) in html
    assert format_rupiah(DINKES_TW3 + DINSOS_TW3) not in html

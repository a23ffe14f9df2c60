"""Amounts split among desa are whole rupiah and add up exactly: the largest-remainder rule of
reports/queries/apportion.py, seen in the per-desa rollup, the lokus annex of the report and its
PDF."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.queries import rollup
from tests import factories as make

YEAR = 2081


@pytest.fixture
def kab():
    fy = make.fiscal_year(YEAR)
    q1 = make.quarter(fy, 1)
    opd = make.opd(name="Dinas Pembagian Uji", short_name="DinBagi")
    sa = make.sub_activity(opd, fy, "300000000")
    villages = [make.village(fy=fy, priority=True, desil1=10) for _ in range(3)]
    # Rp 100.000.000 over three desa, equally: 33.333.333,33 each computed.
    equal = make.tag(sa, "100000000", 1, "langsung", target_count=100)
    for v in villages:
        make.tag_village(equal, v)
    # Rp 200.000.000 by per-desa amounts 1 : 1 : 1 that sum to the tag.
    weighted = make.tag(sa, "200000000", 2, "penunjang", target_count=10)
    for v in villages:
        make.tag_village(weighted, v, amount="66666666.67")
    make.realization(equal, q1, "10000000", "10", 7)
    make.realization(weighted, q1, "50000000", "10", 5)
    make.submission(opd, q1, "verified")
    return fy, villages


def test_per_desa_rollup_is_whole_rupiah_and_adds_up_exactly(kab):
    fy, villages = kab
    rows = rollup.rollup(rollup.RollupFilter(fy.id, quarter=1), "village")
    assert [r.key for r in rows] == [v.id for v in villages]  # nothing left undivided
    for r in rows:
        assert r.tagged == r.tagged.to_integral_value() and \
            r.realized == r.realized.to_integral_value()
    assert sum(r.tagged for r in rows) == Decimal("300000000")
    assert sum(r.realized for r in rows) == Decimal("60000000")
    assert sum(r.target for r in rows) == 110 and sum(r.reached for r in rows) == 12
    # The largest remainder: one desa gets the rupiah the floors leave (lowest id on a tie).
    assert sorted(r.tagged for r in rows) == [Decimal("99999999"), Decimal("100000000"),
                                              Decimal("100000001")]


def test_annex_amounts_sum_exactly_to_the_total(kab):
    content = build_content(resolve_options(YEAR, quarter=1, fixed_date=date(2081, 4, 20)))
    assert sum(r.tagged for r in content.lokus) == content.total.tagged == Decimal("300000000")
    assert sum(r.realized for r in content.lokus) == content.total.realized
    pages = PdfReader(BytesIO(build_pdf(content).data)).pages
    text = " ".join(p.extract_text() for p in pages[-2:])  # the annex
    assert "Rp 100.000.001" in text and ",33" not in text and ",34" not in text

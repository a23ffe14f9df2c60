"""The fast path of app.core.money.format_decimal gives babel's exact output for every pattern the
pages use (it replaced babel's pattern engine for speed: see docs/PERFORMANCE.md)."""
import random
from decimal import Decimal

import pytest

from app.core.money import (
    ID,
    _pattern,
    format_decimal,
    format_number,
    format_percent,
    format_rupiah,
)

PATTERNS = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.000"]
EDGES = ["0", "-0", "0.5", "1.5", "2.5", "-0.5", "-0.4", "0.005", "0.015", "0.025", "999.995",
         "-999.995", "1234567.89", "-1234567.89", "9999999999999999.99", "1E+3", "1E-7",
         "123456789012345678.5", "0.00", "100", "-100.004"]


def _babel(value, pattern):
    return _pattern(pattern).apply(Decimal(value), ID)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_fast_path_equals_babel_on_edges(pattern):
    for text in EDGES:
        assert format_decimal(Decimal(text), pattern) == _babel(text, pattern), (text, pattern)


def test_fast_path_equals_babel_on_random_values():
    rng = random.Random(12)
    for _ in range(3000):
        digits = rng.randint(0, 4)
        value = Decimal(rng.randint(-10**17, 10**17)).scaleb(-digits)
        for pattern in PATTERNS:
            assert format_decimal(value, pattern) == _babel(value, pattern), (value, pattern)


def test_ints_and_the_public_formatters():
    assert format_decimal(1234567, "#,##0") == "1.234.567"
    assert format_rupiah(Decimal("1234567.5")) == "Rp 1.234.567,50"
    assert format_rupiah(Decimal("1234567")) == "Rp 1.234.567"
    assert format_number(Decimal("12.345"), 2) == "12,34" == _babel("12.345", "#,##0.00")
    assert format_percent(Decimal("42.25")) == "42,2 %"
    assert format_number(1.5) == _babel("1.5", "#,##0")  # floats still go through babel

from decimal import Decimal

import pytest

from app.core.money import MoneyError, format_number, format_percent, format_rupiah, parse_money


@pytest.mark.parametrize("text, expected", [
    ("1.234.567", "1234567.00"),
    ("1.234.567,50", "1234567.50"),
    ("Rp 1.234.567", "1234567.00"),
    ("Rp1.234.567,5", "1234567.50"),
    ("rp. 2.500", "2500.00"),
    ("IDR 750.000", "750000.00"),
    ("1234567.50", "1234567.50"),
    ("1234567", "1234567.00"),
    ("1.500", "1500.00"),  # one dot and three digits: thousands, as written in Indonesia
    ("1.5", "1.50"),
    ("0,75", "0.75"),
    ("1,234,567.50", "1234567.50"),  # an English-locale sheet
    ("  12 500 000 ", "12500000.00"),
    ("0", "0.00"),
])
def test_parse_money_reads_indonesian_input(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text, message", [
    ("", "wajib diisi"),
    ("abc", "angka rupiah"),
    ("1.23.4", "Pemisah ribuan"),
    ("12.34.567", "Pemisah ribuan"),
    ("-5", "negatif"),
    ("1,2,3", "Format angka"),
    ("12,345", "dua angka di belakang koma"),
    ("100000000000000000", "terlalu besar"),
    ("1e5", "angka rupiah"),
])
def test_parse_money_refuses_with_a_message(text, message):
    with pytest.raises(MoneyError) as exc:
        parse_money(text)
    assert message.lower() in str(exc.value).lower()


def test_parse_money_keeps_decimal_exactness():
    value = parse_money("9.999.999.999.999.999,99")
    assert isinstance(value, Decimal)
    assert str(value) == "9999999999999999.99"


def test_negative_allowed_only_when_asked():
    assert parse_money("-1.000", allow_negative=True) == Decimal("-1000")


@pytest.mark.parametrize("value, expected", [
    (Decimal("1234567"), "Rp 1.234.567"),
    (Decimal("1234567.50"), "Rp 1.234.567,50"),
    (Decimal("0"), "Rp 0"),
    (1000, "Rp 1.000"),
    (None, "-"),
])
def test_format_rupiah(value, expected):
    assert format_rupiah(value) == expected


def test_format_number_and_percent_use_indonesian_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_percent(Decimal("45.678")) == "45,7 %"
    assert format_rupiah(Decimal("2500000"), with_symbol=False) == "2.500.000"


def test_parse_and_format_round_trip():
    for raw in ("1", "999", "1.000", "25.000.000", "1.234.567,89"):
        value = parse_money(raw)
        assert parse_money(format_rupiah(value)) == value

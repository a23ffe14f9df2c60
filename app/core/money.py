"""Rupiah as Indonesians write it, in and out. Money is Decimal, never float."""
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import parse_pattern

MAX_MONEY = Decimal("9999999999999999.99")
# Parsed once: babel re-reads the locale data and re-parses the pattern on every call otherwise,
# which dominated pages that format tens of thousands of figures.
ID = Locale.parse("id_ID")


@lru_cache(maxsize=16)
def _pattern(pattern: str):
    return parse_pattern(pattern)


# The plain grouped patterns every page uses, and their fixed number of decimals.
_PLAIN = re.compile(r"#,##0(?:\.(0{1,9}))?")
_SWAP = str.maketrans(",.", ".,")


def format_decimal(value, format: str, decimal_quantization: bool = True) -> str:  # noqa: A002
    """babel's format_decimal for id_ID, without re-parsing locale and pattern each time.

    The plain patterns (`#,##0`, `#,##0.00`, ...) of a finite Decimal or int take a fast path
    that gives babel's exact output (same quantize, same rounding, `.` groups and `,`
    decimals): a sheet formats hundreds of figures a page, and babel's general pattern engine
    was a tenth of its time. tests/test_money_fast_path.py compares both."""
    if isinstance(value, int):
        value = Decimal(value)
    plain = _PLAIN.fullmatch(format) if decimal_quantization else None
    if plain is not None and isinstance(value, Decimal) and value.is_finite():
        digits = len(plain.group(1) or "")
        if value.adjusted() < 20:  # quantize stays within the context's 28 digits
            return value.quantize(_QUANTUM[digits]).__format__(",f").translate(_SWAP)
    return _pattern(format).apply(value, ID, decimal_quantization=decimal_quantization)


CENT = Decimal("0.01")
_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(10)}


class MoneyError(ValueError):
    """Raised with an Indonesian message fit to show beside the field."""


_RP = re.compile(r"^\s*(rp\.?|idr)\s*", re.IGNORECASE)
_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")


def parse_money(text: str | int | Decimal | None, *, allow_negative: bool = False) -> Decimal:
    """Read `1.234.567`, `1.234.567,50`, `Rp 1.234.567`, `1234567.50` and friends.

    A single dot followed by exactly three digits is a thousands separator (`1.500` is fifteen
    hundred rupiah, as an Indonesian means it); any other single dot is a decimal point.
    """
    if text is None:
        raise MoneyError("Nilai wajib diisi.")
    if isinstance(text, Decimal | int):
        value = Decimal(text)
        if not value.is_finite():  # NaN, Infinity: quantize() would raise, not refuse
            raise MoneyError("Isian harus berupa angka.")
    else:
        s = _RP.sub("", str(text).strip()).replace(" ", "").replace("\u00a0", "")
        if not s:
            raise MoneyError("Nilai wajib diisi.")
        negative = s.startswith("-")
        if negative:
            s = s[1:]
        if "," in s and "." in s and s.rfind(".") > s.rfind(","):
            if not _THOUSANDS_COMMAS.match(s):  # 1,234,567.50 as an English sheet writes it
                raise MoneyError("Format angka tidak dikenali.")
            s = s.replace(",", "")
        elif "," in s:
            whole, _, frac = s.rpartition(",")
            if "," in whole or not re.fullmatch(r"\d+", frac or "x"):
                raise MoneyError("Format angka tidak dikenali.")
            if "." in whole and not _THOUSANDS_DOTS.match(whole):
                raise MoneyError("Pemisah ribuan tidak tepat.")
            s = whole.replace(".", "") + "." + frac
        elif s.count(".") > 1:
            if not _THOUSANDS_DOTS.match(s):
                raise MoneyError("Pemisah ribuan tidak tepat.")
            s = s.replace(".", "")
        elif "." in s and _THOUSANDS_DOTS.match(s):
            s = s.replace(".", "")
        if not re.fullmatch(r"\d+(\.\d+)?", s):
            raise MoneyError("Isian harus berupa angka rupiah, mis. 1.234.567,50.")
        try:
            value = Decimal(s)
        except InvalidOperation as exc:  # pragma: no cover - the regex above already guards
            raise MoneyError("Isian harus berupa angka.") from exc
        if negative:
            value = -value
    if value < 0 and not allow_negative:
        raise MoneyError("Nilai tidak boleh negatif.")
    if abs(value) > MAX_MONEY:  # first: quantize() raises past the context's 28 digits
        raise MoneyError("Nilai terlalu besar.")
    if value != value.quantize(CENT):
        raise MoneyError("Paling banyak dua angka di belakang koma.")
    return value.quantize(CENT)


def format_rupiah(
    value: Decimal | int | None, *, with_symbol: bool = True, cents: bool = False
) -> str:
    """`Rp 1.234.567`; sen are shown only when asked for or when there are any."""
    if value is None:
        return "-"
    value = Decimal(value)
    show_cents = cents or value != value.to_integral_value()
    pattern = "#,##0.00" if show_cents else "#,##0"
    if not show_cents:
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = format_decimal(value, format=pattern)
    return f"Rp {text}" if with_symbol else text


def format_number(value: Decimal | int | float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def format_percent(value: Decimal | float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return format_number(value, digits) + " %"


def money_input(value: Decimal | None) -> str:
    """The value as it goes back into a form field: `1.234.567,50`."""
    if value is None:
        return ""
    return format_rupiah(value, with_symbol=False)

"""Fields and the base schema of the API: money as decimal strings, Indonesian messages.

Money is read strictly: a decimal string ("1250000.50") or a whole number; a JSON float is taken
only when it has at most two decimals, so a value is never silently rounded. Negative money is
refused (every money column of Tagar is a non-negative amount).
"""
import math
import re
from datetime import UTC
from decimal import Decimal

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

CENT = Decimal("0.01")
DECIMAL_META = {"type": "string", "format": "decimal"}

# marshmallow's English defaults, in the language of the rest of Tagar.
MESSAGES = {
    "required": "Wajib diisi.",
    "null": "Tidak boleh kosong (null).",
    "invalid": "Jenis nilai tidak sesuai.",
}


class Schema(ma.Schema):
    """Every API schema: unknown input keys are refused, messages are Indonesian."""

    error_messages = {
        "unknown": "Isian tidak dikenal.",
        "type": "Isi permintaan harus berupa objek JSON.",
    }

    def on_bind_field(self, field_name, field_obj):
        field_obj.error_messages = {**field_obj.error_messages, **MESSAGES}
        # The database's limits, checked before they can become a driver error (a 500).
        if isinstance(field_obj, fields.Integer):
            field_obj.validators = [*field_obj.validators, INT_RANGE]
            if type(field_obj) is fields.Integer:
                # Every count and id in every schema: 1.5 is refused, never stored as 1.
                field_obj.__class__ = WholeInteger
        elif isinstance(field_obj, fields.String):
            field_obj.validators = [*field_obj.validators, no_nul]


class WholeInteger(fields.Integer):
    """marshmallow's Integer truncates a JSON number 1.5 to 1 without a word; this one refuses
    any number with a fraction (1.0 is still 1)."""

    def _validated(self, value):
        if isinstance(value, float | Decimal) and math.isfinite(value) and value != int(value):
            raise ValidationError(FRACTION)
        return super()._validated(value)


FRACTION = "Harus bilangan bulat; nilai pecahan tidak dibulatkan."
INT32 = 2**31 - 1
INT_RANGE = validate.Range(min=-INT32, max=INT32, error="Nilai di luar jangkauan.")


def no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Teks tidak boleh memuat karakter NUL.")


class DecimalText(fields.Decimal):
    """A non-negative decimal with at most `digits` whole digits and two decimals."""

    def __init__(self, *, digits: int = 16, maximum: Decimal | None = None, **kwargs):
        metadata = {**DECIMAL_META, "pattern": rf"^\d{{1,{digits}}}(\.\d{{1,2}})?$",
                    **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, places=2, metadata=metadata, **kwargs)
        self.digits = digits
        self.maximum = maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Harus berupa angka desimal, mis. \"1250000.50\".")
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, float):
            text = repr(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise ValidationError("Harus berupa angka desimal, mis. \"1250000.50\".")
        if text.startswith("-") and re.fullmatch(r"-\d+(\.\d+)?", text):
            raise ValidationError("Nilai tidak boleh negatif.")
        m = re.fullmatch(r"(\d+)(?:\.(\d+))?", text)
        if m is None:
            raise ValidationError("Harus berupa angka desimal dengan titik sebagai pemisah "
                                  "desimal, mis. \"1250000.50\".")
        if m.group(2) and len(m.group(2)) > 2:
            raise ValidationError("Paling banyak dua angka di belakang titik desimal.")
        if len(m.group(1).lstrip("0")) > self.digits:
            raise ValidationError("Nilai terlalu besar.")
        number = Decimal(text).quantize(CENT)
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(f"Nilai paling besar {self.maximum}.")
        return number


def Money(**kwargs):  # noqa: N802 - reads like a field class
    metadata = {"example": "1250000.00", **kwargs.pop("metadata", {})}
    return DecimalText(metadata=metadata, **kwargs)


def Percent(**kwargs):  # noqa: N802
    metadata = {"example": "45.50", **kwargs.pop("metadata", {})}
    return DecimalText(digits=3, maximum=Decimal(100), metadata=metadata, **kwargs)


def Ratio(**kwargs):  # noqa: N802 - computed percentages, output only
    return fields.Decimal(as_string=True, places=2, metadata=dict(DECIMAL_META), **kwargs)


class UtcDateTime(fields.DateTime):
    """Tagar keeps naive UTC datetimes; the API says so (RFC 3339 with an offset)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)

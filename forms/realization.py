"""Realization entry: the sheet of one OPD and quarter, a row of inputs per tag.

A sheet has hundreds of inputs named `r-<tag>-<field>`; WTForms' FieldList would build a form
object per row for nothing, so the rows are read here and the FlaskForms carry the CSRF token.
"""
import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import HiddenField

from app.core.money import MoneyError, parse_money
from app.cycle.realization import RowInput

TEXT_MAX = 2000
FIELDS = ("amount", "progress", "reached", "problems", "follow_up", "explanation")


class SheetForm(FlaskForm):
    """CSRF for the sheet; the rows are read by `parse_sheet`."""


class CopyPreviousForm(FlaskForm):
    pass


class SubmitForm(FlaskForm):
    version = HiddenField()


def name(tag_id: int, key: str) -> str:
    return f"r-{tag_id}-{key}"


def parse_percent(text: str) -> Decimal:
    s = (text or "").replace("%", "").replace(" ", "").replace(",", ".")
    if not s:
        raise ValueError("Wajib diisi.")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:
        raise ValueError("Isian harus berupa angka persen, mis. 45,5.") from exc
    if not value.is_finite():  # `NaN`, `Infinity`: Decimal parses them
        raise ValueError("Isian harus berupa angka persen, mis. 45,5.")
    if not 0 <= value <= 100:
        raise ValueError("Realisasi fisik antara 0 dan 100 %.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Paling banyak dua angka di belakang koma.")
    return value.quantize(Decimal("0.01"))


def parse_count(text: str, *, required: bool = True) -> int | None:
    s = (text or "").replace(" ", "")
    if not s:
        if required:
            raise ValueError("Wajib diisi.")
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", s):  # 1.250 orang, as written in Indonesian
        s = s.replace(".", "")
    if not s.isdigit():
        raise ValueError("Isian harus berupa bilangan bulat tidak negatif.")
    if int(s) > 100_000_000:
        raise ValueError("Jumlah terlalu besar.")
    return int(s)


def parse_sheet(formdata, tags) -> tuple[list[RowInput], dict, dict]:
    """(rows to save, raw texts per tag to show again, errors per tag and field).

    A row left blank that has never been saved is skipped: not yet reported.
    """
    rows, raw, errors = [], {}, {}
    for tag in tags:
        if name(tag.id, "version") not in formdata:
            continue  # not on the page that was posted
        texts = {k: (formdata.get(name(tag.id, k)) or "").strip() for k in FIELDS}
        villages = {tv.village_id: (formdata.get(name(tag.id, f"v{tv.village_id}")) or "")
                    .strip() for tv in tag.villages}
        texts["villages"] = villages
        raw[tag.id] = texts
        try:
            version = int(formdata.get(name(tag.id, "version")) or 0)
        except ValueError:
            version = -1  # a tampered field can only ever be refused as stale
        if version == 0 and not (texts["amount"] or texts["progress"] or texts["reached"]):
            continue
        row_errors = {}
        values = {}
        for key, parse in (("amount", parse_money), ("progress", parse_percent),
                           ("reached", parse_count)):
            try:
                values[key] = parse(texts[key])
            except (MoneyError, ValueError) as exc:
                row_errors[key] = str(exc)
        counts = {}
        for village_id, text in villages.items():
            try:
                n = parse_count(text, required=False)
            except ValueError as exc:
                row_errors[f"v{village_id}"] = str(exc)
                continue
            if n is not None:
                counts[village_id] = n
        for key in ("problems", "follow_up", "explanation"):
            if len(texts[key]) > TEXT_MAX:
                row_errors[key] = f"Paling banyak {TEXT_MAX} karakter."
        if not row_errors and counts and sum(counts.values()) > values["reached"]:
            row_errors["reached"] = "Lebih kecil dari jumlah penerima per desa."
        if row_errors:
            errors[tag.id] = row_errors
            continue
        rows.append(RowInput(
            tag_id=tag.id, version=version, amount=values["amount"],
            physical_progress=values["progress"], reached_count=values["reached"],
            villages=counts, problems=texts["problems"], follow_up=texts["follow_up"],
            explanation=texts["explanation"]))
    return rows, raw, errors

"""Forms of the OPD workspace: sub-activity, tag (with its lokus desa), import upload.

Every error a user can trigger reads in short Indonesian beside its field; WTForms' own English
messages for bad choices and numbers are replaced by the fields below.
"""
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import Field
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from app.core.input_guards import INT32_MAX
from app.core.money import MoneyError, money_input, parse_money

REQ = "Wajib diisi."


class MoneyField(Field):
    """Rupiah as Indonesians type it (`1.234.567,50`, `Rp 1.234.567`); shown back the same way.

    `required`: empty input is an error; `positive`: zero is refused too.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, required=False, positive=False, **kw):
        super().__init__(label, validators, **kw)
        self.required = required
        self.positive = positive
        self.flags.required = required

    def _value(self) -> str:
        if self.raw_data:  # redisplay exactly what was typed, errors and all
            return self.raw_data[0]
        return money_input(self.data) if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not text.strip():
            if self.required:
                raise ValueError(REQ)
            return
        try:
            value = parse_money(text)
        except MoneyError as exc:
            raise ValueError(str(exc)) from exc
        if self.positive and value <= 0:
            raise ValueError("Nilai harus lebih dari nol.")
        self.data = value


class CountField(Field):
    """A whole number (people, households); `1.500` reads as fifteen hundred."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not text.strip():
            return
        try:
            value = parse_money(text)
        except MoneyError as exc:
            raise ValueError("Isian harus bilangan bulat, mis. 150.") from exc
        if value != value.to_integral_value():
            raise ValueError("Isian harus bilangan bulat, mis. 150.")
        if value > 2_000_000_000:
            raise ValueError("Nilai terlalu besar.")
        self.data = int(value)


class ChoiceField(SelectField):
    """A select over database ids, with Indonesian messages for a tampered value."""

    def __init__(self, label=None, validators=None, *, optional=False, **kw):
        super().__init__(label, validators, coerce=int, **kw)
        self.optional = optional

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] not in ("", "0"):
            try:
                self.data = int(valuelist[0])
            except ValueError as exc:
                raise ValueError("Pilihan tidak valid.") from exc

    def pre_validate(self, form):
        if self.data is None:
            if not self.optional:
                raise ValidationError("Pilih salah satu.")
            return
        if self.data not in {c.value for c in self.choices}:
            raise ValidationError("Pilihan tidak valid.")


def _max(n: int) -> Length:
    return Length(max=n, message=f"Paling banyak {n} karakter.")


class SubActivityForm(FlaskForm):
    version = HiddenField()
    code = StringField("Kode sub kegiatan", validators=[DataRequired(REQ), _max(40)],
                       filters=[lambda s: s.strip() if s else s])
    name = StringField("Nama sub kegiatan", validators=[DataRequired(REQ), _max(400)])
    program_code = StringField("Kode program", validators=[Optional(), _max(40)],
                               filters=[lambda s: s.strip() if s else s])
    program_name = StringField("Nama program", validators=[DataRequired(REQ), _max(400)])
    activity_code = StringField("Kode kegiatan", validators=[Optional(), _max(40)],
                                filters=[lambda s: s.strip() if s else s])
    activity_name = StringField("Nama kegiatan", validators=[DataRequired(REQ), _max(400)])
    allocation_original = MoneyField("Pagu APBD murni (Rp)", required=True)
    allocation_revised = MoneyField("Pagu APBD perubahan (Rp)")
    funding_source_id = ChoiceField("Sumber dana", optional=True, choices=[])
    output_indicator = TextAreaField("Indikator keluaran", validators=[Optional(), _max(2000)])
    output_target = MoneyField("Target keluaran")
    output_unit = StringField("Satuan keluaran", validators=[Optional(), _max(60)])
    location = TextAreaField("Lokasi", validators=[Optional(), _max(2000)])

    # Fields copied to the model as they are; the service checks the rules between them.
    FIELDS = ("code", "name", "program_code", "program_name", "activity_code", "activity_name",
              "allocation_original", "allocation_revised", "funding_source_id",
              "output_indicator", "output_target", "output_unit", "location")

    def values(self) -> dict:
        return {f: self[f].data for f in self.FIELDS}


class TagForm(FlaskForm):
    version = HiddenField()
    strategy_id = ChoiceField("Strategi", choices=[])
    tag_kind_id = ChoiceField("Kelompok penandaan", choices=[])
    amount = MoneyField("Nilai yang ditandai (Rp)", required=True, positive=True)
    description = TextAreaField("Aktivitas", validators=[DataRequired(REQ), _max(2000)])
    aid_nature = StringField("Sifat bantuan", validators=[Optional(), _max(120)])
    aid_type = StringField("Jenis bantuan", validators=[Optional(), _max(120)])
    benefit_per_recipient = MoneyField("Besaran manfaat per penerima (Rp)")
    duration = StringField("Durasi pemberian", validators=[Optional(), _max(60)])
    target_count = CountField("Jumlah sasaran")
    target_unit = StringField("Satuan sasaran", validators=[Optional(), _max(30)])
    # The explicit confirmation that desa removed from the lokus lose their realization figures.
    drop_realized = BooleanField("Lepaskan juga realisasi per desanya")

    FIELDS = ("strategy_id", "tag_kind_id", "amount", "description", "aid_nature", "aid_type",
              "benefit_per_recipient", "duration", "target_count", "target_unit")

    def validate_target_unit(self, field):
        if self.target_count.data is not None and not (field.data or "").strip():
            raise ValidationError("Isi satuan sasaran, mis. KK atau jiwa.")

    def values(self) -> dict:
        return {f: self[f].data for f in self.FIELDS}


def parse_village_rows(formdata) -> tuple[list[dict], dict[int, str]]:
    """The lokus desa chosen on a tag form: ids from the multi-select (`village_ids`) and each
    one's optional amount (`v_amount_<id>`) and target (`v_target_<id>`).

    Returns the rows and the errors by village id; ids that are not numbers are dropped (the
    service refuses ids that are not villages of the kabupaten).
    """
    rows, errors, seen = [], {}, set()
    for raw in formdata.getlist("village_ids"):
        try:
            vid = int(raw)
        except ValueError:
            continue
        if not 1 <= vid <= INT32_MAX:  # no such desa; a database integer cannot hold it
            errors[0] = "Desa yang dipilih tidak dikenal."
            continue
        if vid in seen:
            continue
        seen.add(vid)
        row = {"village_id": vid, "amount": None, "target_count": None,
               "amount_text": formdata.get(f"v_amount_{vid}", "").strip(),
               "target_text": formdata.get(f"v_target_{vid}", "").strip()}
        if row["amount_text"]:
            try:
                row["amount"] = parse_money(row["amount_text"])
            except MoneyError as exc:
                errors[vid] = f"Nilai desa: {exc}"
        if row["target_text"]:
            text = row["target_text"].replace(".", "")
            if text.isdigit() and int(text) <= 2_000_000_000:
                row["target_count"] = int(text)
            else:
                errors[vid] = " ".join(
                    filter(None, [errors.get(vid), "Sasaran desa harus bilangan bulat."]))
        rows.append(row)
    return rows, errors


class ImportForm(FlaskForm):
    file = FileField("Berkas (.xlsx atau .csv)")


class ConfirmForm(FlaskForm):
    """Delete buttons and the import commit: CSRF plus the version the user saw."""

    version = HiddenField()

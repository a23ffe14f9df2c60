"""Forms of the lokus desa data pages: priority villages by hand, and the P3KE/DTSEN import."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.input_guards import parse_int

from .choices import choices


def _households(form, field):
    """A whole number of households, written with or without thousands dots."""
    raw = (field.data or "").replace(".", "").strip()
    if raw == "":
        field.data = "0"
        return
    if not raw.isdigit():
        raise ValidationError("Isi dengan bilangan bulat, mis. 125.")
    if int(raw) > 1_000_000:
        raise ValidationError("Paling banyak 1.000.000.")
    field.data = raw


def _row_id(form, field):
    """A desa id as the page sent it: a whole number a database integer can hold."""
    try:
        parse_int(field.data, lo=1)
    except ValueError:
        raise ValidationError("Desa tidak dikenal.") from None


class VillageRowForm(Form):
    """One desa of the table (a sub-form: the outer form carries the CSRF token)."""

    village_id = HiddenField(validators=[DataRequired(), _row_id])
    is_priority = BooleanField("Lokus")
    households = StringField("Rumah tangga desil 1", validators=[_households])


class LokusForm(FlaskForm):
    decree = StringField("Nomor SK penetapan lokus", validators=[
        Optional(), Length(max=200, message="Paling banyak 200 karakter.")])
    rows = FieldList(FormField(VillageRowForm))


class ImportForm(FlaskForm):
    source = SelectField("Sumber data", choices=choices([("P3KE", "P3KE"),
                                                        ("DTSEN", "DTSEN")]))
    file = FileField("Berkas (.xlsx atau .csv, satu baris per keluarga)", validators=[
        FileRequired("Pilih berkas terlebih dahulu."),
        FileAllowed(["xlsx", "csv"], "Hanya berkas .xlsx atau .csv.")])


class ConfirmImportForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])

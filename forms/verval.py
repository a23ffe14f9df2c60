"""Forms of the desa verval (issue 28). The record form only carries the fields: the service
checks them (status, note, NIK or row and prefix), so the answer is the same for the page, the
small script that posts it, and the API."""
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional

from models import VERVAL_STATUS_LABELS

from .choices import choices

STATUS_CHOICES = choices([("", "— pilih status —"), *VERVAL_STATUS_LABELS.items()])


class CampaignForm(FlaskForm):
    name = StringField("Nama kampanye", validators=[
        InputRequired("Nama kampanye wajib diisi."), Length(max=120)])
    deadline = DateField("Batas waktu", validators=[InputRequired("Isi batas waktu.")])
    scope = RadioField("Desa", default="all", choices=choices([
        ("all", "Semua desa yang memiliki rumah tangga desil 1"),
        ("selected", "Desa yang dipilih")]))
    villages = SelectMultipleField("Desa yang dipilih", coerce=int, choices=[],
                                   validate_choice=False)


class RecordForm(FlaskForm):
    nik = StringField("NIK kepala keluarga", validators=[Optional(), Length(max=40)])
    row = StringField("Nomor baris", validators=[Optional(), Length(max=10)])
    prefix = StringField("Awalan hash", validators=[Optional(), Length(max=64)])
    status = StringField("Status", validators=[Optional(), Length(max=20)])
    note = StringField("Catatan", validators=[Optional(), Length(max=400)])
    page = HiddenField()

    def row_number(self) -> int | None:
        raw = (self.row.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 7 else None


class SubmitForm(FlaskForm):
    pass


class ReviewForm(FlaskForm):
    note = StringField("Catatan pengembalian", validators=[Optional(), Length(max=500)])

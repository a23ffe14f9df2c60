"""Screening forms (issue 26): reject a suggestion (with its reason), send lines to their OPDs."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class RejectForm(FlaskForm):
    reason = TextAreaField("Alasan penolakan", validators=[
        DataRequired("Isi alasan penolakan."),
        Length(max=500, message="Alasan paling banyak 500 karakter.")])
    score = HiddenField()


class SendForm(FlaskForm):
    """CSRF for the bulk action; the chosen lines come as `sa_ids` checkboxes."""


class ProvinceReferenceForm(FlaskForm):
    """The province's signed reference file, checked against the province's public key."""

    file = FileField("Berkas referensi provinsi (.json)")
    public_key = TextAreaField("Kunci publik provinsi (PEM atau base64; kosongkan bila sudah "
                               "diatur)", validators=[Length(max=2000)])

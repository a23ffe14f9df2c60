"""Screening forms (issue 26): reject a suggestion (with its reason), send lines to their OPDs."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class RejectForm(FlaskForm):
    reason = TextAreaField("Alasan penolakan", validators=[
        DataRequired("Isi alasan penolakan."),
        Length(max=500, message="Alasan paling banyak 500 karakter.")])
    score = HiddenField()


class SendForm(FlaskForm):
    """CSRF for the bulk action; the chosen lines come as `sa_ids` checkboxes."""

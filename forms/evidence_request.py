"""The reviewer's request for evidence on one tag ("minta bukti dukung") and its withdrawal."""
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length


class EvidenceRequestForm(FlaskForm):
    note = TextAreaField("Bukti yang diminta", validators=[
        Length(max=500, message="Paling banyak 500 karakter.")])


class CancelEvidenceRequestForm(FlaskForm):
    """CSRF only."""

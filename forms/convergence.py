"""Forms of issue 17: other sources' interventions, their import, and themes."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import SOURCE_KINDS

from .budget import ChoiceField, CountField, MoneyField
from .choices import choices

REQ = "Wajib diisi."


class InterventionForm(FlaskForm):
    version = HiddenField()
    village_id = ChoiceField("Desa", choices=[])
    source_kind = SelectField("Sumber dana", choices=choices(
        [("", "— pilih —"), *SOURCE_KINDS.items()]), validators=[DataRequired("Pilih sumber.")])
    provider_name = StringField("Penyedia", validators=[DataRequired(REQ), Length(max=200)])
    strategy_id = ChoiceField("Strategi", choices=[])
    description = TextAreaField("Uraian", validators=[Optional(), Length(max=2000)])
    amount_planned = MoneyField("Rencana (Rp)")
    realized_q1 = MoneyField("Realisasi TW I (Rp)")
    realized_q2 = MoneyField("Realisasi TW II (Rp)")
    realized_q3 = MoneyField("Realisasi TW III (Rp)")
    realized_q4 = MoneyField("Realisasi TW IV (Rp)")
    households_reached = CountField("Rumah tangga terjangkau")
    notes = TextAreaField("Catatan", validators=[Optional(), Length(max=2000)])

    FIELDS = ("village_id", "source_kind", "provider_name", "strategy_id", "description",
              "amount_planned", "realized_q1", "realized_q2", "realized_q3", "realized_q4",
              "households_reached", "notes")

    def values(self) -> dict:
        return {f: self[f].data for f in self.FIELDS}


class InterventionImportForm(FlaskForm):
    file = FileField("Berkas (.xlsx atau .csv)")


class TokenForm(FlaskForm):
    """The import commit and the delete buttons: CSRF, plus a signed token or a version."""

    token = HiddenField()
    version = HiddenField()


class ThemeForm(FlaskForm):
    name = StringField("Nama tema", validators=[DataRequired(REQ), Length(max=120)])
    description = StringField("Keterangan", validators=[Optional(), Length(max=2000)])

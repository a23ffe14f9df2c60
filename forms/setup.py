"""Forms of the set-up pages (issue 15): the file upload, the commit, the year rollover."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

YEAR_RANGE = NumberRange(2000, 2100, message="Tahun harus antara 2000 dan 2100.")


class SetupUploadForm(FlaskForm):
    file = FileField("Berkas (.xlsx atau .csv)")


class SetupConfirmForm(FlaskForm):
    """The commit of a previewed file and the deactivate buttons: CSRF only."""


class RolloverForm(FlaskForm):
    from_year = IntegerField("Dari tahun", validators=[
        InputRequired("Tahun asal wajib diisi."), YEAR_RANGE])
    to_year = IntegerField("Ke tahun", validators=[
        InputRequired("Tahun tujuan wajib diisi."), YEAR_RANGE])
    copy_allocation = BooleanField("Salin pagu (pagu yang berlaku di akhir tahun asal menjadi "
                                   "pagu murni; tanpa ini pagu dan nilai tagging diisi 0)")

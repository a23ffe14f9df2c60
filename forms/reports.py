from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .choices import choices

ADDRESSEE_LABELS = [
    ("menko_pm", "Menko Pemberdayaan Masyarakat (Menko PM)"),
    ("menko_pmk", "Menko Pembangunan Manusia dan Kebudayaan (Menko PMK)"),
    ("mendagri", "Menteri Dalam Negeri"),
    ("gubernur", "Gubernur"),
]


class CodesField(SelectMultipleField):
    """Checkboxes whose ticked codes are kept in one comma-separated column ("a,b")."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value)

    def populate_obj(self, obj, name):
        setattr(obj, name, ",".join(self.data or []))

VARIANT_LABELS = [
    ("quarterly", "Laporan triwulanan"),
    ("semester", "Laporan semester (Inpres 8/2025)"),
    ("gubernur", "Laporan semester kepada Gubernur (Inpres 8/2025)"),
    ("opd", "Laporan satu perangkat daerah"),
    ("plan", "Rencana aksi tahunan (tanpa realisasi)"),
]


class ReportForm(FlaskForm):
    variant = SelectField("Jenis laporan", choices=choices(VARIANT_LABELS))
    year = SelectField("Tahun anggaran", coerce=int, choices=[])
    quarter = SelectField("Triwulan", coerce=int, choices=choices(
        [(1, "Triwulan I"), (2, "Triwulan II"), (3, "Triwulan III"), (4, "Triwulan IV")]))
    semester = SelectField("Semester", coerce=int, choices=choices(
        [(1, "Semester I (s.d. Triwulan II)"), (2, "Semester II (s.d. Triwulan IV)")]))
    opd_id = SelectField("Perangkat daerah", coerce=int, choices=[])
    number = StringField("Nomor surat", validators=[
        Optional(), Length(max=80, message="Paling banyak 80 karakter.")])
    addressees = CodesField("Ditujukan kepada", choices=choices(ADDRESSEE_LABELS))
    include_unverified = BooleanField("Sertakan data yang belum diverifikasi (bertanda DRAFT)")
    fmt = SelectField("Format", choices=choices([("pdf", "PDF"), ("xlsx", "XLSX (Excel)")]))
    # Issue 17: the tags of one theme (0: every tag), the strategies of another framework.
    theme_id = SelectField("Tema", coerce=int, choices=[], default=0)
    framework = SelectField("Kerangka strategi", choices=[], default="")

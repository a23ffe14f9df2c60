from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from .choices import choices

VARIANT_LABELS = [
    ("quarterly", "Laporan triwulanan"),
    ("semester", "Laporan semester (Inpres 8/2025)"),
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
    include_unverified = BooleanField("Sertakan data yang belum diverifikasi (bertanda DRAFT)")
    fmt = SelectField("Format", choices=choices([("pdf", "PDF"), ("xlsx", "XLSX (Excel)")]))

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from models import OPD_KIND_LABELS, ROLE_LABELS

from .choices import choices
from .reports import ADDRESSEE_LABELS, CodesField

REQ = "Wajib diisi."
# A plain pattern: the email_validator package would be one more dependency for one field.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Alamat surel tidak valid.")


SIGNATORY_LABELS = [("head", "Kepala daerah (Bupati/Wali Kota)"),
                    ("chair", "Ketua TKPKD / Sekda"),
                    ("both", "Kepala daerah dan Ketua TKPKD / Sekda")]
PAPER_LABELS = [("A4", "A4 (210 × 297 mm)"), ("F4", "F4 / folio (215 × 330 mm)")]


def _max(n: int) -> Length:
    """The column's size (String(n) in models/), checked before the database refuses it."""
    return Length(max=n, message=f"Paling banyak {n} karakter.")


class UserForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[
        DataRequired(REQ), Length(max=60, message="Paling banyak 60 karakter."),
        Regexp(r"^[A-Za-z0-9._-]+$",
               message="Hanya huruf, angka, titik, garis bawah, dan tanda hubung.")])
    full_name = StringField("Nama lengkap", validators=[DataRequired(REQ), Length(max=120)])
    email = StringField("Surel", validators=[Optional(), _max(120), EMAIL])
    role = SelectField("Peran", choices=choices(ROLE_LABELS.items()))
    opd_id = SelectField("OPD", coerce=int, choices=[])
    village_id = SelectField("Desa (operator desa)", coerce=int, choices=[], default=0,
                             validate_choice=False)  # issue 28; checked by the view
    active = BooleanField("Aktif", default=True)
    password = PasswordField("Kata sandi", validators=[
        Optional(), Length(min=10, message="Minimal 10 karakter.")])
    revoke_tokens = BooleanField("Cabut semua token API pengguna ini")


class OpdForm(FlaskForm):
    code = StringField("Kode", validators=[
        DataRequired(REQ), _max(40),
        Regexp(r"^[0-9X]\.[0-9X]{2}(\.[0-9]+)*$", message="Kode OPD tidak sesuai format.")])
    name = StringField("Nama", validators=[DataRequired(REQ), _max(200)])
    short_name = StringField("Singkatan", validators=[Optional(), _max(40)])
    head_name = StringField("Nama kepala", validators=[Optional(), _max(120)])
    head_nip = StringField("NIP kepala", validators=[
        Optional(), Regexp(r"^\d{18}$", message="NIP terdiri atas 18 angka.")])
    # Issue 15: jenis perangkat daerah; an inactive OPD takes no new work, keeps its history.
    kind = SelectField("Jenis", choices=choices(OPD_KIND_LABELS.items()), default="lainnya")
    is_active = BooleanField("Aktif (OPD nonaktif tidak menerima sub kegiatan, pengguna, atau "
                             "salinan tahun baru; riwayatnya tetap di laporan)", default=True)


class FiscalYearForm(FlaskForm):
    year = IntegerField("Tahun", validators=[
        DataRequired("Tahun wajib diisi."),
        NumberRange(2000, 2100, message="Tahun harus antara 2000 dan 2100.")])


class UploadField(FileField):
    """A file input that never takes the stored value: the form is built with `obj=row`, and
    the row's bytes are not an upload (they gave the 500 on every save after a logo)."""

    def process_data(self, value):
        self.data = None

    def populate_obj(self, obj, name):
        pass  # the view stores what the upload reader returns


class SettingsForm(FlaskForm):
    name = StringField("Nama pemerintah daerah", validators=[DataRequired(REQ), _max(200)])
    region_name = StringField("Nama daerah", validators=[DataRequired(REQ), _max(120)])
    province_name = StringField("Provinsi", validators=[Optional(), _max(120)])
    address = StringField("Alamat", validators=[Optional(), _max(300)])
    city = StringField("Kota tempat penandatanganan", validators=[Optional(), _max(120)])
    phone = StringField("Telepon", validators=[Optional(), _max(60)])
    email = StringField("Surel", validators=[Optional(), _max(120), EMAIL])
    website = StringField("Laman", validators=[Optional(), _max(120)])
    head_title = StringField("Jabatan kepala daerah", validators=[DataRequired(REQ), _max(120)])
    head_name = StringField("Nama kepala daerah", validators=[Optional(), _max(120)])
    head_nip = StringField("NIP kepala daerah", validators=[Optional(), _max(30)])
    tkpkd_chair_title = StringField("Jabatan penanda tangan kedua (Ketua TKPKD / Sekda)",
                                    validators=[Optional(), _max(120)])
    tkpkd_chair_name = StringField("Nama Ketua TKPKD", validators=[Optional(), _max(120)])
    tkpkd_chair_nip = StringField("NIP Ketua TKPKD", validators=[Optional(), _max(30)])
    # A select missing from the request keeps the stored value (SelectField ignores it).
    signatories = SelectField("Penanda tangan laporan", choices=choices(SIGNATORY_LABELS))
    report_addressees = CodesField("Tujuan laporan (bawaan, dapat diubah per laporan)",
                                   choices=choices(ADDRESSEE_LABELS))
    paper_size = SelectField("Ukuran kertas laporan", choices=choices(PAPER_LABELS))
    report_deadline_days = IntegerField("Batas laporan (hari setelah akhir triwulan)", validators=[
        NumberRange(0, 90, message="Antara 0 dan 90 hari.")])
    # Read and checked by services.image_reader (decoded, not judged by its name).
    logo = UploadField("Logo (PNG/JPEG, paling besar 1 MB)",
                       render_kw={"accept": "image/png,image/jpeg"})


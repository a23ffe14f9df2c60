from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from models import ROLE_LABELS

from .choices import choices

REQ = "Wajib diisi."
# A plain pattern: the email_validator package would be one more dependency for one field.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Alamat surel tidak valid.")


class UserForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[
        DataRequired(REQ), Length(max=60, message="Paling banyak 60 karakter."),
        Regexp(r"^[A-Za-z0-9._-]+$",
               message="Hanya huruf, angka, titik, garis bawah, dan tanda hubung.")])
    full_name = StringField("Nama lengkap", validators=[DataRequired(REQ), Length(max=120)])
    email = StringField("Surel", validators=[Optional(), EMAIL])
    role = SelectField("Peran", choices=choices(ROLE_LABELS.items()))
    opd_id = SelectField("OPD", coerce=int, choices=[])
    active = BooleanField("Aktif", default=True)
    password = PasswordField("Kata sandi", validators=[
        Optional(), Length(min=8, message="Minimal 8 karakter.")])


class OpdForm(FlaskForm):
    code = StringField("Kode", validators=[
        DataRequired(REQ),
        Regexp(r"^[0-9X]\.[0-9X]{2}(\.[0-9]+)*$", message="Kode OPD tidak sesuai format.")])
    name = StringField("Nama", validators=[DataRequired(REQ), Length(max=200)])
    short_name = StringField("Singkatan", validators=[Optional(), Length(max=40)])
    head_name = StringField("Nama kepala", validators=[Optional(), Length(max=120)])
    head_nip = StringField("NIP kepala", validators=[
        Optional(), Regexp(r"^\d{18}$", message="NIP terdiri atas 18 angka.")])
    is_active = BooleanField("Aktif", default=True)


class FiscalYearForm(FlaskForm):
    year = IntegerField("Tahun", validators=[
        DataRequired("Tahun wajib diisi."),
        NumberRange(2000, 2100, message="Tahun harus antara 2000 dan 2100.")])


class SettingsForm(FlaskForm):
    name = StringField("Nama pemerintah daerah", validators=[DataRequired(REQ)])
    region_name = StringField("Nama daerah", validators=[DataRequired(REQ)])
    province_name = StringField("Provinsi", validators=[Optional()])
    address = StringField("Alamat", validators=[Optional()])
    city = StringField("Kota tempat penandatanganan", validators=[Optional()])
    phone = StringField("Telepon", validators=[Optional()])
    email = StringField("Surel", validators=[Optional(), EMAIL])
    website = StringField("Laman", validators=[Optional()])
    head_title = StringField("Jabatan kepala daerah", validators=[DataRequired(REQ)])
    head_name = StringField("Nama kepala daerah", validators=[Optional()])
    head_nip = StringField("NIP kepala daerah", validators=[Optional()])
    tkpkd_chair_name = StringField("Nama Ketua TKPKD", validators=[Optional()])
    tkpkd_chair_nip = StringField("NIP Ketua TKPKD", validators=[Optional()])
    report_addressee = StringField("Tujuan laporan", validators=[Optional()])
    report_deadline_days = IntegerField("Batas laporan (hari setelah akhir triwulan)", validators=[
        NumberRange(0, 90, message="Antara 0 dan 90 hari.")])
    logo = FileField("Logo (PNG/JPG)", validators=[
        FileAllowed(["png", "jpg", "jpeg"], "Logo harus berkas PNG atau JPG.")])

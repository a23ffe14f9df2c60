"""Forms of "Lupa kata sandi"."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class ResetRequestForm(FlaskForm):
    identifier = StringField("Nama pengguna atau alamat surel", validators=[
        DataRequired("Wajib diisi."), Length(max=120, message="Paling banyak 120 karakter.")])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Kata sandi baru", validators=[
        DataRequired("Wajib diisi."), Length(min=10, max=200,
                                             message="Antara 10 dan 200 karakter.")])
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        EqualTo("password", message="Kata sandi tidak sama.")])


class ResetCodeForm(FlaskForm):
    code = StringField("Kode dari surel", validators=[
        DataRequired("Wajib diisi."), Length(max=100, message="Paling banyak 100 karakter.")])

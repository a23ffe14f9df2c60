from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Nama pengguna wajib diisi.")])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi.")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Kata sandi saat ini", validators=[DataRequired("Wajib diisi.")])
    password = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired("Wajib diisi."), Length(min=10, message="Minimal 10 karakter.")],
    )
    confirm = PasswordField(
        "Ulangi kata sandi baru",
        validators=[EqualTo("password", message="Kata sandi tidak sama.")],
    )
    revoke_tokens = BooleanField("Cabut juga semua token API saya")


class TokenForm(FlaskForm):
    name = StringField("Nama token", validators=[
        DataRequired("Nama token wajib diisi."),
        Length(max=80, message="Paling banyak 80 karakter.")])

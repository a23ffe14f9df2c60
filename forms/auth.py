from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Nama pengguna wajib diisi.")])
    password = PasswordField("Kata sandi", validators=[DataRequired("Kata sandi wajib diisi.")])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Kata sandi saat ini", validators=[DataRequired("Wajib diisi.")])
    password = PasswordField(
        "Kata sandi baru",
        validators=[DataRequired("Wajib diisi."), Length(min=8, message="Minimal 8 karakter.")],
    )
    confirm = PasswordField(
        "Ulangi kata sandi baru",
        validators=[EqualTo("password", message="Kata sandi tidak sama.")],
    )


class TokenForm(FlaskForm):
    name = StringField("Nama token", validators=[
        DataRequired("Nama token wajib diisi."),
        Length(max=80, message="Paling banyak 80 karakter.")])

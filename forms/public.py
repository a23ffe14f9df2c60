"""The administrator's portal form: switch, licence, and one year's total APBD belanja."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField

from models import LICENSES

from .budget import MoneyField
from .choices import choices


class PortalForm(FlaskForm):
    enabled = BooleanField("Buka portal publik (/terbuka/)")
    license_id = SelectField("Lisensi data terbuka",
                             choices=choices((k, v[0]) for k, v in LICENSES.items()))


class ApbdTotalForm(FlaskForm):
    belanja_murni = MoneyField("Total belanja APBD murni (Rp)", required=True)
    belanja_perubahan = MoneyField("Total belanja APBD perubahan (Rp)")

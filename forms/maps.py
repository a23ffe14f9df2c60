"""Forms of the boundary import (issue 27): the upload with an optional code column, the commit."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional


class BoundaryUploadForm(FlaskForm):
    file = FileField("Berkas batas wilayah (.geojson, .json atau shapefile dalam .zip)")
    code_property = StringField("Nama kolom kode wilayah (kosongkan agar ditebak)", validators=[
        Optional(), Length(max=60, message="Nama kolom paling panjang 60 karakter.")])


class BoundaryConfirmForm(FlaskForm):
    """The commit of a previewed file: CSRF only."""

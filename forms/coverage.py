"""Forms of household coverage (issue 16): BNBA import, beneficiary lists, cek NIK."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from .choices import choices

UPLOAD = [FileRequired("Pilih berkas terlebih dahulu."),
          FileAllowed(["xlsx", "csv"], "Hanya berkas .xlsx atau .csv.")]
AUTO = [("", "Otomatis (dari judul kolom)")]


class ColumnField(SelectField):
    """A column of the uploaded file, chosen from its header; "" lets the reader guess.
    The choices are the header of the last preview, so any index is accepted and bounded
    by the service against the file actually sent."""

    def __init__(self, label, **kw):
        super().__init__(label, choices=choices(AUTO), validate_choice=False, **kw)

    def index(self) -> int | None:
        raw = (self.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 3 else None

    def offer(self, header: list) -> None:
        self.choices = choices(AUTO + [(str(i), f"{i + 1}. {h or '(tanpa judul)'}")
                                       for i, h in enumerate(header)])


class BnbaForm(FlaskForm):
    source = SelectField("Sumber data", choices=choices([("DTSEN", "DTSEN"), ("P3KE", "P3KE")]))
    taken_on = DateField("Tanggal data", validators=[InputRequired("Isi tanggal data.")])
    file = FileField("Berkas BNBA (.xlsx atau .csv, satu baris per anggota keluarga)",
                     validators=UPLOAD)
    col_nik = ColumnField("Kolom NIK")
    col_kk = ColumnField("Kolom nomor KK")
    col_desil = ColumnField("Kolom desil")
    col_code = ColumnField("Kolom kode desa")
    col_village = ColumnField("Kolom nama desa")
    col_district = ColumnField("Kolom kecamatan")

    def columns(self) -> dict[str, int]:
        return {name: f.index() for name in ("nik", "kk", "desil", "code", "village", "district")
                if (f := getattr(self, f"col_{name}")).index() is not None}

    def offer(self, header: list) -> None:
        for name in ("nik", "kk", "desil", "code", "village", "district"):
            getattr(self, f"col_{name}").offer(header)


class ListForm(FlaskForm):
    quarter = SelectField("Triwulan", choices=choices([(str(q), f"TW {r}") for q, r in
                                                       ((1, "I"), (2, "II"), (3, "III"),
                                                        (4, "IV"))]))
    file = FileField("Daftar NIK penerima (.xlsx atau .csv)", validators=UPLOAD)
    col_nik = ColumnField("Kolom NIK")


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


class BnbaConfirmForm(ConfirmForm):
    update_lokus = BooleanField("Perbarui juga jumlah rumah tangga per desil pada data lokus desa "
                                "tahun anggaran berjalan", default=True)


class RealizationForm(FlaskForm):
    quarter = HiddenField(validators=[DataRequired()])


class LookupForm(FlaskForm):
    nik = StringField("NIK", validators=[DataRequired("Isi NIK."),
                                         Length(max=40, message="NIK terlalu panjang.")],
                      render_kw={"autocomplete": "off", "inputmode": "numeric"})

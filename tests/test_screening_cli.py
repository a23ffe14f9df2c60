"""`flask suggest tags FILE --out OUT.xlsx` and `flask suggest import-reference FILE`."""
from io import BytesIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import load_workbook

from app.federation import bundle
from app.screening import province
from models import ProvinceReference, db


def test_suggest_tags_writes_one_row_per_line_in_order(app, tmp_path):
    src = tmp_path / "sipd.csv"
    src.write_text("Kode,Sub Kegiatan,Program,OPD\n"
                   "1.03.05.2.01.9301,Penyediaan Jamban Sehat bagi Rumah Tangga Miskin,"
                   "Program Pengelolaan Sistem Air Limbah,Dinas PUPR\n"
                   "X.XX.01.2.06.9302,=HYPERLINK(\"x\") Penyediaan Alat Tulis Kantor,"
                   "Program Penunjang Urusan,Dinas PUPR\n", encoding="utf-8")
    out = tmp_path / "saran.xlsx"
    result = app.test_cli_runner().invoke(args=["suggest", "tags", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(BytesIO(out.read_bytes())).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)
    data = [r for r in rows if r and r[0] in ("1.03.05.2.01.9301", "X.XX.01.2.06.9302")]
    assert [r[3] for r in data] == ["ya", "tidak"]
    assert str(data[0][5]) == "3"


def test_import_reference_command_verifies_the_signature(app, tmp_path):
    key = Ed25519PrivateKey.generate()
    payload = {"kind": province.KIND, "schema_version": 1, "fiscal_year": 2026,
               "province": "Provinsi Uji", "members": 2, "created_at": "2026-12-01T00:00:00",
               "codes": []}
    path = tmp_path / "ref.json"
    path.write_bytes(bundle.encode(bundle.sign(payload, key)))
    runner = app.test_cli_runner()
    wrong = runner.invoke(args=["suggest", "import-reference", str(path), "--public-key",
                                bundle.public_b64(Ed25519PrivateKey.generate())])
    assert wrong.exit_code != 0 and "tanda tangan" in wrong.output
    ok = runner.invoke(args=["suggest", "import-reference", str(path), "--public-key",
                             bundle.public_b64(key)])
    assert ok.exit_code == 0, ok.output
    assert db.session.query(ProvinceReference).one().province_name == "Provinsi Uji"

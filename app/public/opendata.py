"""Open data of one published version: CSV files of the portal's tables and a Fiscal Data
Package descriptor (a Tabular Data Package whose fields carry FDP's `columnType`, budget
`phase`, `direction` and `currency`).

Budget phases: the whole APBD's belanja murni is `approved`, its perubahan `adjusted`;
realization is `executed`. A tag carries one amount, the one in force (Tagar keeps no separate
murni figure per tag), so the tagged amount is `adjusted` once a perubahan total is entered and
`approved` before. Pure functions of the published content: no database, no request.
"""
import csv
import io

ROW_FIELDS = (
    ("jumlah_penandaan", "integer", "Jumlah penandaan (sub kegiatan × strategi)"),
    ("ditandai", "number", "Anggaran ditandai (Rp)"),
    ("realisasi", "number", "Realisasi keuangan terverifikasi s.d. triwulan (Rp, kumulatif)"),
    ("serapan_persen", "number", "Realisasi dibagi anggaran ditandai (%)"),
    ("fisik_persen", "number", "Realisasi fisik rata-rata tertimbang anggaran (%)"),
    ("sasaran", "integer", "Jumlah sasaran penerima"),
    ("capaian", "integer", "Jumlah penerima yang dijangkau s.d. triwulan"),
)
AREA_CODES = "Kode wilayah Kemendagri"
TABLES = {  # resource name -> (content table, title, code column description, columnType)
    "strategi": ("strategy", "Menurut strategi (Inpres 4/2022, Inpres 8/2025)",
                 "Kode strategi 1-3", "functional-classification:generic:code"),
    "kelompok": ("tag_kind", "Menurut kelompok penandaan (langsung, tidak langsung, penunjang)",
                 "Kode kelompok", "functional-classification:generic:code"),
    "opd": ("opd", "Menurut perangkat daerah",
            "Kode unit organisasi (Kepmendagri 050-5889/2021)",
            "administrative-classification:generic:code"),
    "kecamatan": ("district", "Menurut kecamatan (anggaran dibagi ke desa lokus)", AREA_CODES,
                  "geographic-classification:generic:code"),
    "desa": ("village", "Menurut desa/kelurahan (baris tanpa kode: tanpa lokus)", AREA_CODES,
             "geographic-classification:generic:code"),
}
SUMMARY = ("jumlah_penandaan", "ditandai", "realisasi", "serapan_persen", "fisik_persen", "sasaran",
           "capaian", "apbd_belanja_murni", "apbd_belanja_perubahan", "porsi_apbd_murni_persen",
           "porsi_apbd_perubahan_persen")
RESOURCES = ("ringkasan", "fase-anggaran", *TABLES, "tren", "konvergensi", "rumah-tangga")


def _phase(content: dict) -> str:
    return "adjusted" if content["ringkasan"]["apbd_belanja_perubahan"] else "approved"


def _measure(name: str, kind: str, title: str, content: dict) -> dict:
    field = {"name": name, "type": kind, "title": title}
    if name == "ditandai":
        field.update(columnType="value", phase=_phase(content), direction="expenditure",
                     currency="IDR")
    elif name == "realisasi":
        field.update(columnType="value", phase="executed", direction="expenditure",
                     currency="IDR")
    return field


def _row_fields(content: dict) -> list[dict]:
    return [_measure(n, k, t, content) for n, k, t in ROW_FIELDS]


def rows_of(name: str, content: dict) -> tuple[list[str], list[dict]]:
    """(column names, rows) of resource `name`."""
    head = content["ringkasan"]
    if name == "ringkasan":
        return list(SUMMARY), [head]  # a stored version's keys come back sorted
    if name == "fase-anggaran":
        rows = [{"fase": "approved", "cakupan": "apbd", "jumlah": head["apbd_belanja_murni"]},
                {"fase": "adjusted", "cakupan": "apbd",
                 "jumlah": head["apbd_belanja_perubahan"]},
                {"fase": _phase(content), "cakupan": "ditandai", "jumlah": head["ditandai"]},
                {"fase": "executed", "cakupan": "ditandai", "jumlah": head["realisasi"]}]
        return ["fase", "cakupan", "jumlah"], rows
    if name in TABLES:
        return ["kode", "nama", *(f[0] for f in ROW_FIELDS)], content["tabel"][TABLES[name][0]]
    if name == "tren":
        return ["triwulan", "kode", "nama", *(f[0] for f in ROW_FIELDS)], content["tren"]
    if name == "konvergensi":
        rows = content["konvergensi"]["per_kecamatan"]
        return ["kode", "nama", "desa_lokus", "desa_terjangkau", "desa_tiga_strategi",
                "desa_tanpa_intervensi"], rows
    if name == "rumah-tangga":
        return ["tanggal", "sumber", "jumlah"], content["rumah_tangga_miskin_ekstrem"]
    raise KeyError(name)


def to_csv(name: str, content: dict) -> str:
    columns, rows = rows_of(name, content)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])
    return out.getvalue()


def _cell(value):
    # Names come from OPDs and reference data: neutralise spreadsheet formulas, as the XLSX
    # writer does (a leading = + - @ would be run by a spreadsheet that opens the CSV).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _numeric(value):
        return "'" + value
    return value


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _schema(name: str, content: dict) -> dict:
    if name == "ringkasan":
        fields = [{"name": "jumlah_penandaan", "type": "integer"}, *_row_fields(content)[1:]]
        fields += [
            {"name": "apbd_belanja_murni", "type": "number", "title": "Total belanja APBD murni",
             "columnType": "value", "phase": "approved", "direction": "expenditure",
             "currency": "IDR"},
            {"name": "apbd_belanja_perubahan", "type": "number",
             "title": "Total belanja APBD perubahan", "columnType": "value",
             "phase": "adjusted", "direction": "expenditure", "currency": "IDR"},
            {"name": "porsi_apbd_murni_persen", "type": "number"},
            {"name": "porsi_apbd_perubahan_persen", "type": "number"}]
        return {"fields": fields}
    if name == "fase-anggaran":
        return {"fields": [
            {"name": "fase", "type": "string", "constraints": {
                "enum": ["approved", "adjusted", "executed"]}},
            {"name": "cakupan", "type": "string", "constraints": {"enum": ["apbd", "ditandai"]}},
            {"name": "jumlah", "type": "number", "columnType": "value", "currency": "IDR",
             "direction": "expenditure"}]}
    if name in TABLES:
        _, _, code_title, column_type = TABLES[name]
        return {"fields": [
            {"name": "kode", "type": "string", "title": code_title, "columnType": column_type},
            {"name": "nama", "type": "string", "columnType": column_type.replace(":code",
                                                                                  ":label")},
            *_row_fields(content)]}
    if name == "tren":
        return {"fields": [{"name": "triwulan", "type": "integer"},
                           {"name": "kode", "type": "string"}, {"name": "nama", "type": "string"},
                           *_row_fields(content)]}
    if name == "konvergensi":
        return {"fields": [{"name": "kode", "type": "string", "title": AREA_CODES},
                           {"name": "nama", "type": "string"},
                           *({"name": n, "type": "integer"} for n in (
                               "desa_lokus", "desa_terjangkau", "desa_tiga_strategi",
                               "desa_tanpa_intervensi"))]}
    return {"fields": [{"name": "tanggal", "type": "date"}, {"name": "sumber", "type": "string"},
                       {"name": "jumlah", "type": "integer",
                        "title": "Rumah tangga desil 1 (miskin ekstrem) pada snapshot"}]}


def datapackage(content: dict, *, version: str, published_at: str, region: str,
                publisher: str, license_id: str, license_title: str, license_url: str) -> dict:
    year = content["tahun"]
    return {
        "profile": "tabular-data-package",
        "name": f"anggaran-kemiskinan-ekstrem-{year}",
        "title": f"Anggaran kemiskinan ekstrem terverifikasi {region} {year}",
        "description": (
            "Anggaran APBD yang ditandai untuk penghapusan kemiskinan ekstrem dan realisasinya "
            f"yang telah diverifikasi TKPKD, s.d. triwulan {content['triwulan']}. Realisasi "
            "bersifat kumulatif; OPD yang triwulannya belum diverifikasi memakai angka "
            "triwulan terverifikasi terakhirnya."),
        "version": version,
        "created": published_at,
        "lastVerified": content["verifikasi_terakhir"],
        "countryCode": "ID",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "granularity": "aggregated",
        "publisher": publisher,
        "licenses": [{"name": license_id, "title": license_title, "path": license_url}],
        "resources": [
            {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": TABLES[name][1] if name in TABLES else name.replace("-", " ").capitalize(),
             "schema": _schema(name, content)}
            for name in RESOURCES],
    }

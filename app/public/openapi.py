"""The public API's own OpenAPI document, written by hand: four read-only paths, no security
scheme (no token), 429 documented on each."""
NAMES = ("strategi", "kelompok", "opd", "kecamatan", "desa", "tren", "konvergensi",
         "rumah-tangga")

MONEY = {"type": "string", "format": "decimal", "nullable": True,
         "description": "Rupiah dengan dua desimal, mis. \"1234567.50\""}
ROW = {"type": "object", "properties": {
    "kode": {"type": "string"}, "nama": {"type": "string"},
    "jumlah_penandaan": {"type": "integer"}, "ditandai": MONEY, "realisasi": MONEY,
    "serapan_persen": MONEY, "fisik_persen": MONEY, "sasaran": {"type": "integer"},
    "capaian": {"type": "integer"}}}
TOO_MANY = {"description": "Terlalu banyak permintaan dari alamat ini",
            "headers": {"Retry-After": {"schema": {"type": "integer"},
                                        "description": "Detik sampai boleh mencoba lagi"}}}
NOT_FOUND = {"description": "Tahun atau tabel tidak ada, atau portal tidak dibuka"}
YEAR = {"name": "tahun", "in": "path", "required": True, "schema": {"type": "integer"}}
QUARTER = {"name": "triwulan", "in": "query", "required": False,
           "schema": {"type": "integer", "minimum": 1, "maximum": 4},
           "description": "Angka s.d. akhir triwulan ini; kosong: triwulan terverifikasi terakhir"}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Tagar — API publik", "version": "1",
                 "description": "Angka anggaran kemiskinan ekstrem yang telah diverifikasi, "
                                "hanya-baca, tanpa token. Dibatasi per alamat (429)."},
        "paths": {
            "/terbuka/api/tahun": {"get": {
                "summary": "Tahun anggaran yang tersedia",
                "responses": {"200": _ok("Daftar tahun", {"type": "object"}),
                              "429": TOO_MANY}}},
            "/terbuka/api/{tahun}": {"get": {
                "summary": "Seluruh angka terverifikasi satu tahun",
                "parameters": [YEAR, QUARTER],
                "responses": {"200": _ok("Ringkasan, tabel, tren, konvergensi, rumah tangga",
                                         {"type": "object"}),
                              "404": NOT_FOUND, "422": {"description": "triwulan tidak sah"},
                              "429": TOO_MANY}}},
            "/terbuka/api/{tahun}/{tabel}": {"get": {
                "summary": "Satu tabel terverifikasi",
                "parameters": [YEAR, QUARTER, {
                    "name": "tabel", "in": "path", "required": True,
                    "schema": {"type": "string", "enum": list(NAMES)}}],
                "responses": {"200": _ok("Baris tabel dan jumlahnya", {
                    "type": "object", "properties": {
                        "tahun": {"type": "integer"}, "triwulan": {"type": "integer"},
                        "verifikasi_terakhir": {"type": "string", "nullable": True},
                        "baris": {"type": "array", "items": ROW},
                        "jumlah": {"type": "object"}}}),
                    "404": NOT_FOUND, "422": {"description": "triwulan tidak sah"},
                    "429": TOO_MANY}}},
            "/terbuka/api/openapi.json": {"get": {
                "summary": "Dokumen ini",
                "responses": {"200": _ok("OpenAPI 3", {"type": "object"}), "429": TOO_MANY}}},
        },
    }

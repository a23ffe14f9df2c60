"""Issue 17: strategy frameworks. Tags keep their Inpres strategy; a framework's mapping sends
each Inpres strategy to one strategy of it, so a Permendagri 53/2020 rollup or report totals
exactly what the Inpres one does."""
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from app.accounts.api_tokens import create_token
from app.reference.convergence import default_theme
from models import Framework, Strategy, StrategyMapping, db
from reports.content.kemenko import build_content, resolve_options
from reports.queries import rollup
from reports.queries.frameworks import UNMAPPED, framework_of, rollup_by_framework
from reports.queries.rollup import RollupFilter

YEAR = 2037


@pytest.fixture
def world(make):
    fy = make.fiscal_year(YEAR)
    sa = make.sub_activity(make.opd(), fy, allocation="90000000")
    tags = [make.tag(sa, "10000000", 1), make.tag(sa, "20000000", 2),
            make.tag(sa, "30000000", 3), make.tag(sa, "5000000", 3)]
    q2 = make.quarter(fy, 2)
    for t, amount in zip(tags, ("1000000", "2000000", "3000000", "500000"), strict=True):
        make.realization(t, q2, amount, "50", 3)
    db.session.flush()
    return dict(fy=fy, sa=sa, tags=tags)


def _permendagri():
    return framework_of("permendagri_53_2020")


def test_permendagri_rollup_totals_equal_the_inpres_rollup(world):
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=2)
    rows = rollup_by_framework(f, _permendagri().id)
    assert [r.key for r in rows] == [1, 2, 3, 4]
    by_code = {r.key: r for r in rows}
    # Inpres 3 (kantong kemiskinan) -> Permendagri 4 (sinergi); nothing maps to 3 (UMK).
    assert by_code[4].tagged == Decimal("35000000.00") and by_code[4].tags == 2
    assert by_code[3].tagged == Decimal("0.00")
    total = rollup.total(f)
    assert sum(r.tagged for r in rows) == total.tagged
    assert sum(r.realized for r in rows) == total.realized
    assert sum(r.reached for r in rows) == total.reached
    # The default framework is the strategy rollup itself.
    inpres = rollup_by_framework(f, framework_of(None).id)
    assert [(r.key, r.tagged, r.realized) for r in inpres] == [
        (int(r.code), r.tagged, r.realized) for r in rollup.rollup(f, "strategy")]


def test_an_unmapped_strategy_shows_as_its_own_row_so_totals_hold(world):
    fw = _permendagri()
    s3 = db.session.scalar(select(Strategy.id).where(Strategy.code == 3))
    db.session.execute(delete(StrategyMapping).where(StrategyMapping.framework_id == fw.id,
                                                     StrategyMapping.strategy_id == s3))
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=2)
    rows = rollup_by_framework(f, fw.id)
    assert rows[-1].key is None and rows[-1].label == UNMAPPED
    assert sum(r.tagged for r in rows) == rollup.total(f).tagged


def test_the_permendagri_report_totals_equal_the_inpres_report(world):
    options = dict(quarter=2, include_unverified=True)
    inpres = build_content(resolve_options(YEAR, "quarterly", **options))
    perm = build_content(resolve_options(YEAR, "quarterly", framework="permendagri_53_2020",
                                         **options))
    assert perm.total == inpres.total
    assert perm.matrix_total == inpres.matrix_total
    assert sum(r.tagged for r in perm.by_strategy) == sum(r.tagged for r in inpres.by_strategy)
    assert [r.code for r in perm.by_strategy] == ["1", "2", "3", "4"]
    assert [r.code for r in inpres.by_strategy] == ["1", "2", "3"]
    labels = {row.values[1] for row in perm.matrix}
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in " ".join(
        map(str, labels))


def test_frameworks_page_and_api(client, make, login, world):
    login(make.user("viewer"))
    html = client.get(f"/konvergensi/kerangka?tahun={YEAR}&triwulan=2"
                      "&kerangka=permendagri_53_2020").get_data(as_text=True)
    assert "Mensinergikan kebijakan" in html and "Rp 35.000.000" in html
    assert "Rp 65.000.000" in html  # the total
    assert client.get(f"/konvergensi/kerangka?tahun={YEAR}&kerangka=tidak-ada").status_code == 404
    _, secret = create_token(make.user("viewer"), "uji")
    headers = {"Authorization": f"Bearer {secret}"}
    data = client.get(f"/api/v1/rollups?year={YEAR}&quarter=2&by=strategy"
                      "&framework=permendagri_53_2020", headers=headers).get_json()
    assert [r["code"] for r in data["rows"]] == ["1", "2", "3", "4"]
    assert data["total"]["tagged"] == "65000000.00"
    resp = client.get(f"/api/v1/rollups?year={YEAR}&by=opd&framework=permendagri_53_2020",
                      headers=headers)
    assert resp.status_code == 422
    resp = client.get(f"/api/v1/rollups?year={YEAR}&framework=x", headers=headers)
    assert resp.status_code == 422
    assert db.session.scalar(select(Framework.id).where(Framework.is_default)) is not None


def _report_post(client, **data):
    from tests import report_data

    form = {"variant": "quarterly", "year": report_data.YEAR, "quarter": 3, "semester": 1,
            "opd_id": 0, "fmt": "xlsx", "number": "", "include_unverified": "y"}
    form.update(data)
    return client.post("/laporan/", data=form)


def test_report_page_builds_the_permendagri_report_with_the_other_sources_annex(
        client, make, login):
    from io import BytesIO

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from models import OtherIntervention, ReportBuild
    from tests import report_data

    fy_id = report_data.build().fy.id
    village = make.village()
    db.session.add(OtherIntervention(
        fiscal_year_id=fy_id, village_id=village.id,
        strategy_id=db.session.scalar(select(Strategy.id).where(Strategy.code == 2)),
        source_kind="baznas", provider_name="BAZNAS Kabupaten",
        amount_planned=Decimal("4500000")))
    login(make.user("secretariat"))
    page = client.get("/laporan/").get_data(as_text=True)
    assert "Permendagri 53/2020" in page and "Kemiskinan Ekstrem" in page
    resp = _report_post(client, framework="permendagri_53_2020")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1500]
    wb = load_workbook(BytesIO(resp.data))
    summary = " ".join(str(c.value) for row in wb["Ringkasan"].iter_rows() for c in row
                       if c.value is not None)
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in summary
    other = [[c.value for c in row] for row in wb["Sumber Lain"].iter_rows()]
    assert any("BAZNAS / LAZ" in row for row in other)
    build = db.session.scalar(select(ReportBuild).order_by(ReportBuild.id.desc()).limit(1))
    assert build.framework_code == "permendagri_53_2020"
    resp = _report_post(client, fmt="pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(resp.data)).pages)
    assert "Sumber Dana Lain di Desa" in text and "Rp 4.500.000" in text
    resp = _report_post(client, framework="tidak-ada")  # a tampered choice: the form again
    assert resp.status_code == 200 and resp.mimetype == "text/html"


def test_cli_report_in_permendagri(app, tmp_path):
    from openpyxl import load_workbook

    from tests import report_data

    report_data.build()
    xlsx = tmp_path / "r.xlsx"
    result = app.test_cli_runner().invoke(args=[
        "report", "kemenko", "--year", str(report_data.YEAR), "--quarter", "3",
        "--framework", "permendagri_53_2020", "--include-unverified", "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    cells = [c.value for row in load_workbook(xlsx)["Ringkasan"].iter_rows() for c in row]
    assert "Mensinergikan kebijakan dan program penanggulangan kemiskinan" in " ".join(
        str(c) for c in cells if c)
    bad = app.test_cli_runner().invoke(args=[
        "report", "kemenko", "--year", str(report_data.YEAR), "--quarter", "3",
        "--theme", "tidak_ada", "--xlsx", str(xlsx)])
    assert bad.exit_code != 0 and "Tema tidak_ada tidak ada." in bad.output


def _pdftotext(data: bytes, tmp_path) -> str:
    import subprocess

    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.skipif(__import__("shutil").which("pdftotext") is None,
                    reason="poppler-utils not installed")
def test_the_report_names_a_non_default_theme_and_framework_in_pdf_and_xlsx(tmp_path):
    from datetime import date
    from io import BytesIO

    from openpyxl import load_workbook

    from app.budget.services import themes
    from reports.pdf.kemenko import build_pdf
    from reports.xlsx.kemenko import build_xlsx
    from tests import report_data

    report_data.build()
    stunting = themes.create_theme("Stunting")
    options = dict(quarter=3, include_unverified=True, fixed_date=date(2077, 10, 20))
    chosen = build_content(resolve_options(report_data.YEAR, theme_id=stunting.id,
                                           framework="permendagri_53_2020", **options))
    assert chosen.scope_line == "Tema: Stunting · Kerangka: Permendagri 53/2020"
    data = build_pdf(chosen).data
    assert "Tema: Stunting · Kerangka: Permendagri 53/2020" in _pdftotext(data, tmp_path)
    from pypdf import PdfReader

    assert PdfReader(BytesIO(data)).metadata.subject == (
        "Triwulan III Tahun 2077 · Tema: Stunting · Kerangka: Permendagri 53/2020")
    wb = load_workbook(BytesIO(build_xlsx(chosen)))
    for sheet in ("Ringkasan", "Matriks", "Lokus"):
        ws = next(wb[n] for n in wb.sheetnames if n.startswith(sheet))
        assert ws["A2"].value.endswith(" · Tema: Stunting · Kerangka: Permendagri 53/2020")
    # Only the framework chosen: only it is named.
    fw_only = build_content(resolve_options(report_data.YEAR,
                                            framework="permendagri_53_2020", **options))
    text = _pdftotext(build_pdf(fw_only).data, tmp_path)
    assert "Kerangka: Permendagri 53/2020" in text and "Tema:" not in text
    # The defaults (every tag or Kemiskinan Ekstrem, Inpres) name neither.
    for theme_id in (None, default_theme().id):
        plain = build_content(resolve_options(report_data.YEAR, theme_id=theme_id,
                                              framework="inpres", **options))
        assert plain.scope_line == ""
        text = _pdftotext(build_pdf(plain).data, tmp_path)
        assert "Tema:" not in text and "Kerangka:" not in text
        ws = load_workbook(BytesIO(build_xlsx(plain)))["Ringkasan"]
        assert ws["A2"].value == plain.pemda.name


# --- the admin's mapping screen ------------------------------------------------------------

def _ids(fw):
    inpres = {s.code: s.id for s in db.session.scalars(select(Strategy))}
    return inpres, {s.code: s.id for s in fw.strategies}


def _mapping_form(client, fw):
    from app.budget.services import framework_mapping

    inpres, _ = _ids(fw)
    stored = framework_mapping.current(fw.id)
    return {"version": framework_mapping.fingerprint(stored),
            **{f"strategi_{sid}": str(stored.get(sid, "")) for sid in inpres.values()}}


def test_admin_remaps_a_strategy_audited_and_totals_stay_equal(client, make, login, world):
    from models import AuditLog

    fw = _permendagri()
    inpres, target = _ids(fw)
    login(make.user("admin"))
    page = client.get("/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'name="strategi_{inpres[3]}"' in html and "Mensinergikan kebijakan" in html
    form = _mapping_form(client, fw)
    form[f"strategi_{inpres[3]}"] = str(target[3])  # kantong kemiskinan -> usaha mikro (UMK)
    resp = client.post("/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020", data=form)
    assert resp.status_code == 303
    f = RollupFilter(fiscal_year_id=world["fy"].id, quarter=2)
    by_code = {r.key: r for r in rollup_by_framework(f, fw.id)}
    assert by_code[3].tagged == Decimal("35000000.00") and by_code[4].tagged == 0
    assert sum(r.tagged for r in by_code.values()) == rollup.total(f).tagged
    assert sum(r.realized for r in by_code.values()) == rollup.total(f).realized
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "framework")
                              .order_by(AuditLog.id.desc()).limit(1))
    assert entry.entity_id == fw.id and entry.action == "update"
    assert entry.old_values == {"mapping": {"1": 1, "2": 2, "3": 4}}
    assert entry.new_values == {"mapping": {"1": 1, "2": 2, "3": 3}}
    # Saving the same mapping again changes and audits nothing.
    count = db.session.scalar(select(func.count(AuditLog.id)))
    resp = client.post("/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020",
                       data=_mapping_form(client, fw))
    assert resp.status_code == 303
    assert db.session.scalar(select(func.count(AuditLog.id))) == count


def test_a_stale_mapping_edit_is_refused_and_changes_nothing(client, make, login, world):
    fw = _permendagri()
    inpres, target = _ids(fw)
    login(make.user("admin"))
    opened = _mapping_form(client, fw)  # the form as the first admin opened it
    second = dict(opened, **{f"strategi_{inpres[3]}": str(target[3])})
    url = "/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020"
    assert client.post(url, data=second).status_code == 303
    first = dict(opened, **{f"strategi_{inpres[2]}": str(target[1])})
    resp = client.post(url, data=first)
    assert resp.status_code == 409
    assert "telah diubah oleh pengguna lain" in resp.get_data(as_text=True)
    from app.budget.services import framework_mapping

    assert framework_mapping.current(fw.id) == {
        inpres[1]: target[1], inpres[2]: target[2], inpres[3]: target[3]}


@pytest.mark.parametrize("bad", ["", "x", "foreign", "999999"])
def test_every_inpres_strategy_needs_one_target_of_this_framework(client, make, login, world,
                                                                  bad):
    fw = _permendagri()
    inpres, _ = _ids(fw)
    before = {m.strategy_id: m.framework_strategy_id for m in db.session.scalars(
        select(StrategyMapping).where(StrategyMapping.framework_id == fw.id))}
    login(make.user("admin"))
    if bad == "foreign":  # a strategy of the Inpres framework, not of Permendagri 53/2020
        bad = str(framework_of(None).strategies[0].id)
    form = dict(_mapping_form(client, fw), **{f"strategi_{inpres[2]}": bad})
    resp = client.post("/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020", data=form)
    assert resp.status_code == 422
    assert "tepat satu strategi" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert {m.strategy_id: m.framework_strategy_id for m in db.session.scalars(
        select(StrategyMapping).where(StrategyMapping.framework_id == fw.id))} == before


def test_an_unmapped_strategy_is_mapped_from_the_screen(client, make, login, world):
    fw = _permendagri()
    inpres, target = _ids(fw)
    db.session.execute(delete(StrategyMapping).where(StrategyMapping.framework_id == fw.id,
                                                     StrategyMapping.strategy_id == inpres[3]))
    login(make.user("admin"))
    url = "/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020"
    assert "— pilih —" in client.get(url).get_data(as_text=True)
    form = _mapping_form(client, fw)
    assert client.post(url, data=form).status_code == 422  # still unmapped: refused
    form[f"strategi_{inpres[3]}"] = str(target[4])
    assert client.post(url, data=form).status_code == 303
    rows = rollup_by_framework(RollupFilter(fiscal_year_id=world["fy"].id, quarter=2), fw.id)
    assert UNMAPPED not in [r.label for r in rows]


def test_the_default_framework_has_no_mapping_screen_and_others_may_not_edit(
        client, make, login, world):
    login(make.user("admin"))
    assert client.get("/konvergensi/kerangka/pemetaan?kerangka=inpres").status_code == 404
    assert client.get("/konvergensi/kerangka/pemetaan").status_code == 404
    page = client.get(f"/konvergensi/kerangka?tahun={YEAR}&kerangka=permendagri_53_2020")
    assert "Ubah pemetaan" in page.get_data(as_text=True)
    assert "Ubah pemetaan" not in client.get(
        f"/konvergensi/kerangka?tahun={YEAR}").get_data(as_text=True)
    login(make.user("secretariat"))
    page = client.get(f"/konvergensi/kerangka?tahun={YEAR}&kerangka=permendagri_53_2020")
    assert "Ubah pemetaan" not in page.get_data(as_text=True)
    assert client.get("/konvergensi/kerangka/pemetaan?kerangka=permendagri_53_2020"
                      ).status_code == 403


def test_frameworks_page_downloads_its_tables_as_xlsx(client, make, login, world):
    from io import BytesIO

    from openpyxl import load_workbook

    login(make.user("viewer"))
    page = client.get(f"/konvergensi/kerangka?tahun={YEAR}&triwulan=2"
                      "&kerangka=permendagri_53_2020").get_data(as_text=True)
    assert "format=xlsx" in page
    resp = client.get(f"/konvergensi/kerangka?tahun={YEAR}&triwulan=2"
                      "&kerangka=permendagri_53_2020&format=xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(BytesIO(resp.data))
    assert wb.sheetnames == ["Rekap", "Pemetaan"]
    rows = [[c.value for c in r] for r in wb["Rekap"].iter_rows()]
    by_code = {r[0]: r for r in rows if r[0] in ("1", "2", "3", "4")}
    assert Decimal(str(by_code["4"][3])) == Decimal("35000000")
    total = next(r for r in rows if r[1] == "Jumlah")
    assert Decimal(str(total[3])) == Decimal("65000000")
    assert ["Kerangka:", "Permendagri 53/2020"] == [rows[3][0], rows[3][1]]
    mapping = [[c.value for c in r] for r in wb["Pemetaan"].iter_rows()][-3:]
    assert [(r[0], r[2]) for r in mapping] == [(1, 1), (2, 2), (3, 4)]


def test_a_mapping_save_takes_the_framework_row_lock(world):
    """Two saves at once: the second waits on the framework row until the first commits, then
    reads the new mapping and is refused as stale. Shown on PostgreSQL by holding the lock from
    another connection: the save cannot pass it (SQLite serialises writers by itself)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from app.budget.services import framework_mapping

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    fw = _permendagri()
    stored = framework_mapping.current(fw.id)
    other = db.engine.connect()
    try:
        other.execute(text("SELECT id FROM framework WHERE id = :id FOR UPDATE"), {"id": fw.id})
        db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            framework_mapping.save(fw, stored, framework_mapping.fingerprint(stored))
    finally:
        other.rollback()
        other.close()

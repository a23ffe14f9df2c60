"""Household coverage (issue 16): BNBA import by keyed hash, beneficiary lists per tag and
quarter, the coverage rollups, cek NIK and the realization's reached count from a list."""
import io
import re

import pytest
from sqlalchemy import func, select

from app.coverage import keys
from models import (
    AuditLog,
    BeneficiaryHousehold,
    BeneficiaryList,
    Household,
    HouseholdMember,
    HouseholdSnapshot,
    ImportJob,
    Realization,
    SnapshotVillageCount,
    db,
)
from reports.queries import coverage as report

from . import coverage_files as cf

YEAR = 2026


@pytest.fixture
def world(make):
    """Two desa of one kecamatan, a third elsewhere; OPD A (strategy 1 "Uang", strategy 2)
    and OPD B (strategy 1 "uang ", strategy 3); families 1-5 desil 1, family 6 desil 2,
    two members each (member 2f-1 and 2f of family f)."""
    fy = make.fiscal_year(YEAR)
    dist = make.district()
    v1, v2, v3 = make.village(dist), make.village(dist), make.village()
    opd_a, opd_b = make.opd(), make.opd()
    t_a1 = make.tag(make.sub_activity(opd_a, fy), strategy_code=1, aid_type="Uang")
    t_a2 = make.tag(make.sub_activity(opd_a, fy), strategy_code=2, aid_type="Jasa")
    t_b1 = make.tag(make.sub_activity(opd_b, fy), strategy_code=1, aid_type="uang ")
    t_b3 = make.tag(make.sub_activity(opd_b, fy), strategy_code=3, aid_type="")
    users = {"sec": make.user("secretariat"), "viewer": make.user("viewer"),
             "a": make.user("opd", opd_obj=opd_a), "b": make.user("opd", opd_obj=opd_b)}
    families = {1: v1, 2: v1, 3: v1, 4: v2, 5: v2, 6: v3}
    rows = [cf.member(2 * f - 1 + k, f, v, 2 if f == 6 else 1)
            for f, v in families.items() for k in (0, 1)]
    return {"fy": fy, "villages": (v1, v2, v3), "tags": {"a1": t_a1, "a2": t_a2, "b1": t_b1,
                                                          "b3": t_b3},
            "users": users, "rows": rows, "district": dist}


def preview_bnba(client, data: bytes, filename="bnba.csv", taken_on="2026-01-31",
                 source="DTSEN", **cols):
    form = {"source": source, "taken_on": taken_on, "file": (io.BytesIO(data), filename),
            **{f"col_{k}": str(v) for k, v in cols.items()}}
    return client.post("/cakupan/bnba", data=form, content_type="multipart/form-data")


def token_of(resp) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      resp.get_data(as_text=True))
    assert found, resp.get_data(as_text=True)[:3000]
    return found[1]


def import_bnba(client, rows, **kw):
    resp = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, rows), **kw)
    assert resp.status_code == 200
    return client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)})


def upload_list(client, tag, quarter, member_ids, extra=(), fmt="csv", col=None):
    rows = cf.beneficiary_rows(member_ids) + [list(r) for r in extra]
    build = cf.csv_bytes if fmt == "csv" else cf.xlsx_bytes
    form = {"quarter": str(quarter),
            "file": (io.BytesIO(build(cf.LIST_HEADER, rows)), f"penerima.{fmt}")}
    if col is not None:
        form["col_nik"] = str(col)
    resp = client.post(f"/cakupan/penerima/{tag.id}", data=form,
                       content_type="multipart/form-data")
    assert resp.status_code == 200, resp.status_code
    return resp


def save_list(client, tag, quarter, member_ids, **kw):
    resp = upload_list(client, tag, quarter, member_ids, **kw)
    return client.post(f"/cakupan/penerima/{tag.id}/simpan", data={"token": token_of(resp)})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# --- BNBA import -----------------------------------------------------------------------------

def test_bnba_import_stores_households_by_hash(client, login, world):
    login(world["users"]["sec"])
    resp = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, world["rows"]))
    page = resp.get_data(as_text=True)
    assert "12 anggota dalam 6 rumah tangga" in page
    assert count(Household) == 0  # a preview writes nothing
    resp = client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)})
    assert resp.status_code == 303
    snap = db.session.scalar(select(HouseholdSnapshot))
    assert (snap.households, snap.members, snap.desil1_households) == (6, 12, 5)
    assert count(Household) == 6 and count(HouseholdMember) == 12
    key = keys.household_key()
    expected = keys.Hasher(key)(keys.FAMILY, cf.kk(1))
    household = db.session.scalar(select(Household).where(Household.hash == expected))
    assert household.desil == 1 and household.village_id == world["villages"][0].id
    members = set(db.session.scalars(select(HouseholdMember.hash).where(
        HouseholdMember.household_id == household.id)))
    assert members == {keys.Hasher(key)(keys.MEMBER, cf.nik(i)) for i in (1, 2)}
    per_desa = dict(db.session.execute(select(SnapshotVillageCount.village_id,
                                              SnapshotVillageCount.households)
                                       .where(SnapshotVillageCount.desil == 1)).all())
    v1, v2, _ = world["villages"]
    assert per_desa == {v1.id: 3, v2.id: 2}
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.entity == "household_snapshot")).new_values["households"] == 6


def test_xlsx_extract_and_refused_rows(client, login, world):
    login(world["users"]["sec"])
    v1 = world["villages"][0]
    bad = [[90, "3299 0000 0000 0090", "Baik Bertitik", cf.kk(90), v1.code, v1.name,
            v1.district.name, 1, ""],  # spaces are separators: accepted
           [91, "12345", "Pendek", cf.kk(91), v1.code, v1.name, "", 1, ""],
           [92, cf.nik(92), "Desil Salah", cf.kk(92), v1.code, v1.name, "", 11, ""],
           [93, cf.nik(93), "Desa Asing", cf.kk(93), "99.99.99.9999", "Tiada", "", 1, ""],
           [94, cf.nik(1), "Ganda", cf.kk(1), v1.code, v1.name, "", 1, ""]]
    resp = preview_bnba(client, cf.xlsx_bytes(cf.BNBA_HEADER, world["rows"] + bad),
                        filename="bnba.xlsx")
    page = resp.get_data(as_text=True)
    assert "13 anggota dalam 7 rumah tangga; 4 baris ditolak" in page
    for reason in ("NIK tidak 16 digit", "desil kosong atau di luar 1-10", "desa tidak dikenal",
                   "NIK ganda"):
        assert reason in page


def test_columns_chosen_in_the_preview(client, login, world):
    """Headers the reader cannot guess: the preview asks for the columns, which are then
    chosen (by index) with the file sent again."""
    login(world["users"]["sec"])
    header = ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
    data = cf.csv_bytes(header, world["rows"])
    page = preview_bnba(client, data).get_data(as_text=True)
    assert "tidak ditemukan" in page
    resp = preview_bnba(client, data, nik=1, kk=3, code=4, desil=7)
    assert "12 anggota dalam 6 rumah tangga" in resp.get_data(as_text=True)
    assert '<option selected value="1">2. B</option>' in resp.get_data(as_text=True)


def test_new_extract_updates_desil_membership_and_keeps_the_trend(client, login, world):
    login(world["users"]["sec"])
    assert import_bnba(client, world["rows"]).status_code == 303
    v1 = world["villages"][0]
    rows = [r for r in world["rows"] if r[0] not in (3, 4)]  # family 2 left the BNBA
    rows = [r[:7] + [2] + r[8:] if r[3] == cf.kk(1) else r for r in rows]  # family 1: desil 2
    rows.append(cf.member(5, 1, v1, 2))  # member 5 moved from family 3 to family 1
    rows = [r for r in rows if not (r[0] == 5 and r[3] == cf.kk(3))]
    assert import_bnba(client, rows, taken_on="2026-07-31").status_code == 303
    snaps = db.session.scalars(select(HouseholdSnapshot).order_by(HouseholdSnapshot.id)).all()
    assert [s.desil1_households for s in snaps] == [5, 3]
    h = keys.Hasher(keys.household_key())
    fam1 = db.session.scalar(select(Household).where(Household.hash == h(keys.FAMILY,
                                                                         cf.kk(1))))
    assert fam1.desil == 2 and fam1.snapshot_id == snaps[1].id
    moved = db.session.scalar(select(HouseholdMember).where(
        HouseholdMember.hash == h(keys.MEMBER, cf.nik(5))))
    assert moved.household_id == fam1.id
    gone = db.session.scalar(select(Household).where(Household.hash == h(keys.FAMILY,
                                                                        cf.kk(2))))
    assert gone.snapshot_id == snaps[0].id  # kept, no longer counted
    assert db.session.scalar(select(func.count(HouseholdMember.id)).where(
        HouseholdMember.household_id == gone.id)) == 0
    trend = report.trend()
    assert [p.desil1 for p in trend] == [5, 3]
    assert [p.desil1 for p in report.trend(world["district"].id)] == [5, 3]
    page = client.get(f"/cakupan/?tahun={YEAR}").get_data(as_text=True)
    assert "Tren rumah tangga desil 1" in page and "Per desa" in page


def test_import_can_update_the_lokus_counts_too(client, login, world):
    from models import VillageYear

    login(world["users"]["sec"])
    resp = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, world["rows"]))
    assert re.search(r'<input checked id="update_lokus" name="update_lokus" type="checkbox"',
                     resp.get_data(as_text=True))  # on by default
    client.post("/cakupan/bnba/simpan", data={"token": token_of(resp), "update_lokus": "y"})
    v1, v2, v3 = world["villages"]
    got = dict(db.session.execute(select(VillageYear.village_id, VillageYear.desil1_households)
                                  .where(VillageYear.fiscal_year_id == world["fy"].id)).all())
    assert got == {v1.id: 3, v2.id: 2, v3.id: 0}
    assert count(HouseholdSnapshot) == 1


def test_large_import_runs_as_a_job(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 5)
    login(world["users"]["sec"])
    resp = import_bnba(client, world["rows"])
    assert resp.status_code == 303 and "/cakupan/bnba/pekerjaan/" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in page and "6 rumah tangga" in page
    assert count(Household) == 6
    staged = db.session.scalar(select(ImportJob).where(ImportJob.kind == "bnba"))
    assert staged.data is None and staged.payload is None  # the hashes leave with the job


def test_import_refused_without_key_in_production(app, client, login, world, monkeypatch,
                                                  tmp_path):
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY", "")
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY_FILE", str(tmp_path / "household.key"))
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY_CREATE", False)
    login(world["users"]["sec"])
    page = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, world["rows"])).get_data(
        as_text=True)
    assert "Kunci hash rumah tangga belum dipasang" in page
    assert not (tmp_path / "household.key").exists()
    assert count(Household) == 0


def test_key_file_made_on_first_use_in_development(app, monkeypatch, tmp_path):
    path = tmp_path / "inst" / "household.key"
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY", "")
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY_FILE", str(path))
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY_CREATE", True)
    first = keys.household_key()
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.household_key() == first and len(first) >= keys.MIN_KEY_CHARS


def test_keygen_refuses_to_overwrite(app, monkeypatch, tmp_path):
    path = tmp_path / "household.key"
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY_FILE", str(path))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coverage", "keygen"])
    assert result.exit_code == 0 and path.exists()
    before = path.read_text()
    result = runner.invoke(args=["coverage", "keygen"])
    assert result.exit_code != 0 and "sudah ada" in result.output
    assert path.read_text() == before


def test_cli_import_of_a_large_extract(app, world, tmp_path):
    from models import VillageYear

    path = tmp_path / "bnba.xlsx"
    path.write_bytes(cf.xlsx_bytes(cf.BNBA_HEADER, world["rows"]))
    result = app.test_cli_runner().invoke(args=[
        "coverage", "import-bnba", str(path), "--source", "P3KE", "--date", "2026-04-30",
        "--lokus-year", str(YEAR)])
    assert result.exit_code == 0, result.output
    assert "6 rumah tangga (5 desil 1), 12 anggota" in result.output
    assert cf.nik(1) not in result.output and cf.name(1) not in result.output
    assert count(Household) == 6
    assert db.session.scalar(select(func.sum(VillageYear.desil1_households)).where(
        VillageYear.fiscal_year_id == world["fy"].id)) == 5
    result = app.test_cli_runner().invoke(args=[
        "coverage", "import-bnba", str(path), "--source", "P3KE", "--date", "kemarin"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


def test_prefixes_let_the_pemda_find_unreached_households(app, client, login, world,
                                                         tmp_path):
    """The secretariat's list shows a hash prefix; `flask coverage prefixes` appends the same
    prefix to the pemda's own file, so the household can be found there."""
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    page = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}").get_data(as_text=True)
    shown = set(re.findall(r'<td class="code">([0-9a-f]{12})</td>', page))
    source, output = tmp_path / "bnba.csv", tmp_path / "bnba-hash.csv"
    source.write_bytes(cf.csv_bytes(cf.BNBA_HEADER, world["rows"]))
    result = app.test_cli_runner().invoke(args=["coverage", "prefixes", str(source),
                                                str(output)])
    assert result.exit_code == 0, result.output
    lines = output.read_text().splitlines()
    assert lines[0].endswith(";awalan_hash_rumah_tangga") and len(lines) == 13
    by_kk = {line.split(";")[3]: line.split(";")[-1] for line in lines[1:]}
    assert {by_kk[cf.kk(f)] for f in (1, 2, 3, 4, 5)} == shown  # desil-1 families, none reached


@pytest.mark.parametrize("raw,expected", [
    ("3299000000000001", "3299000000000001"), ("3299.0000.0000.0001", "3299000000000001"),
    (" 3299 0000 0000 0001 ", "3299000000000001"), (3299000000000001, "3299000000000001"),
    (3299000000000001.0, "3299000000000001"), ("329900000000001", None), ("0" * 16, None),
    ("3299x00000000001", None), (None, None), (True, None), (1.5, None)])
def test_nik_normalisation(raw, expected):
    assert keys.normalise(raw) == expected


# --- beneficiary lists and coverage ------------------------------------------------------------

def test_beneficiary_list_matches_households_and_counts_the_rest(client, login, world):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    login(world["users"]["a"])
    tag = world["tags"]["a1"]
    outsider = [[99, "Orang Luar", cf.nik(500), "-"], [100, "Salah", "123", "-"],
                [101, "Ulang", cf.nik(1), "-"]]
    resp = upload_list(client, tag, 2, [1, 2, 3], extra=outsider, fmt="xlsx")
    page = resp.get_data(as_text=True)
    assert count(BeneficiaryList) == 0
    assert re.search(r"Rumah tangga cocok</th><td class=\"num\">2<", page)
    resp = client.post(f"/cakupan/penerima/{tag.id}/simpan", data={"token": token_of(resp)})
    assert resp.status_code == 303
    bl = db.session.scalar(select(BeneficiaryList))
    assert (bl.rows, bl.invalid, bl.duplicates, bl.matched_members, bl.matched_households,
            bl.unmatched) == (6, 1, 1, 3, 2, 1)
    assert bl.opd_id == tag.opd_id and count(BeneficiaryHousehold) == 2
    # a new upload for the same quarter replaces the list
    save_list(client, tag, 2, [7])
    assert count(BeneficiaryList) == 1 and count(BeneficiaryHousehold) == 1


def test_list_preview_stale_after_a_new_extract(client, login, world):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    login(world["users"]["a"])
    tag = world["tags"]["a1"]
    token = token_of(upload_list(client, tag, 1, [1, 2, 3]))
    login(world["users"]["sec"])
    import_bnba(client, world["rows"], taken_on="2026-05-31")  # households may have changed
    login(world["users"]["a"])
    resp = client.post(f"/cakupan/penerima/{tag.id}/simpan", data={"token": token},
                       follow_redirects=True)
    assert "Data BNBA diperbarui sejak pratinjau" in resp.get_data(as_text=True)
    assert count(BeneficiaryList) == 0 and count(BeneficiaryHousehold) == 0


def test_other_opd_and_viewer_cannot_upload(client, login, world):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    tag = world["tags"]["a1"]
    for who in ("b", "viewer"):
        login(world["users"][who])
        form = {"quarter": "1", "file": (io.BytesIO(b"NIK\n3299000000000001\n"), "p.csv")}
        resp = client.post(f"/cakupan/penerima/{tag.id}", data=form,
                           content_type="multipart/form-data")
        assert resp.status_code == 403
    assert count(BeneficiaryList) == 0


def test_list_refused_before_any_bnba(client, login, world):
    login(world["users"]["a"])
    page = upload_list(client, world["tags"]["a1"], 1, [1]).get_data(as_text=True)
    assert "Belum ada data BNBA" in page


def _coverage_world(client, login, world):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    t = world["tags"]
    login(world["users"]["a"])
    save_list(client, t["a1"], 1, [1, 3])       # families 1, 2: strategy 1 (A, "Uang")
    save_list(client, t["a2"], 2, [1])          # family 1: strategy 2
    save_list(client, t["a2"], 4, [7])          # family 4, but only from TW IV
    login(world["users"]["b"])
    save_list(client, t["b1"], 1, [2, 11])      # family 1 again (B, "uang "), family 6 desil 2
    save_list(client, t["b3"], 2, [1])          # family 1: strategy 3 (no jenis bantuan)


def test_coverage_pages_by_role(client, login, world):
    _coverage_world(client, login, world)
    for who in ("sec", "viewer", "a"):
        login(world["users"][who])
        page = client.get(f"/cakupan/?tahun={YEAR}&triwulan=3").get_data(as_text=True)
        assert "Per kecamatan" in page and "Bantuan sejenis" in page
        assert "Belum terjangkau" in page if who == "sec" else "Belum terjangkau" not in page
    login(world["users"]["sec"])
    page = client.get(f"/cakupan/belum-terjangkau?tahun={YEAR}&triwulan=3").get_data(
        as_text=True)
    h = keys.Hasher(keys.household_key())
    assert h(keys.FAMILY, cf.kk(3)).hex()[:12] in page
    assert h(keys.FAMILY, cf.kk(1)).hex()[:12] not in page
    for who in ("viewer", "a"):
        login(world["users"][who])
        assert client.get("/cakupan/belum-terjangkau").status_code == 403
        assert client.get("/cakupan/cek-nik").status_code == 403


# --- cek NIK and realization ---------------------------------------------------------------------

def test_check_nik_shows_household_and_audits_without_nik(client, login, world):
    _coverage_world(client, login, world)
    login(world["users"]["sec"])
    resp = client.post("/cakupan/cek-nik", data={"nik": "3299.0000.0000.0002"})
    page = resp.get_data(as_text=True)
    assert "<th>Desil</th><td>1</td>" in page and world["villages"][0].name in page
    assert page.count("<tr><td>2026</td>") == 4  # a1, a2, b1, b3
    assert cf.nik(2) not in page and "3299.0000.0000.0002" not in page
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "lookup"))
    assert entry.new_values["found"] is True and len(entry.new_values["hash_prefix"]) == 12
    assert cf.nik(2) not in str(entry.new_values) + entry.note
    page = client.post("/cakupan/cek-nik", data={"nik": cf.nik(777)}).get_data(as_text=True)
    assert "tidak terdapat" in page
    page = client.post("/cakupan/cek-nik", data={"nik": "12ab"}).get_data(as_text=True)
    assert "NIK harus 16 digit" in page


def test_reached_count_taken_from_the_lists(client, login, world, make):
    _coverage_world(client, login, world)
    tag = world["tags"]["a2"]
    fy = world["fy"]
    make.realization(tag, make.quarter(fy, 4), amount="700000", progress="40", reached=0)
    login(world["users"]["a"])
    resp = client.post(f"/cakupan/penerima/{tag.id}/realisasi", data={"quarter": "4"})
    assert resp.status_code == 303
    r = db.session.scalar(select(Realization).where(Realization.tag_id == tag.id))
    assert r.reached_count == 2 and r.amount == 700000  # families 1 (TW II) and 4 (TW IV)
    resp = client.post(f"/cakupan/penerima/{tag.id}/realisasi", data={"quarter": "2"})
    r2 = db.session.scalar(select(Realization).where(Realization.tag_id == tag.id,
                                                     Realization.quarter_id == make.quarter(
                                                         fy, 2).id))
    assert r2.reached_count == 1 and r2.amount == 0
    login(world["users"]["b"])
    assert client.post(f"/cakupan/penerima/{tag.id}/realisasi",
                       data={"quarter": "2"}).status_code == 403


def test_realization_sheet_links_to_the_lists(client, login, world):
    login(world["users"]["a"])
    opd_id = world["tags"]["a1"].opd_id
    page = client.get(f"/realisasi/?opd={opd_id}&tahun={YEAR}&triwulan=2").get_data(
        as_text=True)
    assert f"/cakupan/penerima?tahun={YEAR}&amp;opd={opd_id}" in page
    page = client.get(f"/cakupan/penerima?tahun={YEAR}").get_data(as_text=True)
    assert f'href="/cakupan/penerima/{world["tags"]["a1"].id}"' in page
    assert f'href="/cakupan/penerima/{world["tags"]["b1"].id}"' not in page  # B's tags


# --- hostile and stale input ---------------------------------------------------------------------

def test_commit_is_all_or_nothing(client, login, world, make):
    """A desa of the preview deleted before the commit: refused, nothing written."""
    login(world["users"]["sec"])
    lonely = make.village()
    rows = world["rows"] + [cf.member(50, 50, lonely, 1)]
    resp = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, rows))
    db.session.delete(lonely)
    db.session.flush()
    resp = client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)},
                       follow_redirects=True)
    assert "tidak lagi ada" in resp.get_data(as_text=True)
    assert count(Household) == count(HouseholdMember) == count(HouseholdSnapshot) == 0


def test_preview_of_another_user_is_refused(client, login, world, make):
    login(world["users"]["sec"])
    resp = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, world["rows"]))
    token = token_of(resp)
    login(make.user("secretariat"))
    resp = client.post("/cakupan/bnba/simpan", data={"token": token}, follow_redirects=True)
    assert "Pratinjau tidak sah" in resp.get_data(as_text=True)
    assert count(Household) == 0


@pytest.mark.parametrize("filename,data,message", [
    ("bnba.xls", b"\xd0\xcf\x11\xe0", "Hanya berkas .xlsx atau .csv"),
    ("bnba.csv", b"NIK;Desil\n\x00\x01;1\n", "karakter biner"),
    ("bnba.xlsx", b"PK\x03\x04 bukan zip", "bukan file Excel"),
    ("bnba.csv", b"Nama;Alamat\nA;B\n", "tidak ditemukan"),
])
def test_hostile_files_get_a_message_and_write_nothing(client, login, world, filename, data,
                                                       message):
    login(world["users"]["sec"])
    resp = preview_bnba(client, data, filename=filename)
    assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    assert count(ImportJob) == 0 and count(Household) == 0


def test_out_of_range_column_choice(client, login, world):
    login(world["users"]["sec"])
    page = preview_bnba(client, cf.csv_bytes(cf.BNBA_HEADER, world["rows"]), nik=99).get_data(
        as_text=True)
    assert "Kolom yang dipilih tidak ada" in page


def test_list_of_plain_niks_without_header(client, login, world):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    login(world["users"]["a"])
    body = ("\n".join([cf.nik(1), cf.nik(4), "3299.0000.0000.0007"]) + "\n").encode()
    resp = client.post(f"/cakupan/penerima/{world['tags']['a1'].id}",
                       data={"quarter": "1", "file": (io.BytesIO(body), "p.csv")},
                       content_type="multipart/form-data")
    assert re.search(r"Rumah tangga cocok</th><td class=\"num\">3<", resp.get_data(as_text=True))

"""Household coverage in a bundle (issues 16 and 18): a kabupaten with a BNBA snapshot exports
its desil-1 households per desa reached by 0-3 strategies (counts only), the bundle validates
against the published schema, and the province shows the coverage on the kabupaten's page."""
import json

from sqlalchemy import func, select

from app.federation import bundle, content, receive, schema
from models import FederationBundle, db
from reports.province import queries as province

from . import coverage_files as cf
from .test_coverage import YEAR, _coverage_world, world
from .test_federation import PUSH, kab_key, province_mode, signed

__all__ = ["kab_key", "province_mode", "world"]  # fixtures, shared with their modules


def _verified_q2(make, world) -> None:
    """Both OPDs' TW II reports verified: the period may be exported."""
    q2 = make.quarter(world["fy"], 2)
    for tag in (world["tags"]["a1"], world["tags"]["b1"]):
        make.submission(tag.sub_activity.opd, q2, "verified")


def _push(client, data: bytes, token: str):
    return client.post(PUSH, data=data, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_a_kabupaten_with_bnba_data_sends_its_coverage_and_the_province_shows_it(
        app, client, login, make, world, kab_key, province_mode):
    _coverage_world(client, login, world)
    _verified_q2(make, world)
    envelope = json.loads(content.export(YEAR, "quarter", 2)[0])
    assert schema.errors(envelope) == []
    rows = {r["village_code"]: r for r in envelope["bundle"]["coverage"]}
    v1, v2, v3 = world["villages"]
    # TW II: family 1 reached by three strategies, family 2 by one, family 3 by none;
    # families 4 and 5 not yet (family 4's list is for TW IV); v3 holds no desil-1 household.
    assert rows[v1.code]["households"] == 3 and rows[v1.code]["by_strategies"] == [1, 1, 0, 1]
    assert rows[v2.code]["by_strategies"] == [2, 0, 0, 0] and v3.code not in rows
    assert rows[v1.code]["snapshot_date"] == "2026-01-31"
    assert rows[v1.code]["village"] == v1.name and rows[v1.code]["district"]
    text = json.dumps(envelope)
    assert cf.nik(1) not in text and cf.kk(1) not in text and cf.name(1) not in text

    member, token = receive.register(kab_key_code(app), "Kabupaten Cakupan",
                                     bundle.public_b64(kab_key))
    db.session.flush()
    resp = _push(client, bundle.encode(envelope), token)
    assert resp.status_code == 201, resp.get_json()
    found = province.bundle_coverage(resp.get_json()["id"])
    assert found.total.households == 5 and found.total.by_strategies == (3, 1, 0, 1)
    assert found.total.reached == 2 and str(found.snapshot_date) == "2026-01-31"
    assert [r.village_code for r in found.rows] == sorted(rows)

    login(make.user("provinsi"))
    page = client.get(f"/provinsi/kabupaten/{member.id}?tahun={YEAR}&triwulan=2")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cakupan rumah tangga desil 1" in html
    assert v1.name in html and "Jumlah (2 desa)" in html and "31 Januari 2026" in html


def test_coverage_that_does_not_add_up_is_refused(app, client, make, login, world, kab_key,
                                                  province_mode):
    _coverage_world(client, login, world)
    _verified_q2(make, world)
    payload = json.loads(content.export(YEAR, "quarter", 2)[0])["bundle"]
    _, token = receive.register(kab_key_code(app), "Kabupaten Cakupan",
                                bundle.public_b64(kab_key))
    db.session.flush()
    wrong = json.loads(json.dumps(payload))
    wrong["coverage"][0]["households"] += 1  # signed, valid to the schema, but not a split
    resp = _push(client, signed(wrong, kab_key), token)
    assert resp.status_code == 422 and "strategi" in resp.get_json()["message"]
    mixed = json.loads(json.dumps(payload))
    mixed["coverage"][0]["snapshot_date"] = "2025-12-31"
    resp = _push(client, signed(mixed, kab_key), token)
    assert resp.status_code == 422 and "BNBA" in resp.get_json()["message"]
    for bad in ({"by_strategies": [1, 1, 1]}, {"by_strategies": [1, 1, 0, -1]},
                {"snapshot_date": "31/01/2026"}, {"nik": cf.nik(1)}, {"households": "3"}):
        shaped = json.loads(json.dumps(payload))
        shaped["coverage"][0].update(bad)
        resp = _push(client, signed(shaped, kab_key), token)
        assert resp.status_code == 422 and "skema" in resp.get_json()["message"], bad
    assert db.session.scalar(select(func.count(FederationBundle.id))) == 0


def test_without_bnba_data_the_coverage_is_empty_and_the_page_says_so(
        app, client, make, login, world, kab_key, province_mode):
    _verified_q2(make, world)
    envelope = json.loads(content.export(YEAR, "quarter", 2)[0])
    assert envelope["bundle"]["coverage"] == [] and schema.errors(envelope) == []
    member, token = receive.register(kab_key_code(app), "Kabupaten Cakupan",
                                     bundle.public_b64(kab_key))
    db.session.flush()
    resp = _push(client, bundle.encode(envelope), token)
    assert resp.status_code == 201 and province.bundle_coverage(resp.get_json()["id"]) is None
    login(make.user("provinsi"))
    html = client.get(f"/provinsi/kabupaten/{member.id}?tahun={YEAR}&triwulan=2").get_data(
        as_text=True)
    assert "tidak memuat data cakupan" in html


def kab_key_code(app) -> str:
    return app.config["FEDERATION_CODE"]

"""The verval API (issue 28) for a desa operator's token: campaigns, progress, recording by NIK
or by row; the desa boundary holds as in the UI; in the OpenAPI document."""
import pytest
from sqlalchemy import select

from app.accounts.api_tokens import create_token
from models import VervalRecord, db

from . import coverage_files as cf
from . import verval_world as vw
from .test_verval import world

__all__ = ["world"]


@pytest.fixture
def token(world):
    return {k: create_token(world["users"][k], "verval")[1] for k in ("a", "b", "sec", "viewer")}


def api(client, method, path, token, **kw):
    return client.open(f"/api/v1/verval{path}", method=method,
                       headers={"Authorization": f"Bearer {token}"}, **kw)


def test_desa_token_lists_its_campaign_with_its_own_desa_only(client, world, token):
    resp = api(client, "GET", "/campaigns", token["a"])
    assert resp.status_code == 200
    (campaign,) = resp.json
    assert [d["village_code"] for d in campaign["desa"]] == [world["va"].code]
    progress = api(client, "GET", f"/campaigns/{world['campaign'].id}/progress", token["a"])
    assert [d["households"] for d in progress.json["campaign"]["desa"]] == [3]
    assert progress.json["districts"] == []
    sec = api(client, "GET", f"/campaigns/{world['campaign'].id}/progress", token["sec"])
    assert sec.json["districts"][0]["households"] == 5


def test_desa_token_records_by_nik_and_by_row(client, world, token):
    cid = world["campaign"].id
    resp = api(client, "POST", f"/campaigns/{cid}/records", token["a"],
               json={"nik": vw.head_nik(1), "status": "meninggal"})
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "meninggal" and resp.json["unrecorded"] == 2
    row, prefix = resp.json["row"], resp.json["prefix"]
    again = api(client, "POST", f"/campaigns/{cid}/records", token["a"],
                json={"row": row, "prefix": prefix[:5], "status": "pindah", "note": "ke kota"})
    assert again.status_code == 200 and again.json["status"] == "pindah"
    rec = db.session.scalar(select(VervalRecord).where(
        VervalRecord.campaign_village_id == world["cv_a"].id, VervalRecord.row_no == row))
    assert (rec.status, rec.note) == ("pindah", "ke kota")


def test_desa_token_cannot_record_or_find_another_desa(client, world, token):
    cid = world["campaign"].id
    foreign = api(client, "POST", f"/campaigns/{cid}/records", token["a"],
                  json={"nik": vw.head_nik(5), "status": "masih"})
    unknown = api(client, "POST", f"/campaigns/{cid}/records", token["a"],
                  json={"nik": cf.nik(8888), "status": "masih"})
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json["message"] == unknown.json["message"] == "Tidak ditemukan di desa ini."
    # Desa B's row 1 through desa A's token lands in desa A's own list or nowhere.
    b_rows = db.session.execute(select(VervalRecord.status).where(
        VervalRecord.campaign_village_id == world["cv_b"].id)).scalars().all()
    assert set(b_rows) == {None}


def test_other_roles_and_bad_bodies_are_refused(client, world, token):
    cid = world["campaign"].id
    assert api(client, "POST", f"/campaigns/{cid}/records", token["sec"],
               json={"nik": vw.head_nik(1), "status": "masih"}).status_code == 403
    assert api(client, "GET", "/campaigns", token["viewer"]).status_code == 403
    bad = api(client, "POST", f"/campaigns/{cid}/records", token["a"],
              json={"nik": vw.head_nik(1), "status": "hilang"})
    assert bad.status_code == 422 and vw.head_nik(1) not in bad.get_data(as_text=True)
    assert api(client, "GET", "/campaigns/2147483647/progress", token["a"]).status_code == 404
    # The guard: a desa token reaches nothing but verval.
    resp = client.get("/api/v1/reference/opds",
                      headers={"Authorization": f"Bearer {token['a']}"})
    assert resp.status_code == 403


def test_verval_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/verval/campaigns", "/api/v1/verval/campaigns/{campaign_id}/progress",
            "/api/v1/verval/campaigns/{campaign_id}/records"} <= set(paths)
    body = paths["/api/v1/verval/campaigns/{campaign_id}/records"]["post"]
    assert "requestBody" in body

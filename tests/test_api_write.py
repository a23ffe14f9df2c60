"""Writes through the API go through the UI's services: the same rules, version, lock, audit."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.api_tokens import create_token
from models import AuditLog, Realization, SubActivity, Submission, Tag, db


@pytest.fixture
def api(client):
    def call(user, method, path, json=None):
        _, secret = create_token(user, "uji")
        return client.open(path, method=method, json=json,
                           headers={"Authorization": f"Bearer {secret}"})

    return call


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy, allocation="10000000", code="1.06.05.2.02.0001")
    tag = make.tag(sa, amount="4000000", target_count=100)
    return {"fy": fy, "opd": opd, "sa": sa, "tag": tag,
            "user": make.user("opd", opd_obj=opd), "sec": make.user("secretariat")}


SA_BODY = {
    "code": "1.06.05.2.02.0009", "name": "Bantuan Sosial Uji", "program_name": "Program",
    "activity_name": "Kegiatan", "allocation_original": "2500000.50",
    "funding_source_code": "DAU", "output_unit": "KK",
}


def _audits(entity, entity_id):
    # In the order written: without ORDER BY, PostgreSQL returns a later row first once it
    # reuses the space of rows rolled back by earlier tests (one CI run: update before create).
    return db.session.scalars(select(AuditLog.action).where(
        AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(AuditLog.id)).all()


def test_create_update_delete_sub_activity(api, world):
    resp = api(world["user"], "POST", "/api/v1/sub-activities", {**SA_BODY, "year": 2026})
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["opd_id"] == world["opd"].id and body["allocation_original"] == "2500000.50"
    assert body["program_code"] == "1.06.05" and body["funding_source_code"] == "DAU"
    assert _audits("sub_activity", body["id"]) == ["create"]

    update = {**SA_BODY, "allocation_revised": "3000000", "version": body["version"]}
    resp = api(world["user"], "PUT", f"/api/v1/sub-activities/{body['id']}", update)
    assert resp.status_code == 200 and resp.json["allocation"] == "3000000.00"
    assert _audits("sub_activity", body["id"]) == ["create", "update"]

    # The version read before the update is stale now: 409 with the stored values.
    resp = api(world["user"], "PUT", f"/api/v1/sub-activities/{body['id']}",
               {**update, "allocation_revised": "1", "version": body["version"]})
    assert resp.status_code == 409
    assert resp.json["current"]["allocation_revised"] == "3000000.00"
    assert "version" in resp.json["errors"]

    version = resp.json["current"]["version"]
    resp = api(world["user"], "DELETE", f"/api/v1/sub-activities/{body['id']}?version={version}")
    assert resp.status_code == 204
    assert db.session.get(SubActivity, body["id"]) is None
    assert _audits("sub_activity", body["id"])[-1] == "delete"


def test_service_rules_come_back_as_422_by_field(api, world):
    resp = api(world["user"], "POST", "/api/v1/sub-activities",
               {**SA_BODY, "code": "1.06.05.2.02.0001", "program_code": "9.99.99",
                "funding_source_code": "NOPE"})
    assert resp.status_code == 422
    assert resp.json["errors"]["json"] == {"funding_source_code": ["Sumber dana tidak dikenal."]}
    resp = api(world["user"], "POST", "/api/v1/sub-activities",
               {**SA_BODY, "code": "1.06.05.2.02.0001", "program_code": "9.99.99"})
    assert resp.status_code == 422
    errors = resp.json["errors"]["json"]
    assert "sudah dipakai" in errors["code"][0]
    assert db.session.scalar(select(func.count(SubActivity.id))) == 1  # nothing written


@pytest.mark.parametrize("value, message", [
    (1234.567, "dua angka"), ("12.345", "dua angka"), ("-5", "negatif"), (-5, "negatif"),
    ("1.234.567,50", "titik"), (True, "angka desimal"), ("1e9", "titik"),
    ("12345678901234567", "terlalu besar"),
])
def test_money_input_is_strict(api, world, value, message):
    resp = api(world["user"], "POST", "/api/v1/sub-activities",
               {**SA_BODY, "allocation_original": value})
    assert resp.status_code == 422
    assert message in resp.json["errors"]["json"]["allocation_original"][0]


def test_money_accepts_strings_integers_and_short_floats(api, world):
    for value, stored in (("1000", "1000.00"), (2000, "2000.00"), (2500.5, "2500.50")):
        resp = api(world["sec"], "POST", "/api/v1/sub-activities",
                   {**SA_BODY, "code": f"1.06.05.2.02.{int(Decimal(stored)):04d}",
                    "opd_id": world["opd"].id, "allocation_original": value})
        assert resp.status_code == 201, resp.json
        assert resp.json["allocation_original"] == stored


def test_tag_create_respects_allocation_and_returns_lokus_warning(api, make, world):
    v_lokus = make.village(fy=world["fy"], priority=True)
    v_other = make.village(fy=world["fy"], priority=False)
    body = {"sub_activity_id": world["sa"].id, "strategy_code": 2, "tag_kind_code": "penunjang",
            "amount": "6000000.01", "description": "Pelatihan usaha"}
    resp = api(world["user"], "POST", "/api/v1/tags", body)
    assert resp.status_code == 422  # 4,000,000 already tagged of 10,000,000
    assert "Melebihi pagu" in resp.json["errors"]["json"]["amount"][0]

    body.update(amount="6000000", villages=[
        {"village_id": v_lokus.id, "amount": "1000000", "target_count": 5},
        {"village_id": v_other.id}])
    resp = api(world["user"], "POST", "/api/v1/tags", body)
    assert resp.status_code == 201, resp.json
    assert resp.json["strategy_code"] == 2 and resp.json["tag_kind_code"] == "penunjang"
    assert resp.json["warnings"] == [v_other.name]
    assert {v["village_id"] for v in resp.json["villages"]} == {v_lokus.id, v_other.id}
    tag_id = resp.json["id"]
    assert "create" in _audits("tag", tag_id)

    # Replace: drop one desa; the stale version afterwards is refused.
    put = {**{k: v for k, v in body.items() if k != "sub_activity_id"},
           "villages": [{"village_id": v_lokus.id}], "version": resp.json["version"]}
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag_id}", put)
    assert resp.status_code == 200 and [v["village_id"] for v in resp.json["villages"]] == [
        v_lokus.id]
    assert api(world["user"], "PUT", f"/api/v1/tags/{tag_id}", put).status_code == 409
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag_id}", {**put, "version": None})
    assert resp.status_code == 422


def test_realization_put_returns_anomalies_and_starts_a_draft(api, make, world):
    tag = world["tag"]
    body = {"amount": "5000000", "physical_progress": "40", "reached_count": 120}
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1", body)
    assert resp.status_code == 200, resp.json
    assert resp.json["anomalies"] == ["over_tagged", "over_target"]
    assert "melebihi anggaran" in resp.json["anomaly_labels"][0]
    assert resp.json["amount"] == "5000000.00" and resp.json["quarter"] == 1
    r = db.session.get(Realization, resp.json["id"])
    assert r.amount == Decimal("5000000") and _audits("realization", r.id) == ["create"]
    sub = db.session.scalar(select(Submission).where(Submission.opd_id == world["opd"].id))
    assert sub.status == "draft"

    # Creating again with version 0 (or an old version) is a stale write: 409, current values.
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1",
               {**body, "amount": "1"})
    assert resp.status_code == 409 and resp.json["current"]["amount"] == "5000000.00"
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1",
               {**body, "amount": "3000000", "reached_count": 90, "version": r.version})
    assert resp.status_code == 200 and resp.json["anomalies"] == []
    got = api(world["sec"], "GET", f"/api/v1/tags/{tag.id}/realizations/1")
    assert got.json["amount"] == "3000000.00"


def test_realization_rejects_bad_villages_and_locked_quarters(api, make, world):
    tag, q1 = world["tag"], make.quarter(world["fy"], 1)
    stranger = make.village()
    body = {"amount": "1000", "physical_progress": "10", "reached_count": 5,
            "villages": [{"village_id": stranger.id, "reached_count": 1}]}
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1", body)
    assert resp.status_code == 422 and "bukan lokus" in resp.json["message"]
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1",
               {**body, "physical_progress": "100.5", "villages": []})
    assert resp.status_code == 422 and "physical_progress" in resp.json["errors"]["json"]
    make.submission(world["opd"], q1, "submitted")
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1",
               {**body, "villages": []})
    assert resp.status_code == 409 and "sudah diajukan" in resp.json["message"]
    assert db.session.scalar(select(func.count(Realization.id))) == 0


def test_closed_quarter_refuses_the_opd_but_not_the_secretariat(api, make, world):
    make.quarter(world["fy"], 2).is_open = False
    body = {"amount": "1000", "physical_progress": "10", "reached_count": 5}
    url = f"/api/v1/tags/{world['tag'].id}/realizations/2"
    assert api(world["user"], "PUT", url, body).status_code == 409
    assert api(world["sec"], "PUT", url, body).status_code == 200


def test_submission_cycle_through_transitions(api, make, world):
    tag, q1 = world["tag"], make.quarter(world["fy"], 1)
    url = f"/api/v1/tags/{tag.id}/realizations/1"
    resp = api(world["user"], "PUT", url,
               {"amount": "5000000", "physical_progress": "40", "reached_count": 10})
    sub = db.session.scalar(select(Submission).where(Submission.quarter_id == q1.id))
    tr = f"/api/v1/submissions/{sub.id}/transitions"
    # An unexplained anomaly stops the submission, with the list of what is missing.
    resp = api(world["user"], "POST", tr, {"action": "submit"})
    assert resp.status_code == 422 and resp.json["errors"]["json"]["unexplained"]
    r = db.session.scalar(select(Realization))
    api(world["user"], "PUT", url, {"amount": "5000000", "physical_progress": "40",
                                    "reached_count": 10, "version": r.version,
                                    "explanation": "Tambahan dari APBD perubahan"})
    resp = api(world["user"], "POST", tr, {"action": "submit"})
    assert resp.status_code == 200 and resp.json["status"] == "submitted"
    assert api(world["user"], "POST", tr, {"action": "verify"}).status_code == 403
    resp = api(world["sec"], "POST", tr, {"action": "return", "note": ""})
    assert resp.status_code == 422 and "note" in resp.json["errors"]["json"]
    resp = api(world["sec"], "POST", tr, {"action": "return", "note": "Periksa fisik",
                                          "tag_comments": {str(tag.id): "Fisik terlalu rendah"}})
    assert resp.status_code == 200 and resp.json["status"] == "returned"
    assert {c["tag_id"] for c in resp.json["comments"]} == {None, tag.id}
    assert resp.json["allowed_actions"] == ["submit"]
    resp = api(world["user"], "POST", tr, {"action": "resubmit", "version": 1})
    assert resp.status_code == 409  # stale version
    version = api(world["user"], "GET", f"/api/v1/submissions/{sub.id}").json["version"]
    resp = api(world["user"], "POST", tr, {"action": "resubmit", "version": version})
    assert resp.status_code == 200
    resp = api(world["sec"], "POST", tr, {"action": "verify"})
    assert resp.json["status"] == "verified"
    assert api(world["sec"], "POST", tr, {"action": "verify"}).status_code == 409  # wrong state
    # Verified: the budget and the quarter are locked for the API as for the UI.
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}", {
        "strategy_code": 1, "tag_kind_code": "langsung", "amount": "1",
        "description": "x", "version": db.session.get(Tag, tag.id).version})
    assert resp.status_code == 409 and "terkunci" in resp.json["message"]
    resp = api(world["sec"], "POST", tr, {"action": "reopen", "note": "Koreksi"})
    assert resp.json["status"] == "returned"
    actions = db.session.scalars(select(AuditLog.action).where(
        AuditLog.entity == "submission", AuditLog.entity_id == sub.id)
        .order_by(AuditLog.id)).all()
    assert actions == ["start", "submit", "return", "resubmit", "verify", "reopen"]


def test_framework_errors_keep_the_one_error_shape(api, client, world):
    _, secret = create_token(world["sec"], "uji")
    h = {"Authorization": f"Bearer {secret}"}
    resp = client.post("/api/v1/sub-activities", data="{bad", headers=h,
                       content_type="application/json")
    assert resp.status_code == 400 and resp.json["errors"] == {
        "json": ["Isi permintaan bukan JSON yang sah."]}
    resp = client.post("/api/v1/sub-activities", json=[1], headers=h)
    assert resp.status_code == 422 and resp.json["message"]
    for method, path, code in (("GET", "/api/v1/tidak-ada", 404),
                               ("PATCH", f"/api/v1/sub-activities/{world['sa'].id}", 405),
                               ("GET", "/api/v1/sub-activities/99999999999999", 404),
                               ("DELETE", f"/api/v1/tags/{world['tag'].id}", 422)):
        resp = client.open(path, method=method, headers=h)
        assert resp.status_code == code
        assert set(resp.json) >= {"code", "status", "message"}


@pytest.mark.parametrize("count", [1.5, 0.25, 99.999])
def test_a_fractional_count_is_refused_not_rounded(api, world, count):
    tag = world["tag"]
    body = {"amount": "5000", "physical_progress": "40", "reached_count": count}
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1", body)
    assert resp.status_code == 422
    assert "bilangan bulat" in resp.json["errors"]["json"]["reached_count"][0]
    assert db.session.scalar(select(func.count()).select_from(Realization)) == 0
    # A whole number written as 2.0 is the number 2.
    resp = api(world["user"], "PUT", f"/api/v1/tags/{tag.id}/realizations/1",
               {**body, "reached_count": 2.0})
    assert resp.status_code == 200 and resp.json["reached_count"] == 2

"""Issue 11 item 10: removing a lokus desa from a tag that has per-desa realization never leaves
orphan `realization_village` rows. Without confirmation the save is refused naming the desa; with
the confirmation box (UI) or `drop_realized_villages` (API) the desa goes with its figures, and a
GET-then-PUT of the realization through the API keeps working."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.api_tokens import create_token
from models import AuditLog, Realization, RealizationVillage, Tag, TagVillage, db


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy, allocation="100000000")
    tag = make.tag(sa, amount="40000000", target_count=100)
    dist = make.district()
    keep, drop = make.village(dist, fy, priority=True), make.village(dist, fy, priority=True)
    make.tag_village(tag, keep)
    make.tag_village(tag, drop)
    q1 = make.quarter(fy, 1)
    r = make.realization(tag, q1, amount="1000000", progress="10", reached=30)
    r.villages.append(RealizationVillage(village_id=keep.id, reached_count=10))
    r.villages.append(RealizationVillage(village_id=drop.id, reached_count=15))
    db.session.flush()
    return {"fy": fy, "opd": opd, "sa": sa, "tag": tag, "keep": keep, "drop": drop, "r": r,
            "user": make.user("opd", opd_obj=opd)}


def orphans() -> int:
    """realization_village rows whose desa is no longer a lokus of the realization's tag."""
    lokus = select(TagVillage.id).where(TagVillage.tag_id == Realization.tag_id,
                                        TagVillage.village_id == RealizationVillage.village_id)
    return db.session.scalar(
        select(func.count(RealizationVillage.id)).join(Realization)
        .where(~lokus.exists()))


def figures(r) -> dict[int, int]:
    return dict(db.session.execute(select(RealizationVillage.village_id,
                                          RealizationVillage.reached_count)
                                   .where(RealizationVillage.realization_id == r.id)).all())


def form_data(make, tag, village_ids, **extra):
    data = {"strategy_id": str(make.strategy(1).id), "tag_kind_id": str(make.tag_kind().id),
            "amount": "40.000.000", "description": tag.description, "target_count": "100",
            "target_unit": "KK", "version": str(tag.version),
            "village_ids": [str(v) for v in village_ids]}
    data.update(extra)
    return data


def test_ui_refuses_removal_naming_the_desa(client, login, make, world):
    login(world["user"])
    tag, drop = world["tag"], world["drop"]
    page = client.get(f"/sub-kegiatan/tag/{tag.id}/ubah").get_data(as_text=True)
    assert "Lepaskan juga realisasi per desanya" in page and drop.name in page
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah",
                       data=form_data(make, tag, [world["keep"].id]))
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f"Desa {drop.name} sudah memiliki realisasi" in text
    db.session.expire_all()
    assert {tv.village_id for tv in db.session.get(Tag, tag.id).villages} == {
        world["keep"].id, drop.id}
    assert figures(world["r"]) == {world["keep"].id: 10, drop.id: 15}
    assert orphans() == 0


def test_ui_confirmed_removal_takes_the_figures_along(client, login, make, world):
    login(world["user"])
    tag, r = world["tag"], world["r"]
    version = r.version
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah", follow_redirects=True,
                       data=form_data(make, tag, [world["keep"].id], drop_realized="y"))
    assert resp.status_code == 200 and "Tagging disimpan." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [tv.village_id for tv in db.session.get(Tag, tag.id).villages] == [world["keep"].id]
    assert figures(r) == {world["keep"].id: 10}
    assert orphans() == 0
    assert db.session.get(Realization, r.id).version > version  # an open sheet is now stale
    assert db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity == "realization_village", AuditLog.action == "delete",
        AuditLog.parent_id == r.id)) == 1


def test_ui_confirmed_removal_refused_when_the_quarter_is_locked(client, login, make, world):
    login(world["user"])
    q1 = make.quarter(world["fy"], 1)
    make.submission(world["opd"], q1, status="submitted")
    tag = world["tag"]
    resp = client.post(f"/sub-kegiatan/tag/{tag.id}/ubah",
                       data=form_data(make, tag, [world["keep"].id], drop_realized="y"))
    assert resp.status_code == 423 and "sudah diajukan" in resp.get_data(as_text=True)
    assert figures(world["r"]) == {world["keep"].id: 10, world["drop"].id: 15}


def _api(client, user):
    _, secret = create_token(user, "uji")

    def call(method, path, json=None):
        return client.open(path, method=method, json=json,
                           headers={"Authorization": f"Bearer {secret}"})

    return call


def _tag_body(tag_json, village_ids, **extra):
    body = {k: tag_json[k] for k in ("strategy_code", "tag_kind_code", "amount", "description",
                                     "aid_nature", "aid_type", "duration", "target_count",
                                     "target_unit", "version")}
    body["villages"] = [{"village_id": v} for v in village_ids]
    return {**body, **extra}


def test_api_refuses_then_removes_with_flag_and_realization_round_trips(client, world):
    api = _api(client, world["user"])
    tag, keep, drop = world["tag"], world["keep"], world["drop"]
    current = api("GET", f"/api/v1/tags/{tag.id}").json
    resp = api("PUT", f"/api/v1/tags/{tag.id}", _tag_body(current, [keep.id]))
    assert resp.status_code == 422, resp.json
    assert drop.name in resp.json["message"] and drop.name in str(resp.json["errors"])
    assert orphans() == 0 and figures(world["r"]) == {keep.id: 10, drop.id: 15}

    resp = api("PUT", f"/api/v1/tags/{tag.id}",
               _tag_body(current, [keep.id], drop_realized_villages=True))
    assert resp.status_code == 200, resp.json
    assert [v["village_id"] for v in resp.json["villages"]] == [keep.id]
    assert orphans() == 0

    # The bug of item 10: GET the realization, PUT it back unchanged -> was 422 with orphans.
    got = api("GET", f"/api/v1/tags/{tag.id}/realizations/1")
    assert got.status_code == 200 and got.json["villages"] == [
        {"village_id": keep.id, "reached_count": 10}]
    body = {k: got.json[k] for k in ("amount", "physical_progress", "reached_count", "problems",
                                     "follow_up", "explanation", "villages", "version")}
    put = api("PUT", f"/api/v1/tags/{tag.id}/realizations/1", body)
    assert put.status_code == 200, put.json
    assert Decimal(put.json["amount"]) == Decimal("1000000")


def test_removing_a_desa_without_figures_needs_no_confirmation(client, make, world):
    """Only figures make the removal need a confirmation; a desa with none goes as before."""
    api = _api(client, world["user"])
    tag = world["tag"]
    extra = make.village(world["keep"].district, world["fy"], priority=True)
    make.tag_village(tag, extra)
    current = api("GET", f"/api/v1/tags/{tag.id}").json
    resp = api("PUT", f"/api/v1/tags/{tag.id}",
               _tag_body(current, [world["keep"].id, world["drop"].id]))
    assert resp.status_code == 200, resp.json
    assert orphans() == 0

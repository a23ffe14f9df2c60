"""Reads through the API follow the same per-object rules as the UI."""
import pytest

from app.accounts.api_tokens import create_token


@pytest.fixture
def api(client):
    def get(user, path, **kw):
        _, secret = create_token(user, "uji")
        return client.get(path, headers={"Authorization": f"Bearer {secret}"}, **kw)

    return get


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2026)
    a, b = make.opd(), make.opd()
    sa_a = make.sub_activity(opd_obj=a, fy=fy, allocation="1000000.50")
    sa_b = make.sub_activity(opd_obj=b, fy=fy)
    tag_a = make.tag(sa_a, amount="500000.25")
    tag_b = make.tag(sa_b)
    return {"fy": fy, "a": a, "b": b, "sa_a": sa_a, "sa_b": sa_b, "tag_a": tag_a, "tag_b": tag_b}


def test_money_is_a_decimal_string(api, make, world):
    resp = api(make.user("viewer"), f"/api/v1/sub-activities/{world['sa_a'].id}")
    assert resp.status_code == 200
    assert resp.json["allocation_original"] == "1000000.50"
    assert resp.json["tags"][0]["amount"] == "500000.25"


@pytest.mark.parametrize("path", ["/api/v1/sub-activities/{sa_b}", "/api/v1/tags/{tag_b}",
                                  "/api/v1/sub-activities?opd_id={b}&year=2026",
                                  "/api/v1/tags?opd_id={b}&year=2026"])
def test_opd_user_cannot_read_another_opd(api, make, world, path):
    user = make.user("opd", opd_obj=world["a"])
    url = path.format(sa_b=world["sa_b"].id, tag_b=world["tag_b"].id, b=world["b"].id)
    resp = api(user, url)
    assert resp.status_code == 403
    assert resp.json["code"] == 403


def test_opd_user_lists_only_its_own(api, make, world):
    user = make.user("opd", opd_obj=world["a"])
    resp = api(user, "/api/v1/sub-activities?year=2026")
    assert [i["id"] for i in resp.json["items"]] == [world["sa_a"].id]
    resp = api(user, "/api/v1/tags?year=2026")
    assert [i["id"] for i in resp.json["items"]] == [world["tag_a"].id]


@pytest.mark.parametrize("role", ["secretariat", "viewer", "admin"])
def test_other_roles_read_everything(api, make, world, role):
    resp = api(make.user(role), "/api/v1/sub-activities?year=2026&per_page=1")
    assert resp.json["meta"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2}
    assert api(make.user(role), f"/api/v1/tags/{world['tag_b'].id}").status_code == 200


def test_bad_query_gives_422_with_field_messages(api, make, world):
    resp = api(make.user("viewer"), "/api/v1/sub-activities?per_page=500")
    assert resp.status_code == 422
    assert "per_page" in resp.json["errors"]["query"]


def test_unknown_year_and_object_give_404(api, make, world):
    assert api(make.user("viewer"), "/api/v1/sub-activities?year=1999").status_code == 404
    assert api(make.user("viewer"), "/api/v1/tags/999999").status_code == 404


def test_reference_villages_with_priority(api, make, world):
    v = make.village(fy=world["fy"], priority=True, desil1=42)
    resp = api(make.user("opd", opd_obj=world["a"]),
               f"/api/v1/reference/villages?year=2026&district_id={v.district_id}")
    assert resp.json["items"][0]["is_priority"] is True
    assert resp.json["items"][0]["desil1_households"] == 42

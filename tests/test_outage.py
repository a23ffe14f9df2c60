"""A database that cannot be reached is answered 503 (page or JSON), never 500, and the page keeps
what was typed (app/outage.py)."""
import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from app.accounts.api_tokens import create_token
from app.core.outages import is_connection_error
from app.cycle import realization as service
from app.outage import MESSAGE


def _shutting_down(*args, **kwargs):
    raise sa_exc.OperationalError(
        "UPDATE realization ...", {}, psycopg.OperationalError(
            "terminating connection: the database system is shutting down"))


@pytest.fixture
def world(make):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy, allocation="10000000")
    tag = make.tag(sa, amount="4000000", target_count=100)
    return {"fy": fy, "opd": opd, "tag": tag, "user": make.user("opd", opd_obj=opd)}


def test_api_write_during_an_outage_is_503_json_with_retry_after(client, world, monkeypatch):
    monkeypatch.setattr(service, "save_sheet", _shutting_down)
    _, secret = create_token(world["user"], "uji")
    resp = client.put(f"/api/v1/tags/{world['tag'].id}/realizations/1",
                      json={"amount": "5000", "physical_progress": "10", "reached_count": 3},
                      headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 503
    assert resp.json["message"] == MESSAGE and resp.json["code"] == 503
    assert int(resp.headers["Retry-After"]) > 0
    # The statement (and its parameters) never reach the answer.
    assert "UPDATE" not in resp.get_data(as_text=True)


def test_form_post_during_an_outage_is_a_503_page_that_keeps_the_typed_fields(
        client, login, world, monkeypatch):
    login(world["user"])
    monkeypatch.setattr(service, "save_sheet", _shutting_down)
    quarter = world["fy"].quarters[0]
    page = client.get(f"/realisasi/?opd={world['opd'].id}&triwulan=1&tahun=2026")
    assert page.status_code == 200
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    tag_id = world["tag"].id
    resp = client.post(f"/realisasi/{world['opd'].id}/{quarter.id}", data={
        "csrf_token": token, f"r-{tag_id}-amount": "123.456,78", f"r-{tag_id}-progress": "40",
        f"r-{tag_id}-reached": "7", f"r-{tag_id}-version": "0",
        "password": "rahasia-jangan-ditampilkan"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 503, html[:400]
    assert "perubahan Anda belum tersimpan" in html
    assert 'value="123.456,78"' in html and f'name="r-{tag_id}-amount"' in html
    assert "rahasia-jangan-ditampilkan" not in html
    assert "outage.js" in html and "<script>" not in html
    assert int(resp.headers["Retry-After"]) > 0


def test_connection_errors_are_told_apart_from_wrong_statements():
    assert is_connection_error(sa_exc.OperationalError("x", {}, Exception("gone")))
    assert is_connection_error(psycopg.OperationalError("server closed the connection"))
    invalidated = sa_exc.DBAPIError("x", {}, Exception("reset"), connection_invalidated=True)
    assert is_connection_error(invalidated)
    assert not is_connection_error(sa_exc.IntegrityError("x", {}, Exception("duplicate")))
    assert not is_connection_error(ValueError("bad"))

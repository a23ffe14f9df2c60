"""POST /api/v1/suggestions/tags (issue 26): answers in order; hostile bodies are refused."""
import pytest

from app.accounts.api_tokens import create_token

URL = "/api/v1/suggestions/tags"


@pytest.fixture
def post(client, make):
    _, secret = create_token(make.user("viewer"), "uji")

    def do(body=None, **kw):
        return client.post(URL, json=body, headers={"Authorization": f"Bearer {secret}"}, **kw)

    return do


def test_answers_in_the_order_asked(post):
    items = [{"name": "Penyediaan Alat Tulis Kantor"},
             {"name": "Pelatihan Keterampilan Menjahit bagi Perempuan Miskin",
              "program": "Program Pelatihan Kerja", "opd_name": "Dinas Tenaga Kerja"},
             {"code": "1.03.05.2.01.9101", "name": "Pembangunan Jamban Sehat Keluarga Miskin",
              "program": "Program Pengelolaan dan Pengembangan Sistem Air Limbah"},
             {"name": "Pengadaan Kendaraan Dinas Operasional"}]
    resp = post({"items": items})
    assert resp.status_code == 200, resp.json
    answers = resp.json["items"]
    assert [a["relevant"] for a in answers] == [False, True, True, False]
    assert [a["strategy_code"] for a in answers[1:3]] == [2, 3]
    assert set(answers[0]) == {"relevant", "score", "strategy_code", "strategy_confidence",
                               "tag_kind_code", "tag_kind_confidence", "reasons"}
    assert all(0 <= a["score"] <= 1 for a in answers)


def test_documented_in_the_openapi_spec(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "post" in spec["paths"]["/api/v1/suggestions/tags"]


@pytest.mark.parametrize("body", [
    {"items": [{"name": "x" * 20_000}]},
    {"items": [{"name": "Bantuan\x00sosial"}]},
    {"items": [{"name": "Bantuan sosial 🎉"}]},
    {"items": [{"name": "Bantuan sosial"}] * 1001},
    {"items": []},
    {"items": [{"code": "1.06.05.2.02.0001"}]},
    {"items": [{"name": ""}]},
    {"items": "semua"},
    {"items": [{"name": "Bantuan", "amount": 1}]},
    {"items": [{"name": "Bantuan", "program": "p" * 401}]},
    {},
    [],
])
def test_hostile_bodies_are_refused_with_json(post, body):
    resp = post(body)
    assert resp.status_code in (400, 422)
    assert resp.is_json and resp.json.get("message")


def test_empty_and_non_json_bodies_are_refused(client, make):
    _, secret = create_token(make.user("viewer"), "uji")
    auth = {"Authorization": f"Bearer {secret}"}
    for kwargs in ({"data": b""}, {"data": b"{bukan json", "content_type": "application/json"},
                   {"data": b"\xff\xfe", "content_type": "application/json"}):
        resp = client.post(URL, headers=auth, **kwargs)
        assert resp.status_code in (400, 415, 422) and resp.is_json


def test_needs_a_token(client):
    assert client.post(URL, json={"items": [{"name": "Bantuan sosial"}]}).status_code == 401

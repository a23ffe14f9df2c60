"""Schema round trips: what the API answers can be sent back (dump -> load -> dump is equal), and
money survives the trip exactly."""
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.api_tokens import create_token
from app.api import inputs
from app.api import schemas as s
from app.api.fields import Money, Schema
from app.api.tags import TagCreateSchema


def round_trip(schema, payload):
    """dump(load(payload)) must equal payload (after JSON), and load it back the same."""
    loaded = schema.load(payload)
    dumped = json.loads(json.dumps(schema.dump(loaded)))
    assert schema.load(dumped) == loaded
    assert json.loads(json.dumps(schema.dump(schema.load(dumped)))) == dumped
    return loaded, dumped


@pytest.fixture
def answers(client, make):
    """Real answers of the API for a sub-activity, a tag with lokus and a realization."""
    fy = make.fiscal_year(2026)
    opd = make.opd()
    sa = make.sub_activity(opd, fy, allocation="123456789.05", allocation_revised=Decimal(
        "130000000.10"), output_target=Decimal("12.5"), output_unit="KK")
    tag = make.tag(sa, amount="1000000.25", benefit_per_recipient=Decimal("300000"))
    v = make.village(fy=fy, priority=True)
    make.tag_village(tag, v, amount="250000.75", target=12)
    r = make.realization(tag, make.quarter(fy, 1), amount="500.10", progress="12.34",
                         reached=3, problems="Hujan")
    _, secret = create_token(make.user("viewer"), "uji")
    h = {"Authorization": f"Bearer {secret}"}
    return {
        "sa": client.get(f"/api/v1/sub-activities/{sa.id}", headers=h).json,
        "tag": client.get(f"/api/v1/tags/{tag.id}", headers=h).json,
        "real": client.get(f"/api/v1/tags/{tag.id}/realizations/1", headers=h).json,
        "real_id": r.id,
    }


def pick(answer, schema):
    keys = set(schema.fields) - {k for k, f in schema.fields.items() if f.dump_only}
    return {k: v for k, v in answer.items() if k in keys}


def nested_pick(rows, schema):
    return [pick(r, schema) for r in rows]


def test_sub_activity_answer_round_trips(answers):
    for schema in (inputs.SubActivityInSchema(), inputs.SubActivityCreateSchema()):
        payload = pick(answers["sa"], schema)
        assert payload["allocation_revised"] == "130000000.10"
        loaded, dumped = round_trip(schema, payload)
        assert loaded["allocation_original"] == Decimal("123456789.05")
        assert dumped == payload


def test_tag_answer_round_trips_with_its_lokus(answers):
    for schema in (inputs.TagInSchema(), TagCreateSchema()):
        payload = pick(answers["tag"], schema)
        payload["villages"] = nested_pick(answers["tag"]["villages"],
                                          inputs.TagVillageInSchema())
        if "sub_activity_id" in schema.fields:
            payload["sub_activity_id"] = answers["tag"]["sub_activity_id"]
        loaded, dumped = round_trip(schema, payload)
        assert loaded["villages"][0]["amount"] == Decimal("250000.75")
        assert dumped == payload


def test_realization_answer_round_trips(answers):
    schema = inputs.RealizationInSchema()
    payload = pick(answers["real"], schema)
    payload["villages"] = []
    loaded, dumped = round_trip(schema, payload)
    assert loaded["physical_progress"] == Decimal("12.34") and dumped == payload


@pytest.mark.parametrize("schema, payload", [
    (inputs.TransitionInSchema(), {"action": "return", "note": "Periksa",
                                   "tag_comments": {"7": "Fisik"}, "version": 3}),
    (inputs.TransitionInSchema(), {"action": "submit", "note": "", "tag_comments": {},
                                   "version": None}),
    (inputs.VersionArgs(), {"version": 2}),
    (inputs.TagVillageInSchema(), {"village_id": 1, "amount": None, "target_count": 4}),
    (inputs.RealizationVillageInSchema(), {"village_id": 1, "reached_count": 4}),
])
def test_small_write_schemas_round_trip(schema, payload):
    loaded, dumped = round_trip(schema, payload)
    assert schema.load(dumped) == loaded


def test_write_schemas_refuse_unknown_keys_in_indonesian():
    errors = inputs.RealizationInSchema().validate({"amount": "1", "physical_progress": "1",
                                                    "reached_count": 1, "id": 5})
    assert errors == {"id": ["Isian tidak dikenal."]}
    assert inputs.TagInSchema().validate({})["amount"] == ["Wajib diisi."]


class _M(Schema):
    m = Money()


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999999.99"), places=2,
                   allow_nan=False, allow_infinity=False))
def test_money_round_trips_exactly(value):
    dumped = _M().dump({"m": value})
    assert isinstance(dumped["m"], str)
    assert _M().load(dumped)["m"] == value
    assert _M().dump(_M().load(dumped)) == dumped


def test_every_write_schema_is_documented(client):
    names = set(client.get("/api/v1/openapi.json").json["components"]["schemas"])
    assert {"SubActivityIn", "SubActivityCreate", "TagIn", "TagCreate", "TagVillageIn",
            "RealizationIn", "RealizationVillageIn", "TransitionIn"} <= names
    assert s.RollupSchema.__name__ == "RollupSchema"

"""A fuzzing pass over the OpenAPI document with schemathesis, in-process against the Flask app:
for every operation, data that fits the document and data that does not, sent with a valid
token. No answer may be a 500; answers to valid requests must match their documented schema."""
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from app.accounts.api_tokens import create_token

EXAMPLES = 15  # per operation, mode and anchoring: about 1,500 requests in all
# A bundle's report PDF (issue 18) is a raw body: sent as bytes, like application/octet-stream.
schemathesis.serializer.alias("application/pdf", "application/octet-stream")


@pytest.fixture
def seeded(make):
    """Real data (the current year), and the ids the anchored runs put in the paths."""
    fy = make.fiscal_year(2026)
    ids = {}
    for n in range(2):
        opd = make.opd()
        sa = make.sub_activity(opd, fy)
        tag = make.tag(sa, amount="1000000")
        make.tag_village(tag, make.village(fy=fy, priority=True))
        make.realization(tag, make.quarter(fy, 1), amount="1000", progress="10", reached=1)
        sub = make.submission(opd, make.quarter(fy, 1), ("submitted", "draft")[n])
        ids = {"sub_activity_id": sa.id, "tag_id": tag.id, "submission_id": sub.id}
    return ids


@pytest.mark.parametrize("role", ["secretariat", "opd"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzz_the_openapi_document_finds_no_server_error(app, make, seeded, role, mode):
    _, secret = create_token(make.user(role), "fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error]
    if mode is GenerationMode.POSITIVE:
        checks += [response_schema_conformance, status_code_conformance]
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 24
    calls = {"n": 0}

    statuses = set()

    def run(strategy):
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def fuzz(case):
            response = case.call(headers=headers)
            statuses.add(response.status_code)
            calls["n"] += 1
            case.validate_response(response, checks=checks, headers=headers)

        fuzz()

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.path.endswith("/schemas/bundle.json"):
            continue  # public, no parameter, no body: nothing a negative case could break
        run(operation.as_strategy(generation_mode=mode))
        # Anchored: the path names an object that exists, so the body and query reach the
        # service (generated ids alone are nearly always 404).
        names = re.findall(r"{(\w+)}", operation.path)
        anchors = {k: seeded[k] for k in names if k in seeded}
        if anchors:
            run(operation.as_strategy(generation_mode=mode, path_parameters=anchors))
    assert calls["n"] >= len(operations) * 5
    assert {200, 404, 422} <= statuses

"""A fuzzing pass over the OpenAPI document with schemathesis, in-process against the Flask app:
for every operation, data that fits the document and data that does not, sent with a valid
token. No answer may be a 500; answers to valid requests must match their documented schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from app.services.api_tokens import create_token

EXAMPLES = 20  # per operation and mode: about 1,000 requests in all


@pytest.fixture
def seeded(make):
    """A little real data, so that small generated ids also hit existing objects."""
    fy = make.fiscal_year(2026)
    for _ in range(2):
        opd = make.opd()
        sa = make.sub_activity(opd, fy)
        tag = make.tag(sa, amount="1000000")
        make.tag_village(tag, make.village(fy=fy, priority=True))
        make.realization(tag, make.quarter(fy, 1), amount="1000", progress="10", reached=1)
        make.submission(opd, make.quarter(fy, 1), "submitted")
    return fy


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

    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            response = case.call(headers=headers)
            calls["n"] += 1
            case.validate_response(response, checks=checks, headers=headers)

        fuzz()
    assert calls["n"] >= len(operations) * 5

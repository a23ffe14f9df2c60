import collections
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from app.services.api_tokens import create_token

def test_dbg(app, make):
    _, secret = create_token(make.user("secretariat"), "fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    stats = collections.Counter()
    for op in schema.get_all_operations():
        op = op.ok()
        @settings(max_examples=20, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=GenerationMode.POSITIVE))
        def fuzz(case):
            r = case.call(headers=headers)
            stats[(op.label, r.status_code)] += 1
            if op.label.startswith("GET /api/v1/rollups"): print(case.query, r.status_code, r.text[:150])
        fuzz()
    for k, v in sorted(stats.items()): print(k, v)
    assert 0

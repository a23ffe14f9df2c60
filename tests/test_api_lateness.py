"""Lateness from one function everywhere, the API included (issue 23): GET /api/v1/submissions
marks every quarter past its deadline that was never submitted `is_late` true with
`days_overdue`, also when the OPD never opened its sheet (no submission row), exactly as the
compliance board says; and the OpenAPI document says so."""
import pytest

from app.accounts.api_tokens import create_token
from app.cycle import compliance

AFTER = "2026-11-30T03:00:00"  # TW III 2026 due 15 October: 46 days late; TW II: 138


@pytest.fixture
def world(make, clock):
    fy = make.fiscal_year(2026)
    fy.is_current = True
    never, draft, ontime = make.opd(), make.opd(), make.opd()
    make.submission(draft, make.quarter(fy, 3), "draft")
    make.submission(ontime, make.quarter(fy, 3), "verified")
    clock(AFTER)
    return dict(fy=fy, never=never, draft=draft, ontime=ontime)


def _get(client, make, query):
    _, secret = create_token(make.user("secretariat"), "uji")
    resp = client.get(f"/api/v1/submissions?year=2026&per_page=200&{query}",
                      headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 200, resp.json
    return resp.json["items"]


def test_never_submitted_quarters_past_the_deadline_are_late_with_days(client, make, world):
    items = {(i["opd_id"], i["quarter"]): i for i in _get(client, make, "quarter=3")}
    never = items[(world["never"].id, 3)]  # no submission row at all
    assert never["is_late"] is True and never["days_overdue"] == 46
    assert never["status"] == "not_started" and never["id"] is None
    draft = items[(world["draft"].id, 3)]
    assert draft["is_late"] is True and draft["days_overdue"] == 46 and draft["id"]
    ontime = items[(world["ontime"].id, 3)]
    assert ontime["is_late"] is False and ontime["days_overdue"] is None
    # The same figures as the compliance function the board uses.
    q3 = world["fy"].quarters[2]
    assert never["days_overdue"] == compliance.days_overdue(q3, None)


def test_every_quarter_past_its_deadline_is_listed_for_an_opd_that_never_reported(
        client, make, world):
    items = _get(client, make, f"opd_id={world['never'].id}")
    assert [(i["quarter"], i["is_late"], i["days_overdue"]) for i in items] == [
        (1, True, 229), (2, True, 138), (3, True, 46)]  # TW IV not due yet: not listed
    late_only = _get(client, make, "status=not_started&quarter=3")
    assert {i["opd_id"] for i in late_only} == {world["never"].id}


def test_the_openapi_documents_days_overdue(client):
    spec = client.get("/api/v1/openapi.json").json
    props = spec["components"]["schemas"]["Submission"]["properties"]
    assert "days_overdue" in props and "tenggat" in props["is_late"]["description"]

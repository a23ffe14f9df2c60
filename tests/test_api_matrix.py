"""The permission matrix: every endpoint of the API x every role (an OPD officer of the data's own
OPD, one of another OPD, secretariat, viewer, admin, and a desa operator, issue 28) -> the expected
status; and no endpoint answers without a token."""
import pytest

from app.accounts.api_tokens import create_token
from models import User, db

ROLES = ("own", "other", "secretariat", "viewer", "admin", "desa")
# Issue 28: a desa operator's token reaches the verval endpoints only (403 everywhere else).
DESA = {"desa": 403}


def read(ok=200):
    return {"own": ok, "other": 403, "secretariat": ok, "viewer": ok, "admin": ok, **DESA}


def write(ok):
    return {"own": ok, "other": 403, "secretariat": ok, "viewer": 403, "admin": 403, **DESA}


def secretariat_only(ok=200):
    return {"own": 403, "other": 403, "secretariat": ok, "viewer": 403, "admin": 403, **DESA}


def everyone(ok=200):
    return {**dict.fromkeys(ROLES, ok), **DESA}


def verval(desa=200, secretariat=200):
    return {**dict.fromkeys(ROLES, 403), "desa": desa, "secretariat": secretariat}


SA = {"code": "1.06.05.2.02.0777", "name": "Baru", "program_name": "P", "activity_name": "K",
      "allocation_original": "1000000"}
TAG = {"strategy_code": 1, "tag_kind_code": "langsung", "amount": "1000",
       "description": "Aktivitas"}
REAL = {"amount": "1000", "physical_progress": "10", "reached_count": 1}

# (method, path template, body template, expected by role)
ENDPOINTS = [
    ("GET", "/api/v1/reference/opds", None, everyone()),
    ("GET", "/api/v1/reference/strategies", None, everyone()),
    ("GET", "/api/v1/reference/tag-kinds", None, everyone()),
    ("GET", "/api/v1/reference/funding-sources", None, everyone()),
    ("GET", "/api/v1/reference/fiscal-years", None, everyone()),
    ("GET", "/api/v1/reference/districts", None, everyone()),
    ("GET", "/api/v1/reference/villages?year=2026", None, everyone()),
    ("GET", "/api/v1/sub-activities?year=2026&opd_id={opd}", None, read()),
    ("GET", "/api/v1/sub-activities/{sa}", None, read()),
    ("POST", "/api/v1/sub-activities", {**SA, "opd_id": "{opd}", "year": 2026}, write(201)),
    ("PUT", "/api/v1/sub-activities/{sa}",
     {**SA, "code": "1.06.05.2.02.0001", "allocation_original": "20000000",
      "version": "{sa_version}"}, write(200)),
    ("DELETE", "/api/v1/sub-activities/{sa_free}?version={sa_free_version}", None, write(204)),
    ("GET", "/api/v1/tags?year=2026&opd_id={opd}", None, read()),
    ("GET", "/api/v1/tags/{tag}", None, read()),
    ("POST", "/api/v1/tags", {**TAG, "sub_activity_id": "{sa}"}, write(201)),
    ("PUT", "/api/v1/tags/{tag}", {**TAG, "amount": "5000", "version": "{tag_version}"},
     write(200)),
    ("DELETE", "/api/v1/tags/{tag_free}?version={tag_free_version}", None, write(204)),
    ("GET", "/api/v1/realizations?year=2026&opd_id={opd}", None, read()),
    ("GET", "/api/v1/tags/{tag}/realizations/1", None, read()),
    ("PUT", "/api/v1/tags/{tag}/realizations/3", REAL, write(200)),
    ("GET", "/api/v1/submissions?year=2026&opd_id={opd}", None, read()),
    ("GET", "/api/v1/submissions/{sub_draft}", None, read()),
    ("POST", "/api/v1/submissions/{sub_draft}/transitions", {"action": "submit"}, write(200)),
    ("POST", "/api/v1/submissions/{sub_submitted}/transitions", {"action": "verify"},
     secretariat_only()),
    ("POST", "/api/v1/submissions/{sub_submitted}/transitions",
     {"action": "return", "note": "Lengkapi"}, secretariat_only()),
    ("POST", "/api/v1/submissions/{sub_verified}/transitions",
     {"action": "reopen", "note": "Koreksi"}, secretariat_only()),
    ("GET", "/api/v1/rollups?year=2026&by=strategy", None, everyone()),
    ("GET", "/api/v1/rollups?year=2026&by=opd", None, everyone()),
    ("GET", "/api/v1/rollups?year=2026&by=tag&opd_id={opd}", None, read()),
    ("GET", "/api/v1/rollups?year=2026&by=sub_activity&sub_activity_id={sa}", None, read()),
    ("POST", "/api/v1/reports", {"variant": "opd", "year": 2026, "quarter": 1, "opd_id": "{opd}"},
     read()),
    ("GET", "/api/v1/reports/{report}", None, read()),
    ("GET", "/api/v1/reports/{report}/file", None, read()),
    # issue 14: evidence of a figure (a POST without a file is a 422 for those who may write)
    ("GET", "/api/v1/tags/{tag}/realizations/1/evidence", None, read()),
    ("POST", "/api/v1/tags/{tag}/realizations/1/evidence", None, write(422)),
    ("GET", "/api/v1/evidence/{evidence}/file", None, read()),
    # issue 17: the lokus desa convergence with every source (secretariat, viewer, admin)
    ("GET", "/api/v1/lokus/convergence?year=2026", None,
     {"own": 403, "other": 403, "secretariat": 200, "viewer": 200, "admin": 200, **DESA}),
    # issue 16: household coverage, counts only, for every role
    ("GET", "/api/v1/coverage?year=2026", None, everyone()),
    # issue 18: the province's inbox takes a kabupaten's push token (tgk_), never a user's
    ("POST", "/api/v1/federation/bundles", {"bundle": {}, "signature": {}}, everyone(403)),
    ("PUT", "/api/v1/federation/bundles/{report}/report", None, everyone(403)),
    # issue 27: the simplified desa/kecamatan boundaries, for every role (GIS of the pemda)
    ("GET", "/api/v1/areas/boundaries?level=desa", None, everyone()),
    # issue 26: screening suggestions write nothing; every role may ask
    ("POST", "/api/v1/suggestions/tags", {"items": [{"name": "Penyediaan Jamban Sehat"}]},
     everyone()),
    # issue 28: verval by the desa operator (its own desa), read by the secretariat too
    ("GET", "/api/v1/verval/campaigns", None, verval()),
    ("GET", "/api/v1/verval/campaigns/{campaign}/progress", None, verval()),
    ("POST", "/api/v1/verval/campaigns/{campaign}/records",
     {"nik": "3299000000000001", "status": "masih"}, verval(secretariat=403)),
]
# Documented, and public on purpose (no token): the bundle's JSON Schema (issue 18).
PUBLIC = {("GET", "/api/v1/schemas/bundle.json")}


@pytest.fixture(scope="module")
def _world(module_transaction):
    """Built once for the module (in its transaction; each test's own writes are rolled back):
    (user ids by role, object ids)."""
    from . import factories as make

    users, ids = _build_world(make)
    db.session.commit()  # into the module's transaction, which is rolled back after the module
    return {role: u.id for role, u in users.items()}, ids


@pytest.fixture
def world(_world):
    """(users by role, loaded in the test's own session, object ids)."""
    user_ids, ids = _world
    return {role: db.session.get(User, uid) for role, uid in user_ids.items()}, dict(ids)


def _build_world(make):
    fy, fy_free, fy_locked = (make.fiscal_year(y) for y in (2026, 2027, 2028))
    opd = make.opd()
    sa = make.sub_activity(opd, fy, allocation="10000000", code="1.06.05.2.02.0001")
    tag = make.tag(sa, amount="4000000", target_count=100)
    make.realization(tag, make.quarter(fy, 1), amount="100000", progress="10", reached=5)
    # Deletable objects live in a year without realization or verified reports.
    sa_free = make.sub_activity(opd, fy_free)
    tag_free = make.tag(make.sub_activity(opd, fy_free))
    users = {"own": make.user("opd", opd_obj=opd), "other": make.user("opd"),
             "secretariat": make.user("secretariat"), "viewer": make.user("viewer"),
             "admin": make.user("admin")}
    ids = {"campaign": _verval(make, users)}  # issue 28
    ids |= {
        "opd": opd.id, "sa": sa.id, "sa_version": sa.version, "tag": tag.id,
        "tag_version": tag.version, "sa_free": sa_free.id, "sa_free_version": sa_free.version,
        "tag_free": tag_free.id, "tag_free_version": tag_free.version,
        "sub_draft": make.submission(opd, make.quarter(fy, 1), "draft").id,
        "sub_submitted": make.submission(opd, make.quarter(fy, 2), "submitted").id,
        "sub_verified": make.submission(opd, make.quarter(fy_locked, 1), "verified").id,
        "report": _finished_build(opd),
        "evidence": _evidence(opd, tag),  # issue 14
    }
    return users, ids


def _verval(make, users) -> int:
    """Issue 28: a campaign over the verval world's desa A, whose operator is "desa"."""
    from datetime import date

    from app.verval import campaigns

    from . import verval_world

    vw = verval_world.build(make)
    users["desa"] = vw["users"]["a"]
    return campaigns.open_campaign("Verval API", date(2099, 1, 1), None, users["secretariat"]).id


def _evidence(opd, tag) -> int:
    """An evidence file of the tag's TW I figure, its bytes in the storage folder."""
    from sqlalchemy import select

    from app.cycle import evidence as evidence_service
    from models import Evidence, Realization, db

    folder = evidence_service.storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{tag.id:032x}"
    (folder / key).write_bytes(b"%PDF-1.4\n%%EOF\n")
    real = db.session.scalar(select(Realization).where(Realization.tag_id == tag.id))
    ev = Evidence(realization_id=real.id, opd_id=opd.id, filename="sp2d.pdf",
                  content_type="application/pdf", size=15, sha256="0" * 64, storage_key=key)
    db.session.add(ev)
    db.session.flush()
    return ev.id


def _finished_build(opd) -> int:
    """A finished report build of the OPD (its file is not the matter here, its owner is)."""
    from app.reports.build_service import request_build

    build, _ = request_build("pdf", year=2026, variant="opd", quarter=1, opd_id=opd.id)
    build.status, build.progress, build.data, build.file_name = "done", 100, b"%PDF", "r.pdf"
    return build.id


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _id(endpoint):
    method, path, body, _ = endpoint
    action = f" {body['action']}" if body and "action" in body else ""
    return f"{method} {path.split('?')[0]}{action}"


CASES = [(e, role) for e in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize("endpoint, role", CASES,
                         ids=[f"{_id(e)} [{r}]" for e, r in CASES])
def test_permission_matrix(client, world, endpoint, role):
    users, ids = world
    method, path, body, expected = endpoint
    _, secret = create_token(users[role], "matriks")
    resp = client.open(path.format(**ids), method=method, json=_fill(body, ids),
                       headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == expected[role], resp.get_data(as_text=True)[:500]
    if resp.status_code >= 400:
        assert resp.json["code"] == resp.status_code and resp.json["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[_id(e) for e in ENDPOINTS])
def test_every_endpoint_demands_a_token(client, world, endpoint):
    _, ids = world
    method, path, body, _ = endpoint
    resp = client.open(path.format(**ids), method=method, json=_fill(body, ids))
    assert resp.status_code == 401 and resp.json["status"] == "Unauthorized"


def test_matrix_covers_every_documented_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops
                  if m in ("get", "post", "put", "delete")}
    covered = set()
    for method, path, _, _ in ENDPOINTS:
        template = path.split("?")[0]
        for name in ("sa_free", "tag_free", "sub_draft", "sub_submitted", "sub_verified"):
            template = template.replace("{" + name + "}", "{x}")
        template = (template.replace("/sub-activities/{sa}", "/sub-activities/{sub_activity_id}")
                    .replace("/sub-activities/{x}", "/sub-activities/{sub_activity_id}")
                    .replace("/tags/{tag}", "/tags/{tag_id}").replace("/tags/{x}", "/tags/{tag_id}")
                    .replace("/submissions/{x}", "/submissions/{submission_id}")
                    .replace("/reports/{report}", "/reports/{build_id}")
                    .replace("/bundles/{report}/", "/bundles/{bundle_id}/")
                    .replace("/evidence/{evidence}", "/evidence/{evidence_id}")
                    .replace("/realizations/1", "/realizations/{quarter}")
                    .replace("/realizations/3", "/realizations/{quarter}")
                    .replace("/campaigns/{campaign}/", "/campaigns/{campaign_id}/"))
        covered.add((method, template))
    assert documented - PUBLIC <= covered, documented - PUBLIC - covered
    for method, path in PUBLIC:
        assert path in spec["paths"] and client.open(path, method=method).status_code == 200

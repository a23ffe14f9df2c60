"""Evidence through the API: list, upload (multipart) and download a tag's quarter evidence with
a token, under the UI's rules: judged by content, only while the report is open, readable by
whoever may read the OPD, and an upload fulfils the reviewer's open request."""
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.accounts.api_tokens import create_token
from models import Evidence, db
from models.evidence import EvidenceRequest

from .test_evidence import PDF, png, store  # noqa: F401  (fixtures)


@pytest.fixture
def w(make):
    opd, fy, (tag,) = make.tagged_opd(1)
    q = make.quarter(fy, 2)
    make.realization(tag, q, "100000", "10", 5)
    return {"opd": opd, "fy": fy, "tag": tag, "q": q,
            "officer": make.user("opd", opd_obj=opd), "other": make.user("opd"),
            "viewer": make.user("viewer"), "sec": make.user("secretariat")}


def _headers(user):
    return {"Authorization": f"Bearer {create_token(user, 'uji')[1]}"}


def _path(w, quarter=2):
    return f"/api/v1/tags/{w['tag'].id}/realizations/{quarter}/evidence"


def _upload(client, user, w, data, name="sp2d.pdf", quarter=2):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(_path(w, quarter), data=body, headers=_headers(user),
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_list_download(client, store, w):  # noqa: F811
    resp = _upload(client, w["officer"], w, PDF)
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["filename"] == "sp2d.pdf" and body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["file_url"] == f"/api/v1/evidence/{body['id']}/file"
    ev = db.session.get(Evidence, body["id"])
    assert (store / ev.storage_key).read_bytes() == PDF
    listed = client.get(_path(w), headers=_headers(w["viewer"]))
    assert listed.status_code == 200 and [e["id"] for e in listed.json] == [body["id"]]
    got = client.get(body["file_url"], headers=_headers(w["sec"]))
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    # An empty list for another quarter; a quarter that does not exist is a 404.
    assert client.get(_path(w, 1), headers=_headers(w["officer"])).json == []


def test_same_access_rules_as_the_ui(client, store, w):  # noqa: F811
    ev_id = _upload(client, w["officer"], w, PDF).json["id"]
    assert client.get(_path(w), headers=_headers(w["other"])).status_code == 403
    assert client.get(f"/api/v1/evidence/{ev_id}/file",
                      headers=_headers(w["other"])).status_code == 403
    assert _upload(client, w["other"], w, PDF).status_code == 403
    assert _upload(client, w["viewer"], w, PDF).status_code == 403
    assert client.get(_path(w)).status_code == 401  # no token
    assert client.get(f"/api/v1/evidence/{ev_id}/file").status_code == 401
    assert client.get("/api/v1/evidence/999999/file",
                      headers=_headers(w["sec"])).status_code == 404
    assert db.session.query(Evidence).count() == 1


def test_refusals_in_the_api_shape(client, make, store, w):  # noqa: F811
    resp = _upload(client, w["officer"], w, b"bukan pdf", name="palsu.pdf")
    assert resp.status_code == 422 and "PDF, JPG, atau PNG" in resp.json["message"]
    resp = client.post(_path(w), headers=_headers(w["officer"]))
    assert resp.status_code == 422 and "file" in resp.json["message"]
    resp = _upload(client, w["officer"], w, PDF, quarter=3)  # no figure saved for TW III
    assert resp.status_code == 422 and "Simpan realisasi" in resp.json["message"]
    make.submission(w["opd"], w["q"], "submitted")
    resp = _upload(client, w["officer"], w, png(), name="foto.png")
    assert resp.status_code == 409
    assert db.session.query(Evidence).count() == 0 and list(store.iterdir()) == []


def test_upload_fulfils_the_reviewers_request(client, store, w):  # noqa: F811
    req = EvidenceRequest(tag_id=w["tag"].id, quarter_id=w["q"].id, opd_id=w["opd"].id,
                          note="SP2D", requested_by_id=w["sec"].id)
    db.session.add(req)
    db.session.flush()
    assert _upload(client, w["officer"], w, PDF).status_code == 201
    db.session.refresh(req)
    assert req.status == "fulfilled"


@pytest.mark.parametrize("name, data, kind", [
    ("foto.png", "png", "image/png"), ("sp2d.pdf", "pdf", "application/pdf")])
def test_the_file_answer_matches_its_documented_content_types(app, client, store, w,  # noqa: F811
                                                              name, data, kind):
    import schemathesis
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    body = png() if data == "png" else PDF
    ev_id = _upload(client, w["officer"], w, body, name=name).json["id"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema["/api/v1/evidence/{evidence_id}/file"]["GET"]
    documented = set(operation.definition.raw["responses"]["200"]["content"])
    assert documented == {"image/png", "image/jpeg", "application/pdf"}
    headers = _headers(w["sec"])
    case = operation.Case(path_parameters={"evidence_id": ev_id})
    response = case.call(headers=headers)
    assert response.status_code == 200 and response.headers["content-type"][0] == kind
    case.validate_response(response, headers=headers, checks=[
        content_type_conformance, response_schema_conformance, status_code_conformance])

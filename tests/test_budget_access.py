"""The per-object guard on every workspace route, tried by URL: another OPD's objects are 403
for an opd user, and a viewer cannot write anywhere. Nothing is written by a refused request."""
import pytest
from sqlalchemy import func, select

from models import AuditLog, SubActivity, Tag, db


@pytest.fixture
def other(make):
    """OPD B's objects, which an officer of OPD A must not reach."""
    fy = make.fiscal_year(2026)
    opd_b = make.opd()
    sa = make.sub_activity(opd_obj=opd_b, fy=fy)
    tag = make.tag(sa, amount="1000")
    return {"opd": opd_b, "sa": sa, "tag": tag, "fy": fy}


def routes(o):
    sa, tag, opd = o["sa"].id, o["tag"].id, o["opd"].id
    return [
        ("GET", f"/sub-kegiatan/?opd={opd}", "budget.index"),
        ("GET", f"/sub-kegiatan/{sa}", "budget.sa_detail"),
        ("GET", f"/sub-kegiatan/{sa}/riwayat", "budget.sa_history"),
        ("GET", f"/sub-kegiatan/{sa}/ubah", "budget.sa_edit"),
        ("POST", f"/sub-kegiatan/{sa}/ubah", "budget.sa_edit"),
        ("POST", f"/sub-kegiatan/{sa}/hapus", "budget.sa_delete"),
        ("GET", f"/sub-kegiatan/{sa}/tag/baru", "budget.tag_new"),
        ("POST", f"/sub-kegiatan/{sa}/tag/baru", "budget.tag_new"),
        ("GET", f"/sub-kegiatan/tag/{tag}/ubah", "budget.tag_edit"),
        ("POST", f"/sub-kegiatan/tag/{tag}/ubah", "budget.tag_edit"),
        ("POST", f"/sub-kegiatan/tag/{tag}/hapus", "budget.tag_delete"),
        ("GET", f"/sub-kegiatan/baru?opd={opd}&tahun=2026", "budget.sa_new"),
        ("POST", f"/sub-kegiatan/baru?opd={opd}&tahun=2026", "budget.sa_new"),
        ("GET", f"/sub-kegiatan/impor?opd={opd}&tahun=2026", "budget.import_upload"),
        ("POST", f"/sub-kegiatan/impor?opd={opd}&tahun=2026", "budget.import_upload"),
    ]


READS = {"budget.index", "budget.sa_detail", "budget.sa_history"}
FORM = {"code": "1.06.05.2.02.0777", "name": "X", "program_name": "P", "activity_name": "K",
        "allocation_original": "1", "amount": "1", "strategy_id": "1", "tag_kind_id": "1",
        "description": "d", "version": "1"}


def writes(opd_id):
    return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.opd_id == opd_id))


def test_every_budget_route_is_in_this_test(app, other):
    covered = {endpoint for _m, _u, endpoint in routes(other)}
    covered |= {"budget.import_commit", "budget.import_template"}  # tested below
    covered |= {"budget.import_status"}  # its owner only: tests/test_import_jobs.py
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("budget.")}
    assert endpoints == covered


def test_opd_user_of_another_opd_is_refused_everywhere(client, make, login, other):
    login(make.user("opd", opd_obj=make.opd()))
    for method, url, endpoint in routes(other):
        resp = client.open(url, method=method, data=FORM)
        assert resp.status_code == 403, (method, url, endpoint)
    assert writes(other["opd"].id) == 0
    db.session.refresh(other["sa"])
    assert other["sa"].name != "X" and db.session.get(Tag, other["tag"].id) is not None


def test_viewer_reads_but_cannot_write(client, make, login, other):
    login(make.user("viewer"))
    for method, url, endpoint in routes(other):
        resp = client.open(url, method=method, data=FORM)
        expected = 200 if (method == "GET" and endpoint in READS) else 403
        assert resp.status_code == expected, (method, url)
    assert writes(other["opd"].id) == 0


@pytest.mark.parametrize("role", ["admin"])
def test_admin_reads_but_cannot_write(client, make, login, other, role):
    login(make.user(role))
    assert client.get(f"/sub-kegiatan/{other['sa'].id}").status_code == 200
    assert client.post(f"/sub-kegiatan/{other['sa'].id}/hapus",
                       data={"version": "1"}).status_code == 403
    assert db.session.get(SubActivity, other["sa"].id) is not None


def test_secretariat_may_write_for_any_opd(client, make, login, other):
    login(make.user("secretariat"))
    resp = client.get(f"/sub-kegiatan/{other['sa'].id}/ubah")
    assert resp.status_code == 200
    resp = client.post(f"/sub-kegiatan/tag/{other['tag'].id}/hapus",
                       data={"version": other["tag"].version})
    assert resp.status_code == 302 and db.session.get(Tag, other["tag"].id) is None


def test_missing_objects_are_404(client, make, login):
    login(make.user("secretariat"))
    for url in ("/sub-kegiatan/999999", "/sub-kegiatan/tag/999999/ubah",
                "/sub-kegiatan/999999/riwayat", "/sub-kegiatan/?opd=999999"):
        assert client.get(url).status_code == 404, url


def test_template_download_needs_login(client, make, login):
    resp = client.get("/sub-kegiatan/impor/templat")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    login(make.user("opd"))
    resp = client.get("/sub-kegiatan/impor/templat")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"

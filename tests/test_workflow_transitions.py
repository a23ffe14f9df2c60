"""The submission state machine, tried through the routes: every transition by role and state."""
import pytest

from models import AuditLog, ReviewComment, Submission, SubmissionEvent, db

ROUTES = {"verify": "verifikasi", "return": "kembalikan", "reopen": "buka-kembali"}
FORM = {"verify": {}, "return": {"general": "Mohon lengkapi."},
        "reopen": {"reason": "Koreksi data lokus."}}
# transition -> (states it may start from, the state it leads to)
ALLOWED_FROM = {"submit": ("draft", "returned"), "verify": ("submitted",),
                "return": ("submitted",), "reopen": ("verified",)}
TARGET = {"submit": "submitted", "verify": "verified", "return": "returned",
          "reopen": "returned"}
STATES = ("draft", "submitted", "returned", "verified")


@pytest.fixture
def setup(make):
    opd, fy, tags = make.tagged_opd(2)
    q = make.quarter(fy, 1)
    for t in tags:
        make.realization(t, q, amount="100000", progress="10", reached=5)
    return opd, q, tags


def _post(client, action, sub, opd, q):
    if action == "submit":
        return client.post(f"/realisasi/{opd.id}/{q.id}/ajukan")
    return client.post(f"/verifikasi/{sub.id}/{ROUTES[action]}", data=FORM[action])


def _user(make, who, opd):
    if who == "own_opd":
        return make.user("opd", opd_obj=opd)
    if who == "other_opd":
        return make.user("opd")
    return make.user(who)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ALLOWED_FROM))
@pytest.mark.parametrize("who", ["own_opd", "other_opd", "secretariat", "viewer", "admin"])
def test_transition_matrix(client, make, login, setup, who, action, state):
    opd, q, _ = setup
    sub = make.submission(opd, q, status=state)
    login(_user(make, who, opd))
    before_events = db.session.query(SubmissionEvent).count()
    resp = _post(client, action, sub, opd, q)
    may_act = (who in ("own_opd", "secretariat") if action == "submit"
               else who == "secretariat")
    db.session.expire_all()
    if not may_act:
        assert resp.status_code == 403
        assert sub.status == state
    elif state not in ALLOWED_FROM[action]:
        assert resp.status_code == 409
        assert sub.status == state
        body = resp.get_data(as_text=True)
        assert "Status saat ini" in body
    else:
        assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
        assert sub.status == TARGET[action]
        event = db.session.query(SubmissionEvent).filter_by(submission_id=sub.id).order_by(
            SubmissionEvent.id.desc()).first()
        assert (event.from_status, event.to_status) == (state, TARGET[action])
        return
    assert db.session.query(SubmissionEvent).count() == before_events


@pytest.mark.parametrize("action,state,audit_action", [
    ("submit", "draft", "submit"), ("submit", "returned", "resubmit"),
    ("verify", "submitted", "verify"), ("return", "submitted", "return"),
    ("reopen", "verified", "reopen"),
])
def test_every_transition_is_audited(client, make, login, setup, action, state, audit_action):
    opd, q, _ = setup
    sub = make.submission(opd, q, status=state)
    actor = login(make.user("opd", opd_obj=opd) if action == "submit"
                  else make.user("secretariat"))
    assert _post(client, action, sub, opd, q).status_code == 302
    entry = db.session.query(AuditLog).filter_by(entity="submission", entity_id=sub.id,
                                                 action=audit_action).one()
    assert entry.user_id == actor.id and entry.opd_id == opd.id
    assert entry.old_values == {"status": state}
    assert entry.new_values["status"] == TARGET[action]


def test_secretariat_submits_on_behalf(client, make, login, setup):
    opd, q, _ = setup
    sec = login(make.user("secretariat"))
    assert client.post(f"/realisasi/{opd.id}/{q.id}/ajukan").status_code == 302
    sub = db.session.query(Submission).filter_by(opd_id=opd.id, quarter_id=q.id).one()
    assert sub.status == "submitted"
    assert sub.events[-1].actor_id == sec.id


def test_return_needs_general_comment_and_keeps_tag_comments(client, make, login, setup):
    opd, q, tags = setup
    sub = make.submission(opd, q, status="submitted")
    login(make.user("secretariat"))
    resp = client.post(f"/verifikasi/{sub.id}/kembalikan",
                       data={"general": "  ", f"c-{tags[0].id}": "Fisik?"})
    assert resp.status_code == 200
    assert "Tuliskan catatan umum" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert sub.status == "submitted"
    resp = client.post(f"/verifikasi/{sub.id}/kembalikan", data={
        "general": "Periksa lagi realisasi fisik.", f"c-{tags[0].id}": "Fisik 10 % tanpa bukti."})
    assert resp.status_code == 302
    comments = db.session.query(ReviewComment).filter_by(submission_id=sub.id).all()
    assert {(c.tag_id, c.body) for c in comments} == {
        (None, "Periksa lagi realisasi fisik."), (tags[0].id, "Fisik 10 % tanpa bukti.")}
    assert all(c.event_id == sub.events[-1].id for c in comments)


def test_return_refuses_comment_on_foreign_tag(client, make, login, setup):
    opd, q, _ = setup
    foreign = make.tag()
    sub = make.submission(opd, q, status="submitted")
    login(make.user("secretariat"))
    resp = client.post(f"/verifikasi/{sub.id}/kembalikan",
                       data={"general": "x", f"c-{foreign.id}": "bukan milik"})
    assert resp.status_code == 200
    assert "bukan milik OPD ini" in resp.get_data(as_text=True)
    assert db.session.query(ReviewComment).count() == 0


def test_reopen_needs_reason_and_returns_with_comment(client, make, login, setup):
    opd, q, _ = setup
    sub = make.submission(opd, q, status="verified")
    login(make.user("secretariat"))
    resp = client.post(f"/verifikasi/{sub.id}/buka-kembali", data={"reason": ""})
    assert "Alasan membuka kembali wajib diisi" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert sub.status == "verified"
    client.post(f"/verifikasi/{sub.id}/buka-kembali", data={"reason": "Salah input desa."})
    db.session.expire_all()
    assert sub.status == "returned" and sub.verified_at is None
    assert sub.comments[-1].body == "Salah input desa."


def test_stale_decision_is_refused(client, make, login, setup):
    opd, q, _ = setup
    sub = make.submission(opd, q, status="submitted")
    login(make.user("secretariat"))
    resp = client.post(f"/verifikasi/{sub.id}/verifikasi", data={"version": sub.version + 5})
    assert resp.status_code == 409
    db.session.expire_all()
    assert sub.status == "submitted"


def test_full_cycle_return_resubmit_verify(client, make, login, setup):
    opd, q, _ = setup
    officer, sec = make.user("opd", opd_obj=opd), make.user("secretariat")
    login(officer)
    assert client.post(f"/realisasi/{opd.id}/{q.id}/ajukan").status_code == 302
    sub = db.session.query(Submission).filter_by(opd_id=opd.id).one()
    login(sec)
    client.post(f"/verifikasi/{sub.id}/kembalikan", data={"general": "Lengkapi lokus."})
    login(officer)
    assert "Lengkapi lokus." in client.get("/").get_data(as_text=True)
    client.post(f"/realisasi/{opd.id}/{q.id}/ajukan")
    login(sec)
    assert client.post(f"/verifikasi/{sub.id}/verifikasi").status_code == 302
    db.session.expire_all()
    assert [(e.from_status, e.to_status) for e in sub.events] == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "returned"),
        ("returned", "submitted"), ("submitted", "verified")]
    assert sub.verified_at is not None and sub.first_submitted_at <= sub.submitted_at

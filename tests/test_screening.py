"""Screening (issue 26): suggestions are decided by people; decisions and the province's
consensus change what is suggested next."""
import csv
import hashlib

from sqlalchemy import func, select

from app.screening import reference
from app.screening.evidence import gather
from app.screening.service import suggest_items
from models import AuditLog, Notification, SuggestionDecision, Tag, db

SANITATION = {"name": "Pembangunan Jamban Sehat Komunal bagi Keluarga Miskin",
              "program": "Program Pengelolaan dan Pengembangan Sistem Air Limbah",
              "activity": "Pengelolaan dan Pengembangan Sistem Air Limbah Domestik"}
OFFICE = {"name": "Penyediaan Alat Tulis Kantor Sekretariat",
          "program": "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
          "activity": "Administrasi Umum Perangkat Daerah"}


def _line(make, fy, opd=None, code="1.03.05.2.01.9001", item=SANITATION):
    return make.sub_activity(opd_obj=opd, fy=fy, code=code, name=item["name"],
                             program_name=item["program"], activity_name=item["activity"])


def test_reference_data_loads_and_has_the_documented_shape():
    rows = reference.load()
    with reference.REFERENCE_CSV.open(encoding="utf-8") as fh:
        assert tuple(csv.DictReader(fh).fieldnames) == reference.COLUMNS
    assert len(rows) > 1500
    codes = [r["code"] for r in rows if r["code"]]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert r["name"].strip()
        if r["code"]:
            parts = r["code"].split(".")
            assert len(parts) == 6 and parts[3] == "2" and len(parts[5]) == 4
        if r["relevant"]:
            assert r["strategy"] in (1, 2, 3) and r["kind"] in reference.KINDS
        else:
            assert r["strategy"] is None and r["kind"] is None
    assert {r["strategy"] for r in rows if r["relevant"]} == {1, 2, 3}
    meta = reference.meta()
    assert meta["sha256"] == hashlib.sha256(reference.REFERENCE_CSV.read_bytes()).hexdigest()
    assert meta["rows"] == len(rows)


def test_held_out_evaluation_set_is_not_in_the_training_reference():
    held = reference.evaluation()
    assert len(held) >= 100 and {e["strategy"] for e in held if e["relevant"]} == {1, 2, 3}
    trained = {reference.norm(r["name"]) for r in reference.load()}
    assert not {reference.norm(e["name"]) for e in held} & trained
    from app.demo.catalog import SUB_ACTIVITIES

    demo = {reference.norm(s["name"]) for s in SUB_ACTIVITIES}
    assert not {reference.norm(e["name"]) for e in held} & demo


def test_suggester_reads_words_and_explains_them(app):
    sanitation, office = suggest_items([SANITATION, OFFICE])
    assert sanitation.relevant and sanitation.strategy_code == 3
    assert any(r.startswith("kata: ") and "jamban" in r for r in sanitation.reasons)
    assert not office.relevant and office.score < sanitation.score


def test_accepted_suggestion_becomes_a_tag_only_through_the_tag_form_and_is_audited(
        client, make, login):
    fy = make.fiscal_year(2026)
    sa = _line(make, fy)
    login(make.user("secretariat"))
    page = client.get(f"/penyaringan/?tahun={fy.year}").get_data(as_text=True)
    assert sa.name in page and "Terima" in page
    form_url = f"/sub-kegiatan/{sa.id}/tag/baru?saran=1&strategi=3&kelompok=langsung&skor=0.9"
    opened = client.get(form_url).get_data(as_text=True)
    assert "Dibuka dari saran penyaringan" in opened
    assert db.session.scalar(select(func.count(Tag.id)).where(Tag.sub_activity_id == sa.id)) == 0
    assert db.session.scalar(select(func.count(SuggestionDecision.id))) == 0
    strategy, kind = make.strategy(3), make.tag_kind("langsung")
    resp = client.post(form_url, data={
        "strategy_id": strategy.id, "tag_kind_id": kind.id, "amount": "25.000.000",
        "description": "Jamban sehat bagi 50 KK desil 1", "target_count": "50",
        "target_unit": "KK"})
    assert resp.status_code == 302
    tag = db.session.scalar(select(Tag).where(Tag.sub_activity_id == sa.id))
    decision = db.session.scalar(select(SuggestionDecision))
    assert decision.decision == "accepted" and decision.tag_id == tag.id
    assert (decision.strategy_code, decision.tag_kind_code) == (3, "langsung")
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "accept_suggestion", AuditLog.entity_id == decision.id)) is not None
    assert sa.name not in client.get(f"/penyaringan/?tahun={fy.year}").get_data(as_text=True)


def test_rejected_line_is_not_suggested_again(client, make, login):
    fy = make.fiscal_year(2026)
    sa = _line(make, fy)
    login(make.user("secretariat"))
    refused = client.post(f"/penyaringan/{sa.id}/tolak", data={"reason": "  "})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(SuggestionDecision.id))) == 0
    resp = client.post(f"/penyaringan/{sa.id}/tolak",
                       data={"reason": "Dibiayai DAK, bukan sasaran desil 1"})
    assert resp.status_code == 302
    decision = db.session.scalar(select(SuggestionDecision))
    assert decision.decision == "rejected" and decision.reason.startswith("Dibiayai DAK")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "reject_suggestion"))
    assert sa.name not in client.get(f"/penyaringan/?tahun={fy.year}").get_data(as_text=True)


def test_a_decision_changes_the_next_suggestion_for_the_same_code(make, app):
    from app.screening import decisions

    earlier, now = make.fiscal_year(2025), make.fiscal_year(2026)
    item = {**SANITATION, "code": "1.03.05.2.01.9002"}
    before = suggest_items([item], evidence=gather(now.id))[0]
    decisions.reject(_line(make, earlier, code=item["code"]), "Bukan sasaran", None)
    after_reject = suggest_items([item], evidence=gather(now.id))[0]
    assert after_reject.score < before.score
    assert "kode sama ditolak pada 2025: Bukan sasaran" in after_reject.reasons
    tagged = make.tag(_line(make, earlier, code="1.03.05.2.01.9003"), strategy_code=2,
                      kind="penunjang")
    decisions.accept(tagged, None)
    accepted = suggest_items([{**SANITATION, "code": "1.03.05.2.01.9003"}],
                             evidence=gather(now.id))[0]
    assert (accepted.strategy_code, accepted.tag_kind_code) == (2, "penunjang")
    assert accepted.reasons[0] == "kode sama diterima sebagai Strategi 2 penunjang pada 2025"


def test_own_tag_of_an_earlier_year_is_a_reason(make, app):
    earlier, now = make.fiscal_year(2025), make.fiscal_year(2026)
    make.tag(_line(make, earlier, code="1.03.05.2.01.9004"), strategy_code=3, kind="langsung")
    s = suggest_items([{**SANITATION, "code": "1.03.05.2.01.9004"}],
                      evidence=gather(now.id))[0]
    assert "kode sama ditandai Strategi 3 langsung pada 2025" in s.reasons


def test_send_to_opd_notifies_its_officers_with_the_list(client, make, login):
    fy = make.fiscal_year(2026)
    opd = make.opd()
    officer = make.user("opd", opd_obj=opd)
    sa = _line(make, fy, opd=opd)
    login(make.user("secretariat"))
    resp = client.post(f"/penyaringan/kirim?tahun={fy.year}", data={"sa_ids": [str(sa.id)]})
    assert resp.status_code == 302
    note = db.session.scalar(select(Notification).where(Notification.user_id == officer.id))
    assert note is not None and sa.code in note.text and "peninjauan 1 sub kegiatan" in note.text


def test_screening_page_is_for_the_secretariat_only(client, make, login):
    fy = make.fiscal_year(2026)
    sa = _line(make, fy)
    login(make.user("opd", opd_obj=sa.opd))
    assert client.get(f"/penyaringan/?tahun={fy.year}").status_code == 403
    assert client.post(f"/penyaringan/{sa.id}/tolak", data={"reason": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(SuggestionDecision.id))) == 0


def test_opd_list_shows_the_suggestion_next_to_an_untagged_line(client, make, login):
    fy = make.fiscal_year(2026)
    sa = _line(make, fy)
    login(make.user("secretariat"))
    client.get(f"/penyaringan/?tahun={fy.year}")  # the model exists once screening ran
    page = client.get(f"/sub-kegiatan/?opd={sa.opd_id}&tahun={fy.year}").get_data(as_text=True)
    assert "saran: S3" in page


def test_enough_decisions_retrain_the_model_in_the_background(client, make, login, app):
    import pickle

    from app.screening import store

    fy = make.fiscal_year(2026)
    sa = _line(make, fy, code="9.99.99.2.01.9999", item=OFFICE)
    login(make.user("secretariat"))
    client.get(f"/penyaringan/?tahun={fy.year}")
    before = store.current()
    app.config["SCREENING_RETRAIN_AFTER"] = 1
    try:
        client.post(f"/penyaringan/{sa.id}/tolak", data={"reason": "Bukan sasaran"})
        after = store.current()
        assert after is not before and after.trained_at > before.trained_at
        # The shipped reference plus the rejected line, as a negative.
        assert after.trained_rows == len(reference.load()) + 1
    finally:
        app.config["SCREENING_RETRAIN_AFTER"] = 1_000_000
        # Put the shared model back: the other tests of this process read it.
        store.model_path().write_bytes(pickle.dumps(before))
        store._MEMORY.update(model=before, mtime=store.model_path().stat().st_mtime,
                             path=store.model_path())


def test_hostile_filters_and_reasons_are_refused_without_a_500(client, make, login):
    fy = make.fiscal_year(2026)
    sa = _line(make, fy)
    login(make.user("secretariat"))
    for query in ("skor=abc", "skor=2", "opd=99999999999", "strategi=7"):
        assert client.get(f"/penyaringan/?tahun={fy.year}&{query}").status_code in (400, 404)
    assert client.get("/penyaringan/?tahun=1").status_code == 404
    for reason in ("x" * 501, "\x00\x00"):
        resp = client.post(f"/penyaringan/{sa.id}/tolak", data={"reason": reason})
        assert resp.status_code in (400, 422)
    assert db.session.scalar(select(func.count(SuggestionDecision.id))) == 0
    assert client.post(f"/penyaringan/kirim?tahun={fy.year}",
                       data={"sa_ids": ["abc", "99999999999"]}).status_code == 302
    assert db.session.scalar(select(func.count(Notification.id))) == 0

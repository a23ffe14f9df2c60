"""The access matrix, enumerated from `app.url_map` (issue 11): every rule and method of the UI
and the API, tried as every role (anonymous, an officer of the object's own OPD, an officer of
another OPD, secretariat, viewer, admin) against objects of OPD A.

- A rule that is not in `ACCESS` fails the test: a new route must be classified here.
- Anonymous: the UI redirects to the login page (or 401), the API answers 401.
- A role that may not use the route: 403 (or 404). A POST/PUT/DELETE so refused writes nothing:
  the row count of every table, the audit log included, is unchanged.
- A role that may: neither a login redirect nor 401/403/404 (validation errors are fine).
- Never a 500.
Each try runs inside a savepoint that is rolled back afterwards, so one role's successful delete
does not turn the next role's try into a 404.

`tests/test_api_matrix.py` stays: it pins the exact API status per role (201, 204, ...); this file
guarantees that no route, UI or API, is left unclassified or unguarded.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.api_tokens import create_token
from models import LoginThrottle, db

from .. import factories

YEAR, LOCKED_YEAR = 2026, 2028
LOGGED_IN = frozenset({"own", "foreign", "secretariat", "viewer", "admin"})
# Issue 28: a desa operator reaches its own account and notifications, and verval; every other
# page that only asks for a login (LOGGED_IN) must refuse it.
ACCOUNT = LOGGED_IN | {"desa"}
PUBLIC = ACCOUNT | {"anonymous"}
VERVAL = frozenset({"desa", "secretariat"})
READ_A = frozenset({"own", "secretariat", "viewer", "admin"})  # OPD A's data, read
WRITE_A = frozenset({"own", "secretariat"})  # OPD A's data, written
ADMIN = frozenset({"admin"})
SECRETARIAT = frozenset({"secretariat"})
READERS = frozenset({"secretariat", "viewer", "admin"})
ROLES = ("anonymous", "own", "foreign", "secretariat", "viewer", "admin", "desa")
LIST_A = f"year={YEAR}&opd_id={{opd}}"


@dataclass(frozen=True)
class Access:
    roles: frozenset  # who may
    query: str = ""  # appended to the path; {name} filled from the world
    data: dict = field(default_factory=dict)  # form (UI) or JSON (API) body
    success_to_login: bool = False  # its success is a redirect to the login page (logout)
    args: dict = field(default_factory=dict)  # path argument -> world key, beyond ARG_DEFAULTS


SA_BODY = {"code": "1.06.05.2.02.0777", "name": "Baru", "program_name": "P",
           "activity_name": "K", "allocation_original": "1000000"}
TAG_BODY = {"strategy_code": 1, "tag_kind_code": "langsung", "amount": "1000",
            "description": "Aktivitas"}
BUDGET_Q = f"tahun={YEAR}&opd={{opd}}"

# (endpoint, method) -> who may. Path arguments name OPD A's objects (see ARG_DEFAULTS).
ACCESS = {
    ("static", "GET"): Access(PUBLIC),
    ("health.healthz", "GET"): Access(PUBLIC),
    ("health.readyz", "GET"): Access(PUBLIC),
    ("auth.login", "GET"): Access(PUBLIC),
    ("auth.login", "POST"): Access(PUBLIC),
    ("auth.logout", "POST"): Access(ACCOUNT, success_to_login=True),
    ("auth.change_password", "GET"): Access(ACCOUNT),
    ("auth.change_password", "POST"): Access(ACCOUNT),
    ("auth.tokens", "GET"): Access(ACCOUNT),
    ("auth.tokens", "POST"): Access(ACCOUNT),
    ("auth.revoke", "POST"): Access(frozenset({"own"})),  # the own officer's token
    ("auth.revoke", "GET"): Access(frozenset({"own"})),  # its confirmation page (issue 23)
    ("main.home", "GET"): Access(ACCOUNT),
    ("main.opd_detail", "GET"): Access(READ_A),
    ("dashboard.index", "GET"): Access(LOGGED_IN, f"tahun={YEAR}"),
    ("dashboard.anomalies", "GET"): Access(LOGGED_IN, f"tahun={YEAR}"),
    ("admin.users", "GET"): Access(ADMIN),
    ("admin.user_edit", "GET"): Access(ADMIN),
    ("admin.user_edit", "POST"): Access(ADMIN),
    ("admin.user_unlock", "POST"): Access(ADMIN),
    ("admin.throttles", "GET"): Access(ADMIN),
    ("admin.throttle_lift", "POST"): Access(ADMIN),
    ("admin.opds", "GET"): Access(ADMIN),
    ("admin.opd_edit", "GET"): Access(ADMIN),
    ("admin.opd_edit", "POST"): Access(ADMIN),
    ("admin.years", "GET"): Access(ADMIN),
    ("admin.years", "POST"): Access(ADMIN),
    ("admin.year_current", "POST"): Access(ADMIN),
    ("admin.year_current", "GET"): Access(ADMIN),  # the confirmation pages (issue 23)
    ("admin.quarter_update", "POST"): Access(ADMIN),
    ("admin.quarter_update", "GET"): Access(ADMIN),
    ("admin.settings", "GET"): Access(ADMIN),
    ("admin.settings", "POST"): Access(ADMIN),
    # Set-up from files, year rollover, account hygiene (issue 15): admin only.
    ("setup.index", "GET"): Access(ADMIN),
    ("setup.import_upload", "GET"): Access(ADMIN),
    ("setup.import_upload", "POST"): Access(ADMIN),
    ("setup.import_commit", "POST"): Access(ADMIN),
    ("setup.template", "GET"): Access(ADMIN),
    ("setup.rollover", "GET"): Access(ADMIN),
    ("setup.rollover", "POST"): Access(ADMIN),
    ("setup.idle_users", "GET"): Access(ADMIN, "hari=30"),
    # Issue 27: the boundary import (admin and secretariat).
    ("maps.upload", "GET"): Access(ADMIN | SECRETARIAT),
    ("maps.upload", "POST"): Access(ADMIN | SECRETARIAT),
    ("maps.commit", "POST"): Access(ADMIN | SECRETARIAT),
    ("setup.deactivate_user", "POST"): Access(ADMIN),
    ("setup.deactivate_user", "GET"): Access(ADMIN),
    ("budget.index", "GET"): Access(READ_A, BUDGET_Q),
    ("budget.sa_new", "GET"): Access(WRITE_A, BUDGET_Q),
    ("budget.sa_new", "POST"): Access(WRITE_A, BUDGET_Q),
    ("budget.sa_detail", "GET"): Access(READ_A),
    ("budget.sa_history", "GET"): Access(READ_A),
    ("budget.sa_edit", "GET"): Access(WRITE_A),
    ("budget.sa_edit", "POST"): Access(WRITE_A),
    ("budget.sa_delete", "POST"): Access(WRITE_A, data={"version": "{sa_version}"}),
    ("budget.tag_new", "GET"): Access(WRITE_A),
    ("budget.tag_new", "POST"): Access(WRITE_A),
    ("budget.tag_edit", "GET"): Access(WRITE_A),
    ("budget.tag_edit", "POST"): Access(WRITE_A),
    ("budget.tag_delete", "POST"): Access(WRITE_A, data={"version": "{tag_version}"}),
    ("budget.import_upload", "GET"): Access(WRITE_A, BUDGET_Q),
    ("budget.import_upload", "POST"): Access(WRITE_A, BUDGET_Q),
    # The pending import names its OPD only inside the token: an unknown token is refused
    # (400) for every writer before any OPD is known; the role is checked first.
    ("budget.import_commit", "POST"): Access(frozenset({"own", "foreign", "secretariat"})),
    ("budget.import_template", "GET"): Access(LOGGED_IN),
    # A queued import is followed by the user who confirmed it, nobody else (404).
    ("budget.import_status", "GET"): Access(frozenset({"own"})),
    ("realization.index", "GET"): Access(WRITE_A, f"opd={{opd}}&tahun={YEAR}&triwulan=2"),
    ("realization.save", "POST"): Access(WRITE_A),
    ("realization.submit", "POST"): Access(WRITE_A),
    ("realization.copy_previous", "POST"): Access(WRITE_A),
    ("review.queue", "GET"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("review.compliance", "GET"): Access(READERS, f"tahun={YEAR}"),
    ("review.bulk_verify", "POST"): Access(SECRETARIAT, data={"ids": "{sub}"}),
    ("help.index", "GET"): Access(LOGGED_IN),
    ("notifications.index", "GET"): Access(ACCOUNT),
    # Per object: only its user opens it; anyone else gets a 404.
    ("notifications.open_", "GET"): Access(frozenset({"own"})),
    ("realization.upload_evidence", "POST"): Access(WRITE_A, args={"tag_id": "tag",
                                                                   "quarter_id": "quarter1"}),
    ("realization.download_evidence", "GET"): Access(READ_A),
    ("realization.delete_evidence", "POST"): Access(WRITE_A),
    # issue 14: the reviewer asks for evidence on a figure, and withdraws the request.
    ("review.request_evidence", "POST"): Access(SECRETARIAT, data={"note": "Lampirkan SP2D"}),
    ("review.cancel_evidence_request", "POST"): Access(SECRETARIAT),
    ("review.detail", "GET"): Access(READ_A),
    ("review.verify", "POST"): Access(SECRETARIAT, data={"version": "{sub_version}",
                                                         "general": "Lengkap"}),
    ("review.return_", "POST"): Access(SECRETARIAT, data={"version": "{sub_version}",
                                                          "general": "Lengkapi data"}),
    ("review.reopen", "POST"): Access(SECRETARIAT, data={"version": "{locked_version}",
                                                         "reason": "Koreksi angka"},
                                      args={"submission_id": "sub_locked"}),
    ("reports.index", "GET"): Access(LOGGED_IN),
    ("reports.index", "POST"): Access(READ_A, data={
        "variant": "opd", "opd_id": "{opd}", "year": YEAR, "quarter": 1, "semester": 1,
        "fmt": "xlsx"}),
    ("reports.build_status", "GET"): Access(READ_A),
    ("reports.build_file", "GET"): Access(READ_A),
    ("lokus.index", "GET"): Access(READERS, f"tahun={YEAR}"),
    ("lokus.data", "GET"): Access(READERS, f"tahun={YEAR}"),
    ("lokus.data", "POST"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("lokus.import_file", "GET"): Access(SECRETARIAT),
    ("lokus.import_file", "POST"): Access(SECRETARIAT),
    ("lokus.import_confirm", "POST"): Access(SECRETARIAT),
    ("lokus.import_status", "GET"): Access(SECRETARIAT, args={"job_id": "lokus_job"}),
    # Household coverage (issue 16): counts for every role; the BNBA import, the pseudonymous
    # list and cek NIK for the secretariat; beneficiary lists by the tag's OPD.
    ("coverage.index", "GET"): Access(LOGGED_IN, f"tahun={YEAR}"),
    ("coverage.unreached", "GET"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("coverage.bnba_import", "GET"): Access(SECRETARIAT),
    ("coverage.bnba_import", "POST"): Access(SECRETARIAT),
    ("coverage.bnba_confirm", "POST"): Access(SECRETARIAT),
    ("coverage.bnba_status", "GET"): Access(SECRETARIAT, args={"job_id": "bnba_job"}),
    ("coverage.check_nik", "GET"): Access(SECRETARIAT),
    ("coverage.check_nik", "POST"): Access(SECRETARIAT, data={"nik": "3299000000000001"}),
    # Each OPD officer sees the lists of its own OPD (no OPD in the query).
    ("coverage.lists", "GET"): Access(frozenset({"own", "foreign", "secretariat"}),
                                      f"tahun={YEAR}"),
    ("coverage.list_upload", "GET"): Access(WRITE_A),
    ("coverage.list_upload", "POST"): Access(WRITE_A),
    ("coverage.list_confirm", "POST"): Access(WRITE_A),
    ("coverage.list_status", "GET"): Access(frozenset({"own"}), args={"job_id": "benef_job"}),
    ("coverage.list_to_realization", "POST"): Access(WRITE_A, data={"quarter": "3"}),
    # issue 17: other sources at the lokus, themes (KLASIK), frameworks
    ("convergence.interventions_list", "GET"): Access(READERS, f"tahun={YEAR}"),
    ("convergence.intervention_new", "GET"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("convergence.intervention_new", "POST"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("convergence.intervention_edit", "GET"): Access(SECRETARIAT),
    ("convergence.intervention_edit", "POST"): Access(SECRETARIAT),
    ("convergence.intervention_delete", "POST"): Access(SECRETARIAT),
    ("convergence.intervention_import", "GET"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("convergence.intervention_import", "POST"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("convergence.intervention_import_confirm", "POST"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("convergence.themes_index", "GET"): Access(READERS, f"tahun={YEAR}"),
    ("convergence.theme_new", "POST"): Access(ADMIN, data={"name": "Stunting"}),
    ("convergence.theme_delete", "POST"): Access(ADMIN),
    ("api_convergence.get_convergence", "GET"): Access(READERS, f"year={YEAR}"),
    ("convergence.frameworks_index", "GET"): Access(
        READERS, f"tahun={YEAR}&kerangka=permendagri_53_2020"),
    # The framework mapping is configuration (it changes every report in that framework, past
    # years included), kept with the admin as the themes are.
    ("convergence.mapping_edit", "GET"): Access(ADMIN, "kerangka=permendagri_53_2020"),
    ("convergence.mapping_edit", "POST"): Access(ADMIN, "kerangka=permendagri_53_2020"),
    # Issue 15 (part B): mail outbox, mail preferences, password reset, audit and history.
    ("mail.index", "GET"): Access(ADMIN),
    ("mail.retry", "POST"): Access(ADMIN),
    ("mail_prefs.preferences", "GET"): Access(ACCOUNT),
    ("mail_prefs.preferences", "POST"): Access(ACCOUNT, data={"kinds": "verified"}),
    ("recovery.request_reset", "GET"): Access(PUBLIC),
    ("recovery.request_reset", "POST"): Access(PUBLIC, data={"identifier": "tidak-ada"}),
    ("recovery.reset", "GET"): Access(PUBLIC),  # the page taking the code (issue 24)
    ("recovery.reset_code", "POST"): Access(PUBLIC, data={"code": "tidak-ada"}),  # 400, reason
    ("recovery.reset", "POST"): Access(PUBLIC),
    ("audit.index", "GET"): Access(ADMIN),
    ("history.realization", "GET"): Access(READ_A),
    ("budget_stages.index", "GET"): Access(LOGGED_IN, f"tahun={YEAR}"),
    ("budget_stages.revision_date", "POST"): Access(frozenset({"secretariat", "admin"}),
                                                    f"tahun={YEAR}",
                                                    data={"tanggal": f"{YEAR}-09-01"}),
    # Issue 18: the kabupaten's "send to the province". The province's pages answer 404 on a
    # kabupaten instance (the suite's TAGAR_MODE), so no role may use them here;
    # tests/test_federation.py tries them by role in province mode.
    ("federation.export", "GET"): Access(SECRETARIAT),
    ("federation.export", "POST"): Access(SECRETARIAT),
    ("federation.dashboard", "GET"): Access(frozenset()),
    ("federation.member", "GET"): Access(frozenset()),
    ("federation.compliance", "GET"): Access(frozenset()),
    ("federation.upload", "GET"): Access(frozenset()),
    ("federation.upload", "POST"): Access(frozenset()),
    ("federation.members", "GET"): Access(frozenset()),
    ("federation.members", "POST"): Access(frozenset()),
    ("federation.report", "GET"): Access(frozenset(), f"tahun={YEAR}&format=xlsx"),
    ("federation.report_pdf", "GET"): Access(frozenset()),
    ("api_federation.receive_report", "PUT"): Access(frozenset()),
    ("federation.upload_report", "POST"): Access(frozenset()),  # issue 30: province mode only
    ("federation.refused", "GET"): Access(frozenset()),
    # Issue 26: the screening page, secretariat only.
    ("screening.index", "GET"): Access(SECRETARIAT, f"tahun={YEAR}"),
    ("screening.reject", "GET"): Access(SECRETARIAT),
    ("screening.reject", "POST"): Access(SECRETARIAT, data={"reason": "Bukan kemiskinan"}),
    ("screening.send", "POST"): Access(SECRETARIAT),
    ("screening.province_reference", "POST"): Access(SECRETARIAT),
    ("api_federation.bundle_schema", "GET"): Access(PUBLIC),
    # Only a kabupaten's push token (tgk_...) may send; a user token is refused (403).
    ("api_federation.receive_bundle", "POST"): Access(frozenset(), data={"bundle": {}}),
    # The API: token roles; anonymous means no token.
    ("api_docs.docs", "GET"): Access(PUBLIC),
    ("api_suggestions.suggest_tags", "POST"): Access(LOGGED_IN,
                                                     data={"items": [{"name": "Jamban"}]}),
    ("api-docs.openapi_json", "GET"): Access(PUBLIC),
    ("api_reference.opds", "GET"): Access(LOGGED_IN),
    ("api_reference.strategies", "GET"): Access(LOGGED_IN),
    ("api_reference.tag_kinds", "GET"): Access(LOGGED_IN),
    ("api_reference.funding_sources", "GET"): Access(LOGGED_IN),
    ("api_reference.fiscal_years", "GET"): Access(LOGGED_IN),
    ("api_reference.districts", "GET"): Access(LOGGED_IN),
    ("api_reference.villages", "GET"): Access(LOGGED_IN, f"year={YEAR}"),
    ("api_sub_activities.list_sub_activities", "GET"): Access(READ_A, LIST_A),
    ("api_sub_activities.create", "POST"): Access(WRITE_A, data={
        **SA_BODY, "opd_id": "{opd}", "year": YEAR}),
    ("api_sub_activities.get_sub_activity", "GET"): Access(READ_A),
    ("api_sub_activities.replace", "PUT"): Access(WRITE_A, data={
        **SA_BODY, "code": "{sa_code}", "version": "{sa_version}"}),
    ("api_sub_activities.delete", "DELETE"): Access(WRITE_A, "version={sa_version}"),
    ("api_tags.list_tags", "GET"): Access(READ_A, LIST_A),
    ("api_tags.create", "POST"): Access(WRITE_A, data={**TAG_BODY, "sub_activity_id": "{sa}"}),
    ("api_tags.get_tag", "GET"): Access(READ_A),
    ("api_tags.replace", "PUT"): Access(WRITE_A, data={**TAG_BODY, "version": "{tag_version}"}),
    ("api_tags.delete", "DELETE"): Access(WRITE_A, "version={tag_version}"),
    ("api_realizations.list_realizations", "GET"): Access(READ_A, LIST_A),
    ("api_tag_realizations.get_realization", "GET"): Access(READ_A),
    ("api_tag_realizations.put_realization", "PUT"): Access(WRITE_A, data={
        "amount": "1000", "physical_progress": "10", "reached_count": 1}),
    ("api_submissions.list_submissions", "GET"): Access(READ_A, LIST_A),
    ("api_submissions.get_submission", "GET"): Access(READ_A),
    ("api_submissions.transition", "POST"): Access(WRITE_A, data={"action": "submit"},
                                                   args={"submission_id": "sub_draft"}),
    ("api_rollups.get_rollup", "GET"): Access(READ_A, f"year={YEAR}&by=tag&opd_id={{opd}}"),
    ("api_reports.create", "POST"): Access(READ_A, data={
        "variant": "opd", "opd_id": "{opd}", "year": YEAR, "quarter": 1, "format": "xlsx"}),
    ("api_reports.get_build", "GET"): Access(READ_A),
    ("api_reports.get_file", "GET"): Access(READ_A),
    ("api_coverage.get_coverage", "GET"): Access(LOGGED_IN, f"year={YEAR}"),  # issue 16
    ("api_areas.boundaries", "GET"): Access(LOGGED_IN, "level=desa"),  # issue 27
    # issue 14: evidence of a tag's figure (quarter 1: OPD A's realization).
    ("api_evidence.list_evidence", "GET"): Access(READ_A),
    ("api_evidence.upload_evidence", "POST"): Access(WRITE_A),
    ("api_evidence_files.get_evidence_file", "GET"): Access(READ_A),
    # Issue 29: the public portal (switched on in the world), no login; its admin page.
    ("public.home", "GET"): Access(PUBLIC),
    ("public.year", "GET"): Access(PUBLIC, "triwulan=2"),
    ("public.about", "GET"): Access(PUBLIC),
    ("public.data_index", "GET"): Access(PUBLIC),
    ("public.data_year", "GET"): Access(PUBLIC),
    ("public.data_file", "GET"): Access(PUBLIC),
    ("public.data_version_file", "GET"): Access(PUBLIC),
    ("public.api_openapi", "GET"): Access(PUBLIC),
    ("public.api_years", "GET"): Access(PUBLIC),
    ("public.api_year", "GET"): Access(PUBLIC, "triwulan=1"),
    ("public.api_table", "GET"): Access(PUBLIC, args={"name": "public_table"}),
    ("admin.public_portal", "GET"): Access(ADMIN),
    ("admin.public_portal", "POST"): Access(ADMIN, data={"license_id": "CC-BY-4.0"}),
    ("admin.public_apbd_total", "POST"): Access(ADMIN),
    # Issue 28: verval. The desa's own sheet for its operator and the reviewer; the campaigns
    # for the secretariat.
    ("verval.home", "GET"): Access(VERVAL),
    ("verval.sheet", "GET"): Access(VERVAL),
    ("verval.record", "POST"): Access(frozenset({"desa"}), data={
        "nik": "3299000000000001", "status": "masih"}),
    ("verval.submit", "POST"): Access(frozenset({"desa"})),
    ("verval.approve", "POST"): Access(SECRETARIAT),
    ("verval.return_", "POST"): Access(SECRETARIAT, data={"note": "Periksa lagi"}),
    ("verval.campaign_list", "GET"): Access(SECRETARIAT),
    ("verval.campaign_list", "POST"): Access(SECRETARIAT, data={
        "name": "Verval matriks", "deadline": "2099-01-01", "scope": "all"}),
    ("verval.campaign", "GET"): Access(SECRETARIAT),
    ("api_verval.list_campaigns", "GET"): Access(VERVAL),
    ("api_verval.get_progress", "GET"): Access(VERVAL),
    ("api_verval.post_record", "POST"): Access(frozenset({"desa"}), data={
        "nik": "3299000000000001", "status": "masih"}),
}

# Path argument -> the world's key: OPD A's object (or, for admin routes, an object to edit).
ARG_DEFAULTS = {
    "opd_id": "opd", "sa_id": "sa", "tag_id": "tag", "submission_id": "sub",
    "quarter_id": "quarter", "user_id": "own_user", "token_id": "own_token", "fy_id": "fy",
    "entry_id": "throttle", "build_id": "build", "token": "import_token", "quarter": "q_number",
    "sub_activity_id": "sa", "filename": "static_file", "job_id": "import_job",
    "notification_id": "notification", "evidence_id": "evidence",
    "member_id": "fy", "bundle_id": "fy",  # issue 18: any id; refused before it is loaded
    "mail_id": "mail",
    "setup_kind": "setup_kind",
    "intervention_id": "intervention", "theme_id": "theme",  # issue 17
    "request_id": "evidence_request",  # issue 14
    "tahun": "public_year", "name": "public_file", "version": "public_version",  # issue 29
    "cv_id": "verval_cv", "campaign_id": "verval_campaign",  # issue 28
}

# Arguments that name an object owned by an OPD (loaded through `load_for`): the officer of
# another OPD must be refused wherever one appears, in the path or as ?opd= / ?opd_id=.
OPD_OWNED_ARGS = {"opd_id", "sa_id", "tag_id", "submission_id", "build_id", "sub_activity_id",
                  "evidence_id"}

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _counts() -> dict:
    """The row count of every table, in one round trip."""
    tables = db.metadata.sorted_tables
    row = db.session.execute(select(*[
        select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables
    ])).one()
    return dict(zip([t.name for t in tables], row, strict=True))


@pytest.fixture
def world(make):
    return build_world(make)


def build_world(make):
    """OPD A and OPD B, each with a sub-activity, a tag, a realization and a submitted quarter;
    one user per role; OPD A's other objects that the routes name. (users, ids)."""
    from app.reports.build_service import request_build

    fy, fy_locked = make.fiscal_year(YEAR), make.fiscal_year(LOCKED_YEAR)
    w = {}
    for side in ("a", "b"):
        opd = make.opd()
        sa = make.sub_activity(opd, fy, allocation="10000000")
        tag = make.tag(sa, amount="4000000", target_count=100)
        make.realization(tag, make.quarter(fy, 1), amount="100000", progress="10", reached=5)
        sub = make.submission(opd, make.quarter(fy, 1), "submitted")
        w[side] = {"opd": opd, "sa": sa, "tag": tag, "sub": sub}
    a = w["a"]
    users = {"own": make.user("opd", opd_obj=a["opd"]),
             "foreign": make.user("opd", opd_obj=w["b"]["opd"]),
             "secretariat": make.user("secretariat"), "viewer": make.user("viewer"),
             "admin": make.user("admin")}
    verval_ids = _verval(make, users)
    own_token, _ = create_token(users["own"], "milik sendiri")
    locked = make.submission(a["opd"], make.quarter(fy_locked, 1), "verified")
    draft = make.submission(a["opd"], make.quarter(fy, 3), "draft")
    build, _ = request_build("xlsx", user=users["own"], year=YEAR, variant="opd", quarter=1,
                             opd_id=a["opd"].id)
    from datetime import datetime

    throttle = LoginThrottle(key="login_address:192.0.2.9", kind="login_address",
                             address="192.0.2.9", failures=3, first_failure_at=datetime(2026, 1, 1),
                             last_failure_at=datetime(2026, 1, 1))
    db.session.add(throttle)
    from models import Notification

    notification = Notification(user_id=users["own"].id, kind="returned", text="Dikembalikan",
                                opd_id=a["opd"].id, submission_id=a["sub"].id,
                                quarter_id=a["sub"].quarter_id)
    db.session.add(notification)
    from app.cycle import evidence as evidence_service
    from models import Evidence, Realization

    folder = evidence_service.storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{factories.n():032x}"[-32:].rjust(32, "0")
    (folder / key).write_bytes(b"%PDF-1.4\n%%EOF\n")
    real_a = db.session.scalar(select(Realization).where(Realization.tag_id == a["tag"].id))
    evidence = Evidence(realization_id=real_a.id, opd_id=a["opd"].id, filename="sp2d.pdf",
                        content_type="application/pdf", size=15, sha256="0" * 64,
                        storage_key=key)
    db.session.add(evidence)
    from app.jobs.imports import store

    import_job = store("sipd", user_id=users["own"].id, opd_id=a["opd"].id,
                       fiscal_year_id=fy.id, filename="sipd.xlsx", data=b"x", rows=1)
    lokus_job = store("lokus", user_id=users["secretariat"].id, fiscal_year_id=fy.id,
                      payload="x", rows=1)
    from models import OtherIntervention, Strategy, Theme

    intervention = OtherIntervention(  # issue 17
        fiscal_year_id=fy.id, village_id=make.village(fy=fy, priority=True).id,
        strategy_id=db.session.scalar(select(Strategy.id).where(Strategy.code == 2)),
        source_kind="dana_desa", provider_name="Pemerintah Desa")
    theme = Theme(code=f"tema_{factories.n()}", name=f"Tema {factories.n()}")
    db.session.add_all([intervention, theme])
    from models import MailOutbox

    mail = MailOutbox(recipient="a@contoh.go.id", subject="s", body="b", status="failed")
    db.session.add(mail)
    db.session.flush()
    ids = {
        "opd": a["opd"].id, "sa": a["sa"].id, "sa_version": a["sa"].version,
        "sa_code": a["sa"].code, "tag": a["tag"].id, "tag_version": a["tag"].version,
        "sub": a["sub"].id, "sub_version": a["sub"].version, "sub_locked": locked.id,
        "locked_version": locked.version, "sub_draft": draft.id,
        "quarter": make.quarter(fy, 2).id, "q_number": 1, "own_user": users["own"].id,
        "own_token": own_token.id, "fy": fy.id, "throttle": throttle.id, "build": build.id,
        "import_token": "tidak-ada", "static_file": "tagar.css",
        "import_job": import_job.id, "lokus_job": lokus_job.id,
        "bnba_job": store("bnba", user_id=users["secretariat"].id, fiscal_year_id=fy.id,
                          data=b"x", payload="{}", rows=1).id,  # issue 16
        "benef_job": store("benef", user_id=users["own"].id, opd_id=a["opd"].id,
                           fiscal_year_id=fy.id, data=b"x", payload="{}", rows=1).id,
        "notification": notification.id, "evidence": evidence.id,
        "quarter1": make.quarter(fy, 1).id,
        "mail": mail.id,
        "setup_kind": "opd",
        "intervention": intervention.id, "theme": theme.id,  # issue 17
        "evidence_request": _evidence_request(a, users).id,  # issue 14
        **_public_portal(fy),  # issue 29
        **verval_ids,  # issue 28
    }
    return users, ids


def _public_portal(fy):
    """Issue 29: the portal open, and one published version of the year's open data."""
    from app.public import portal, publish

    portal.switch(True)
    return {"public_year": fy.year, "public_file": "opd.csv", "public_table": "opd",
            "public_version": publish.current(fy).version}

def _verval(make, users) -> dict:
    """Issue 28: a campaign over desa A (of the verval world) and its operator as "desa"."""
    from app.verval import campaigns
    from models import VervalVillage

    from .. import verval_world

    vw = verval_world.build(make)
    users["desa"] = vw["users"]["a"]
    campaign = campaigns.open_campaign("Verval matriks", date(2099, 1, 1), None,
                                       users["secretariat"])
    cv = db.session.scalar(select(VervalVillage).where(
        VervalVillage.campaign_id == campaign.id, VervalVillage.village_id == vw["va"].id))
    return {"verval_cv": cv.id, "verval_campaign": campaign.id}


def _evidence_request(a, users):
    from models.evidence import EvidenceRequest

    req = EvidenceRequest(tag_id=a["tag"].id, quarter_id=a["sub"].quarter_id,
                          opd_id=a["opd"].id, note="SP2D", requested_by_id=users["secretariat"].id)
    db.session.add(req)
    db.session.flush()
    return req


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and "{" in value:
        return value.format(**ids)
    return value


def _url(rule, access: Access, ids) -> str:
    values = {arg: ids[access.args.get(arg, ARG_DEFAULTS[arg])] for arg in rule.arguments}
    _, path = rule.build(values, append_unknown=False)
    query = _fill(access.query, ids)
    return path + (f"?{query}" if query else "")


def _cases(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_rule_is_classified(app):
    missing = [f"{method} {rule.rule} ({rule.endpoint})" for rule, method in _cases(app)
               if (rule.endpoint, method) not in ACCESS]
    assert not missing, "classify these routes in ACCESS:\n" + "\n".join(missing)
    lenient = [f"{method} {rule.rule}" for rule, method in _cases(app)
               if (rule.arguments & OPD_OWNED_ARGS or "{opd}" in ACCESS[(rule.endpoint,
                                                                          method)].query)
               and "foreign" in ACCESS[(rule.endpoint, method)].roles]
    assert not lenient, f"an OPD-owned object open to another OPD's officer: {lenient}"
    stale = set(ACCESS) - {(rule.endpoint, method) for rule, method in _cases(app)}
    assert not stale, f"ACCESS names routes that no longer exist: {sorted(stale)}"


def _clients(app, users):
    """One UI client per role, each logged in from its own address (the login throttle counts
    per address), and one API token per role."""
    clients, tokens = {}, {}
    for i, role in enumerate(ROLES):
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"198.51.100.{10 + i}"
        if role != "anonymous":
            resp = c.post("/login", data={"username": users[role].username,
                                          "password": factories.PASSWORD})
            assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
            tokens[role] = create_token(users[role], "matriks akses")[1]
        clients[role] = c
    return clients, tokens


def _try(client, method, url, *, api, body, token, check_unchanged):
    """One request inside a savepoint that is rolled back afterwards."""
    db.session.commit()
    connection = db.session.bind
    savepoint = connection.begin_nested()
    try:
        before = _counts() if check_unchanged else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        kwargs = {"json": body} if api and method in STATE_CHANGING else {"data": body}
        resp = client.open(url, method=method, headers=headers, **kwargs)
        after = _counts() if check_unchanged else None
        status, location = resp.status_code, resp.headers.get("Location", "")
        resp.close()
    finally:
        db.session.close()
        savepoint.rollback()
    return status, location, before, after


def _is_login_redirect(status, location):
    return status in (301, 302, 303) and "/login" in location


def test_access_matrix(app, world, capsys):
    users, ids = world
    clients, tokens = _clients(app, users)
    names = {role: u.username for role, u in users.items()}
    seen, tried_by_kind = Counter(), Counter()
    failures = []
    routes = 0
    for rule, method in _cases(app):
        access = ACCESS[(rule.endpoint, method)]
        api = rule.rule.startswith("/api/")
        url = _url(rule, access, ids)
        body = _fill(access.data, ids) or None
        routes += 1
        for role in ROLES:
            allowed = role in access.roles
            writes = method in STATE_CHANGING
            client = clients["anonymous"] if api else clients[role]
            token = tokens.get(role) if api else None
            status, location, before, after = _try(
                client, method, url, api=api, body=body, token=token,
                check_unchanged=writes and not allowed)
            seen[status // 100 * 100] += 1
            tried_by_kind["api" if api else "ui"] += 1
            where = f"{method} {url} ({rule.endpoint}) as {role}: {status} {location}"
            if status >= 500:
                failures.append("500: " + where)
            elif allowed:
                if status in (401, 403, 404) or (_is_login_redirect(status, location)
                                                  and not access.success_to_login):
                    failures.append("refused but allowed: " + where)
            elif role == "anonymous":
                if not (status == 401 or (not api and _is_login_redirect(status, location))):
                    failures.append("anonymous not sent to login: " + where)
            elif status not in (403, 404):
                failures.append("not refused: " + where)
            if before is not None and before != after:
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                failures.append(f"refused request wrote {changed}: " + where)
            if rule.endpoint == "auth.logout" and role != "anonymous":
                clients[role] = _relogin(app, clients, role, names)
    total = sum(seen.values())
    with capsys.disabled():
        print(f"\naccess matrix: {routes} rule x method pairs x {len(ROLES)} roles = {total} "
              f"tries ({tried_by_kind['ui']} UI, {tried_by_kind['api']} API); "
              f"by status class {dict(sorted(seen.items()))}; "
              f"500s: {sum(1 for f in failures if f.startswith('500'))}")
    assert total == routes * len(ROLES)
    assert not failures, "\n".join(failures)


def _relogin(app, clients, role, users):
    """A logout ends the role's session; log it in again for the routes after it."""
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = clients[role].environ_base["REMOTE_ADDR"]
    resp = c.post("/login", data={"username": users[role],
                                  "password": factories.PASSWORD})
    assert resp.status_code == 302
    return c

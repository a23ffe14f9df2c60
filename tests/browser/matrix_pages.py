"""Every HTML page a demo role may open, taken from the access matrix
(tests/security/test_access_matrix.py `ACCESS`): each GET route of the UI that the role is
allowed, with its path arguments filled from the demo kabupaten. The browser tests that must
cover "every page of every role" (layout at 375 px, axe) walk this list, so a new route that is
classified in the matrix is measured here without anyone adding it by hand."""
from dataclasses import dataclass

from sqlalchemy import select

from models import (
    ApiToken,
    Evidence,
    FiscalYear,
    MailOutbox,
    Notification,
    OtherIntervention,
    Quarter,
    SubActivity,
    Submission,
    Tag,
    Theme,
    User,
    db,
)
from models.evidence import EvidenceRequest

from ..security.test_access_matrix import ACCESS, ARG_DEFAULTS, YEAR

# The matrix's roles as demo users: "own" is an officer of the OPD the objects belong to.
DEMO_USERS = {"own": "dinsos", "secretariat": "sekretariat", "viewer": "pimpinan",
              "admin": "admin"}
# Not pages: files, JSON, status polls of a job the demo does not have, the API (its docs page
# is kept), and the province's pages (404 in the demo's kabupaten mode).
SKIP_ENDPOINTS = {"static", "health.healthz", "health.readyz", "api-docs.openapi_json",
                  "realization.download_evidence", "reports.build_file", "setup.template",
                  "budget.import_template", "reports.build_status", "budget.import_status",
                  "lokus.import_status", "coverage.bnba_status", "coverage.list_status",
                  "notifications.open_", "recovery.reset", "auth.login",
                  "recovery.request_reset"}


@dataclass(frozen=True)
class PageVisit:
    role: str
    username: str
    endpoint: str
    path: str


def _first(stmt):
    return db.session.scalar(stmt.limit(1))


def demo_ids(app) -> dict:
    """The demo's objects under the matrix's argument names (ARG_DEFAULTS' values)."""
    with app.app_context():
        own = db.session.scalar(select(User).where(User.username == "dinsos"))
        fy = _first(select(FiscalYear).where(FiscalYear.year == YEAR))
        sa = _first(select(SubActivity).join(Tag).where(SubActivity.opd_id == own.opd_id)
                    .order_by(SubActivity.id))
        tag = _first(select(Tag).where(Tag.sub_activity_id == sa.id).order_by(Tag.id))
        sub = _first(select(Submission).where(Submission.opd_id == own.opd_id)
                     .order_by(Submission.id))
        ids = {
            "opd": own.opd_id, "sa": sa.id, "tag": tag.id, "sub": sub.id,
            "quarter": sub.quarter_id, "q_number": 1, "own_user": own.id, "fy": fy.id,
            "setup_kind": "opd",
            "own_token": _first(select(ApiToken.id).where(ApiToken.user_id == own.id)),
            "evidence": _first(select(Evidence.id).where(Evidence.opd_id == own.opd_id)),
            "notification": _first(select(Notification.id)
                                   .where(Notification.user_id == own.id)),
            "mail": _first(select(MailOutbox.id)),
            "intervention": _first(select(OtherIntervention.id)),
            "theme": _first(select(Theme.id)),
            "evidence_request": _first(select(EvidenceRequest.id)
                                       .where(EvidenceRequest.opd_id == own.opd_id)),
            "quarter1": _first(select(Quarter.id).where(Quarter.fiscal_year_id == fy.id,
                                                        Quarter.number == 1)),
        }
        db.session.remove()
    return {k: v for k, v in ids.items() if v is not None}


def visits(app) -> list[PageVisit]:
    """(role, user, endpoint, path) for every page each demo role may open, role by role."""
    ids = demo_ids(app)
    found = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for role, username in DEMO_USERS.items():
        for rule in rules:
            access = ACCESS.get((rule.endpoint, "GET"))
            if (access is None or "GET" not in rule.methods or role not in access.roles
                    or rule.endpoint in SKIP_ENDPOINTS
                    or (rule.rule.startswith("/api/") and rule.endpoint != "api_docs.docs")):
                continue
            keys = {arg: access.args.get(arg, ARG_DEFAULTS[arg]) for arg in rule.arguments}
            if any(key not in ids for key in keys.values()):
                continue  # the demo has no such object (a job, a build): nothing to open
            _, path = rule.build({arg: ids[key] for arg, key in keys.items()},
                                 append_unknown=False)
            query = access.query.format(**ids) if access.query else ""
            found.append(PageVisit(role, username, rule.endpoint,
                                   path + (f"?{query}" if query else "")))
    return found

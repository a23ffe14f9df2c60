"""Every page of the access matrix, for each demo role, walked once in a real Chromium at a
laptop's 1366 x 900, and on each page three checks (one walk instead of three: the walk, not the
checks, was most of CI's time, issue 25):

- WCAG 2.1 AA, checked by axe-core (shipped inside the axe-playwright-python package, injected
  through the DevTools protocol, which the page's CSP does not govern): no violation of impact
  "serious" or "critical";
- the Content-Security-Policy: the header is the app's policy and the page raises no violation
  (no inline script or style attribute, nothing from elsewhere), error pages included;
- no page is wider than the window (`scrollWidth` against `innerWidth`; the phone's 375 px is
  tests/browser/test_layout.py's).
"""
import pytest
from axe_playwright_python.sync_playwright import Axe

from app.http_headers import CONTENT_SECURITY_POLICY

from .conftest import log_in
from .matrix_pages import DEMO_USERS, visits
from .test_csp import _problems, _watch
from .test_layout import EXTRA, MEASURE

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]},
           "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}


def axe_violations(page, axe=Axe()):
    """(rule id, impact, first offending element) of each serious/critical violation."""
    results = axe.run(page, options=WCAG_AA)
    return [(v["id"], v["impact"], v["nodes"][0]["target"] if v["nodes"] else "")
            for v in results.response["violations"] if v["impact"] in BLOCKING]


# One test per role, so that pytest-xdist spreads the walk (~0.8 s of axe a page, ~200 pages)
# over its workers instead of one worker holding the whole suite's longest test.
ROLES = ["anonymous", *DEMO_USERS]
# The fewest pages each role must have been checked on: a broken walk (a failed login, an
# empty matrix) would otherwise pass with nothing checked.
MIN_PAGES = {"anonymous": 3, "own": 20, "secretariat": 35, "viewer": 15, "admin": 35}
# Error pages carry the policy too: an unknown address, and (for the officer) a page of the
# secretariat's.
ERROR_PAGES = {"anonymous": ["/tidak-ada"], "own": ["/tidak-ada", "/admin/pengguna"]}


def _paths(live_app, role: str) -> tuple[str | None, list[str]]:
    """(user to log in as, paths to walk) for `role`."""
    if role == "anonymous":
        return None, ["/login", "/lupa-kata-sandi", *ERROR_PAGES["anonymous"]]
    mine = [v for v in visits(live_app) if v.role == role]
    return DEMO_USERS[role], [v.path for v in mine] + EXTRA + ERROR_PAGES.get(role, [])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_the_csp_and_fits_the_window(browser, live_app, role):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_app.config["LIVE_URL"]
    messages = _watch(page)
    found, pages = [], 0
    try:
        username, paths = _paths(live_app, role)
        if username:
            log_in(page, username)
        for path in paths:
            response = page.goto(page.base + path)
            where = f"{role} {path}"
            if response.status >= 500:
                found.append(f"{where}: HTTP {response.status}")
                continue
            if "html" not in response.headers.get("content-type", ""):
                continue
            if response.headers.get("content-security-policy") != CONTENT_SECURITY_POLICY:
                found.append(f"{where}: Content-Security-Policy missing or changed")
            found += [f"{where}: {m}" for m in _problems(messages)]
            messages.clear()
            scroll, inner = page.evaluate(MEASURE)
            if scroll > inner:
                found.append(f"{where}: {scroll} px wide in a window of {inner} px")
            if response.status >= 400 and path not in ERROR_PAGES.get(role, []):
                continue  # a page the role may not open: its error page is checked above
            pages += 1
            found += [f"{where}: axe {rule} ({impact}) {target}"
                      for rule, impact, target in axe_violations(page)]
            messages.clear()  # axe's own work is not the page's
    finally:
        context.close()
    print(f"{role}: {pages} pages checked, {len(found)} problems")
    assert pages >= MIN_PAGES[role]
    assert not found, "\n".join(found)

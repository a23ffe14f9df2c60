"""Security headers (issue 11, item 7): every response carries a strict CSP, frame refusal,
nosniff, a Referrer-Policy and a Permissions-Policy; pages for a signed-in user and API answers
are never cached; and no template still holds inline script or style the CSP would block."""
import re
from pathlib import Path

import pytest

from app.accounts.api_tokens import create_token
from app.http_headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def _assert_security_headers(resp):
    h = resp.headers
    assert h["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    csp = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert csp["script-src"] == "'self'" and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert csp["style-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'" and csp["form-action"] == "'self'"
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert "camera=()" in h["Permissions-Policy"] and "geolocation=()" in h["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/login", "/", "/tidak-ada", "/static/tagar.css",
                                  "/api/v1/reference/opds", "/healthz"])
def test_anonymous_responses_carry_security_headers(client, path):
    resp = client.get(path)
    _assert_security_headers(resp)
    resp.close()


def test_anonymous_login_page_is_not_marked_private(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_static_files_stay_cacheable_for_a_signed_in_user(client, make, login):
    login(make.user("secretariat"))
    resp = client.get("/static/tagar.css")
    assert "no-store" not in resp.headers.get("Cache-Control", "")
    resp.close()


@pytest.mark.parametrize("role", ["opd", "secretariat", "viewer", "admin"])
def test_pages_for_a_signed_in_user_are_not_stored(client, make, login, role):
    make.fiscal_year(2026)
    login(make.user(role))
    for path in ("/", "/dasbor/", "/akun/token", "/tidak-ada"):
        resp = client.get(path)
        assert resp.status_code in (200, 404), path
        assert resp.headers["Cache-Control"] == "no-store", path
        _assert_security_headers(resp)


def test_downloads_for_a_signed_in_user_are_not_stored(client, make, login):
    login(make.user("opd"))
    resp = client.get("/sub-kegiatan/impor/templat")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert resp.headers["Cache-Control"] == "no-store"
    _assert_security_headers(resp)


def test_api_answers_are_not_stored(client, make):
    _, secret = create_token(make.user("viewer"), "uji header")
    auth = {"Authorization": f"Bearer {secret}"}
    for resp in (client.get("/api/v1/reference/opds", headers=auth),
                 client.get("/api/v1/reference/opds")):
        assert resp.headers["Cache-Control"] == "no-store"
        _assert_security_headers(resp)


def test_errors_and_refusals_carry_the_headers(client, make, login):
    login(make.user("viewer"))
    resp = client.get("/admin/pengguna")
    assert resp.status_code == 403
    _assert_security_headers(resp)
    assert resp.headers["Cache-Control"] == "no-store"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_script_or_style():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_server_drawn_charts_use_no_style_attribute():
    from decimal import Decimal

    from app import charts

    svg = str(charts.plan_vs_real([("A", Decimal(10), Decimal(5))], chart_id="c", title="t"))
    svg += str(charts.percent_bars([("A", Decimal(50))], chart_id="p", title="t"))
    svg += str(charts.legend("l"))
    assert "style=" not in svg and "<script" not in svg
    assert "onload" not in svg.lower()


def test_confirmation_is_a_data_attribute_handled_by_the_static_script(client, make, login):
    o = make.opd()
    sa = make.sub_activity(o, make.fiscal_year(2026))
    make.tag(sa)
    login(make.user("opd", opd_obj=o))
    page = client.get(f"/sub-kegiatan/{sa.id}").get_data(as_text=True)
    assert 'data-confirm="Hapus tagging ini?"' in page
    assert "onsubmit" not in page
    assert re.search(r'<script src="/static/tagar\.js[^"]*" defer>', page)
    script = client.get("/static/tagar.js")
    assert "data-confirm" in script.get_data(as_text=True)
    script.close()

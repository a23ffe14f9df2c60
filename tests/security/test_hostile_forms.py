"""Every form of every page, filled with hostile values, never gives a 500.

`test_bad_input.py` pins the exact answer for a table of known forms; this file guarantees the
floor for every form that exists, including the ones added later: each UI page of the access
matrix is opened as a role that may use it, every <form> on it is parsed, and every field
(hidden ones too, files included) is filled with each hostile value in turn and submitted to
the form's own action with its own method. The answer must not be a server error, and a NUL byte
in a text field must be refused with 400 (issue 11). Each try runs in a savepoint that is
rolled back, so a value a form legitimately accepts does not change the next try.
"""
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urljoin

from .test_access_matrix import ACCESS, _clients, _try, _url, build_world

HOSTILE = [
    "\x00",
    "x" * 20000,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "2026-02-30",
    "../../etc/passwd",
    "\u202e\ufeff\u0301",
]
PREFERRED_ROLES = ("secretariat", "admin", "own", "viewer")
SKIP_ENDPOINTS = {"auth.logout", "static"}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._open = {"action": a.get("action") or "", "method": (a.get("method") or "get")
                          .lower(), "fields": []}
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower() if tag == "input" else tag
            if kind not in ("submit", "button", "image", "reset"):
                self._open["fields"].append((a["name"], kind))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["fields"]]


def _body(fields, value):
    data = {}
    for name, kind in fields:
        if kind == "file":
            data[name] = (BytesIO(value.encode("utf-8", "surrogatepass")), "berkas.xlsx")
        else:
            data[name] = value
    return data


def test_every_form_refuses_hostile_values_without_a_server_error(app, make, capsys):
    users, ids = build_world(make)
    clients, _ = _clients(app, users)
    pages = forms_tried = requests = 0
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = ACCESS.get((rule.endpoint, "GET"))
        if access is None or rule.rule.startswith("/api/") or rule.endpoint in SKIP_ENDPOINTS:
            continue
        role = next((r for r in PREFERRED_ROLES if r in access.roles), None)
        if role is None:
            continue
        url = _url(rule, access, ids)
        client = clients[role]
        resp = client.get(url)
        if resp.status_code != 200 or not resp.content_type.startswith("text/html"):
            continue
        pages += 1
        for form in _forms(resp.get_data(as_text=True)):
            forms_tried += 1
            target = urljoin(url, form["action"]) if form["action"] else url
            if "/logout" in target:
                continue
            for value in HOSTILE:
                requests += 1
                body = _body(form["fields"], value)
                if form["method"] == "get":
                    fields = {k: v for k, v in body.items() if not isinstance(v, tuple)}
                    status, *_ = _try(client, "GET", target + ("&" if "?" in target else "?")
                                      + _query(fields), api=False, body=None, token=None,
                                      check_unchanged=False)
                else:
                    status, *_ = _try(client, "POST", target, api=False, body=body, token=None,
                                      check_unchanged=False)
                # A NUL in a text field is refused outright; inside a file it is the file's
                # content, which the bounded reader judges (a message, not a 400).
                text_fields = any(kind != "file" for _, kind in form["fields"])
                if status >= 500 or (value == "\x00" and text_fields and status != 400):
                    failures.append(f"{role} {form['method'].upper()} {target} "
                                    f"{value[:12]!r}: {status}")
    with capsys.disabled():
        print(f"\nhostile forms: {pages} pages, {forms_tried} forms, {requests} requests, "
              f"{len(failures)} failures")
    assert pages > 50 and forms_tried > 100
    assert not failures, "\n".join(failures[:40])


def _query(fields: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(fields)

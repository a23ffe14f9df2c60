"""Whole public responses cached by data version: the portal's pages are the same for every
reader, so after the first request of a data version each one is a cache read, not a render
(the year page with every desa is ~150 ms of Jinja and Babel; a cache hit ~2 ms).

The key names everything a response depends on: the full path with its query, the data
version (every verified figure, the APBD totals, the pemda's name), and the portal row's
`updated_at` (its licence). Only 200s are stored. Anonymous readers also get
`Cache-Control: public, max-age=60` and an ETag, so a proxy or a browser can absorb repeated
reads (a page may then outlive a switch-off by up to a minute); signed-in readers keep the
app's `no-store` (app/http_headers.py).
"""
from functools import wraps

from flask import Response, g, request

from app.core.cache import MISSING, backend, make_key
from models.data_version import current_version

MAX_AGE = 60


def _version() -> int:
    version = g.get("public_data_version")
    return current_version() if version is None else version


def public_cache(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = make_key("public-page", {"path": request.full_path, "v": _version(),
                                       "portal": str(g.get("public_portal_stamp", ""))})
        frozen = backend().get(key)
        if frozen is MISSING:
            resp = view(*args, **kwargs)
            if not isinstance(resp, Response):
                resp = Response(resp)
            if resp.status_code != 200:
                return resp
            frozen = (resp.get_data(), resp.mimetype, {
                k: v for k, v in resp.headers.items() if k == "Content-Disposition"})
            backend().set(key, frozen)
        body, mimetype, headers = frozen
        resp = Response(body, mimetype=mimetype, headers=headers)
        resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        resp.add_etag()
        return resp.make_conditional(request)
    return wrapped

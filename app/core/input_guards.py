"""Hostile input stopped at the door, before a view or the database sees it.

PostgreSQL refuses NUL bytes in text and integers past 2^31 in an `integer` column; Python's
JSON parser recurses once per nesting level. Each of these used to surface as a 500. Here they
become a 400 (or 404 for a path id no row can have) with an Indonesian message, in the UI's
error page or the API's JSON error shape (both render `error.data["message"]`):

- NUL bytes (and, in JSON, lone surrogates that no database encoding accepts) in query
  arguments, form fields, path segments, header values and JSON strings;
- path integers: the `int` route converter is bounded to a PostgreSQL `integer`, so a larger id
  does not match the route (404), like any other id that does not exist;
- query integers: `query_int()` is the one reader for `?tahun=`, `?opd=`, `?triwulan=`...;
- JSON bodies: size (`API_MAX_JSON_BYTES`) and nesting depth (`API_MAX_JSON_DEPTH`) checked on
  the raw bytes before anything parses them; bare `NaN`/`Infinity` tokens refused.
"""
import json
import re

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

INT32_MAX = 2**31 - 1
_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")

NUL_MESSAGE = "Isian memuat karakter yang tidak diizinkan (mis. NUL)."


class BadInput(BadRequest):
    """A 400 whose Indonesian message both error renderers show (`data["message"]`); a
    body's fault is also listed under `errors.json`, as the API's schema errors are."""

    def __init__(self, message: str, *, body: bool = False):
        super().__init__(message)
        self.data = {"message": message, **({"errors": {"json": [message]}} if body else {})}


def _at_most(n: int) -> str:
    """A regex for the decimal numbers 0..n (leading zeros allowed)."""
    s = str(n)
    parts = [rf"\d{{1,{len(s) - 1}}}"] if len(s) > 1 else []
    for i, ch in enumerate(s):
        if ch != "0":
            parts.append(s[:i] + f"[0-{int(ch) - 1}]" + rf"\d{{{len(s) - i - 1}}}")
    parts.append(s)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """werkzeug's `int`, held to the range of a PostgreSQL `integer` column.

    The bound is also in the regex: werkzeug answers 405 instead of 404 when a value fails only
    `to_python` on one rule while another rule of the same path has other methods."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        max = INT32_MAX if max is None or max > INT32_MAX else max  # noqa: A001
        if signed and min is None:
            min = -INT32_MAX  # noqa: A001
        super().__init__(map, fixed_digits, min, max, signed)
        if not signed and not fixed_digits and max >= 0:
            self.regex = _at_most(max)


def parse_int(raw: str | None, *, lo: int = -INT32_MAX, hi: int = INT32_MAX) -> int | None:
    """`raw` as an int within [lo, hi]; None when blank; ValueError when not such a number."""
    text = (raw or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[-+]?\d{1,12}", text):
        raise ValueError(text)
    value = int(text)
    if not lo <= value <= hi:
        raise ValueError(text)
    return value


def query_int(name: str, *, lo: int = -INT32_MAX, hi: int = INT32_MAX,
              default: int | None = None) -> int | None:
    """The query argument `name` as an int (None or `default` when absent); 400 when it is not
    a whole number within [lo, hi] (never past a database `integer`)."""
    try:
        value = parse_int(request.args.get(name), lo=max(lo, -INT32_MAX), hi=min(hi, INT32_MAX))
    except ValueError:
        raise BadInput(f"Parameter '{name}' harus berupa bilangan bulat yang sah.") from None
    return default if value is None else value


def _has_bad_char(*texts) -> bool:
    return any(isinstance(t, str) and _BAD_CHAR.search(t) for t in texts)


def _check_pairs(multidict) -> None:
    for key, values in multidict.lists():
        if _has_bad_char(key, *values):
            raise BadInput(NUL_MESSAGE)


# Endpoints that bound and check their JSON body themselves, with their own limits (the
# federation inbox: bundles larger than API_MAX_JSON_BYTES, gzip bodies; app/federation/body.py).
OWN_BODY_GUARD = {"api_federation.receive_bundle"}


def refuse_bad_text() -> None:
    """before_request: NUL bytes anywhere a view or the database could read them."""
    _check_pairs(request.args)
    if request.view_args and _has_bad_char(*request.view_args.values()):
        raise BadInput(NUL_MESSAGE)
    if any(_has_bad_char(k, v) for k, v in request.headers.items()):
        raise BadInput(NUL_MESSAGE)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_pairs(request.form)
            if any(_has_bad_char(f.filename) for f in request.files.values()):
                raise BadInput(NUL_MESSAGE)
        elif request.is_json and request.endpoint not in OWN_BODY_GUARD:
            check_json_body()


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes, limit: int) -> int:
    """The nesting depth of a JSON text, counted on the bytes (no recursion); stops past
    `limit`."""
    depth = deepest = 0
    for m in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


class _JsonConstant(ValueError):
    """`NaN`, `Infinity`, `-Infinity`: Python reads them, JSON (RFC 8259) has no such tokens."""


def _no_constant(name: str):
    raise _JsonConstant(name)


def check_json_body() -> None:
    """Size, depth, syntax and text of a JSON body, before webargs parses it again."""
    limit = current_app.config.get("API_MAX_JSON_BYTES", 1024 * 1024)
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise _too_large(limit)
    max_depth = current_app.config.get("API_MAX_JSON_DEPTH", 20)
    if json_depth(raw, max_depth) > max_depth:
        raise BadInput(f"Isi JSON terlalu dalam (paling banyak {max_depth} tingkat).", body=True)
    try:
        data = json.loads(raw, parse_constant=_no_constant) if raw.strip() else None
    except _JsonConstant:
        raise BadInput("NaN dan Infinity bukan angka yang sah.", body=True) from None
    except ValueError:  # also invalid UTF-8
        raise BadInput("Isi permintaan bukan JSON yang sah.", body=True) from None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if _has_bad_char(*item.keys()):
                raise BadInput(NUL_MESSAGE, body=True)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif _has_bad_char(item):
            raise BadInput(NUL_MESSAGE, body=True)


def _too_large(limit: int) -> RequestEntityTooLarge:
    exc = RequestEntityTooLarge()
    exc.data = {"message": f"Isi permintaan terlalu besar (paling banyak {limit // 1024} KB)."}
    return exc


def init_app(app: Flask) -> None:
    """Before the blueprints: the converter applies to rules as they are added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.setdefault("API_MAX_JSON_BYTES", 1024 * 1024)
    app.config.setdefault("API_MAX_JSON_DEPTH", 20)
    app.before_request(refuse_bad_text)

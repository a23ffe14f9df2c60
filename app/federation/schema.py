"""The JSON Schema of a bundle envelope (v1), served at /api/v1/schemas/bundle.json.

Lengths match the province's columns (models/federation.py), so a valid bundle always fits;
money is a decimal string with two places (never a JSON number: floats lose sen); array sizes
are bounded so a hostile bundle cannot make the province store millions of rows.
"""
from jsonschema import Draft202012Validator

SCHEMA_ID = "/api/v1/schemas/bundle.json"
MONEY = {"type": "string", "pattern": r"^-?[0-9]{1,16}\.[0-9]{2}$"}
COUNT = {"type": "integer", "minimum": 0, "maximum": 10**15}  # BIGINT columns
INT = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}  # INTEGER columns
MAX_REPORT_BYTES = 20 * 1024 * 1024


def _text(n: int, min_length: int = 0) -> dict:
    return {"type": "string", "maxLength": n, "minLength": min_length}


def _object(properties: dict, required=None) -> dict:
    return {"type": "object", "additionalProperties": False, "properties": properties,
            "required": list(properties) if required is None else required}


ROW = _object({
    "code": _text(60), "label": _text(400), "tags": INT, "tagged": MONEY, "realized": MONEY,
    "physical": {"oneOf": [{"type": "null"}, {
        "type": "string", "pattern": r"^-?[0-9]{1,5}\.[0-9]{2}$"}]},
    "target": COUNT, "reached": COUNT,
})

LOKUS = _object({
    "district": _text(120), "village_code": _text(30), "village_name": _text(120),
    "households": INT, "interventions": INT, "strategies": _text(20),
    "convergence": {"type": "integer", "minimum": 0, "maximum": 3}, "opds": _text(20000),
    "tagged": MONEY, "realized": MONEY,
})

MATRIX = _object({
    "strategy": {"type": "integer", "minimum": 1, "maximum": 3},
    "opd_code": _text(40), "opd_name": _text(200), "sub_activity_code": _text(40),
    "sub_activity_name": _text(400), "program_name": _text(400), "activity_name": _text(400),
    "tag_kind": _text(20), "description": _text(20000), "funding": _text(20),
    # every desa a tag reaches, by name (Text columns on the province)
    "location": _text(20000), "tagged": MONEY, "realized": MONEY, "target": COUNT,
    "unit": _text(30), "reached": COUNT,
})


# Issue 16: desil-1 households of the kabupaten's current BNBA snapshot per desa, and how many
# of them the period's beneficiary lists reached by 0, 1, 2 and 3 (or more) strategies. Counts
# only: no NIK, no name, no household hash ever leaves the kabupaten.
COVERAGE_FIELDS = {
    "village_code": _text(30, 1), "village": _text(120), "district": _text(120),
    "households": INT,
    "by_strategies": {"type": "array", "minItems": 4, "maxItems": 4, "items": INT},
    "snapshot_date": {"type": "string", "maxLength": 10,
                      "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
}
# Issue 28 (optional, so earlier bundles stay valid): the desa's approved verval on that
# snapshot, households per status (counts only).
VERVAL_COUNTS = _object({s: INT for s in (
    "masih", "tidak_miskin", "pindah", "meninggal", "tidak_ditemukan", "ganda")})
COVERAGE = _object({**COVERAGE_FIELDS, "verval": VERVAL_COUNTS},
                   required=list(COVERAGE_FIELDS))


def _rows(n: int, item: dict) -> dict:
    return {"type": "array", "maxItems": n, "items": item}


BUNDLE = _object({
    "schema_version": {"type": "integer", "minimum": 1},
    # letterhead (issue 30, optional): the region on the kabupaten's own letterhead, which its
    # report PDF carries; the province flags a bundle whose letterhead differs from the name it
    # registered.
    "kabupaten": _object({"code": _text(20, 1), "name": _text(120, 1),
                          "letterhead": _text(120)}, required=["code", "name"]),
    "fiscal_year": {"type": "integer", "minimum": 2000, "maximum": 2100},
    "period": {"type": "object", "additionalProperties": False,
               "required": ["kind", "number", "quarter"],
               "properties": {"kind": {"enum": ["quarter", "semester"]},
                              "number": {"type": "integer", "minimum": 1, "maximum": 4},
                              "quarter": {"type": "integer", "minimum": 1, "maximum": 4}}},
    "sequence": {"type": "integer", "minimum": 1, "maximum": 2**62},
    "created_at": {"type": "string", "maxLength": 40,
                   "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
    "total": ROW,
    "rollups": _object({by: _rows(10000, ROW) for by in (
        "strategy", "tag_kind", "opd", "funding_source", "district")}),
    "lokus": _rows(20000, LOKUS),
    # a big kabupaten (size L: ~30,000 tags) within FEDERATION_MAX_BYTES (app/federation/body.py)
    "matrix": _rows(100000, MATRIX),
    # Optional sections (themes: issue 17, coverage: issue 16; coverage is empty when the
    # kabupaten holds no BNBA snapshot).
    "themes": _rows(2000, ROW),
    "coverage": _rows(20000, COVERAGE),
    "report": _object({"filename": _text(200, 1), "size": {
        "type": "integer", "minimum": 1, "maximum": MAX_REPORT_BYTES},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}),
}, required=["schema_version", "kabupaten", "fiscal_year", "period", "sequence", "created_at",
             "total", "rollups", "lokus", "matrix"])

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "Tagar: bundel kabupaten/kota untuk provinsi (versi 1)",
    "description": "Amplop bertanda tangan Ed25519: `signature.value` adalah tanda tangan atas "
                   "bentuk kanonik `bundle` (JSON, kunci terurut, tanpa spasi, UTF-8; uang "
                   "sebagai string desimal).",
    **_object({
        "bundle": BUNDLE,
        "signature": _object({"algorithm": {"const": "Ed25519"},
                              "public_key": _text(64, 1), "value": _text(200, 1)}),
    }),
}

_VALIDATOR = Draft202012Validator(SCHEMA)


def errors(document) -> list[str]:
    """Up to five readable schema violations ("bundle.matrix.3.tagged: ...")."""
    out = []
    for error in _VALIDATOR.iter_errors(document):
        where = ".".join(str(p) for p in error.absolute_path) or "(akar)"
        if error.validator == "maxItems":  # the message would repeat the whole array
            out.append(f"{where}: lebih dari {error.validator_value} baris")
        else:
            out.append(f"{where}: {error.message[:200]}")
        if len(out) == 5:
            break
    return out


__all__ = ["SCHEMA", "SCHEMA_ID", "errors"]

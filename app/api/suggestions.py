"""Screening suggestions (issue 26): POST /api/v1/suggestions/tags.

Up to 1,000 items, answered in the order given. Every field but `name` is optional. A name is at
most 400 characters (the database's limit for a sub kegiatan name), printable text of the
Basic Multilingual Plane: NUL and other control characters, and emoji or other characters
beyond U+FFFF, which no budget line carries, are refused with 422 before the model reads
anything. Any role with an API token may ask: a suggestion writes nothing.
"""
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate

from app.screening.service import suggest_items

from .errors import documented
from .fields import Schema

MAX_ITEMS = 1000
KINDS = ("langsung", "tidak_langsung", "penunjang")

blp = Blueprint("api_suggestions", __name__, url_prefix="/suggestions",
                description="Saran penyaringan anggaran: relevansi, strategi dan kelompok, "
                            "dengan alasan. Saran tidak pernah menjadi tagging dengan sendirinya.")


def blueprints():
    return [blp]


def plain_text(value: str) -> None:
    for ch in value:
        if ch in "\t":
            continue
        if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ord(ch) > 0xFFFF:
            raise ValidationError("Teks memuat karakter yang tidak diizinkan "
                                  "(karakter kendali, NUL, atau emoji).")


def _text(n: int, *, required: bool = False):
    checks = [validate.Length(min=1 if required else 0, max=n,
                              error=f"{'Wajib diisi, p' if required else 'P'}aling banyak "
                                    f"{n} karakter."), plain_text]
    if required:
        return fields.String(required=True, validate=checks)
    return fields.String(load_default="", allow_none=True, validate=checks)


class SuggestionItemSchema(Schema):
    code = _text(40)
    name = _text(400, required=True)
    program = _text(400)
    activity = _text(400)
    opd_name = _text(200)


class SuggestionRequestSchema(Schema):
    items = fields.List(
        fields.Nested(SuggestionItemSchema), required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS,
                                 error=f"Kirim 1 sampai {MAX_ITEMS} butir."))


class SuggestionSchema(Schema):
    relevant = fields.Boolean(metadata={"description": "Skor >= ambang (docs/SCREENING.md)"})
    score = fields.Float(metadata={"description": "0-1: seberapa mungkin melayani kemiskinan "
                                                  "ekstrem"})
    strategy_code = fields.Integer(allow_none=True, metadata={"enum": [1, 2, 3, None]})
    strategy_confidence = fields.Float()
    tag_kind_code = fields.String(allow_none=True, metadata={"enum": [*KINDS, None]})
    tag_kind_confidence = fields.Float()
    reasons = fields.List(fields.String(), metadata={
        "description": "Alasan dalam bahasa Indonesia, yang terkuat lebih dahulu"})


class SuggestionAnswerSchema(Schema):
    items = fields.List(fields.Nested(SuggestionSchema))


@blp.route("/tags", methods=["POST"])
@blp.arguments(SuggestionRequestSchema)
@blp.response(200, SuggestionAnswerSchema)
@documented(blp, 422)
def suggest_tags(data):
    """Saran tagging untuk daftar sub kegiatan, dalam urutan yang sama."""
    items = [{k: (v or "") for k, v in item.items()} for item in data["items"]]
    return {"items": [s.as_dict() for s in suggest_items(items)]}

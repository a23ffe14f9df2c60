"""Request bodies of the API. The names match the answers' (a client can read an object, change
it and send the same keys back); what only the server decides (ids, totals) is not accepted.
A stale `version` is refused with 409, as in the UI."""
from marshmallow import ValidationError, fields, validate, validates_schema

from .fields import INT32, Money, Percent, Schema, no_nul
from .schemas import KIND_CODES, between, one_of

ACTIONS = ("submit", "resubmit", "verify", "return", "reopen")


def text(n: int, *, required=False):
    if required:
        return fields.String(required=True, validate=validate.Length(
            min=1, max=n, error=f"Wajib diisi, paling banyak {n} karakter."))
    return fields.String(load_default="", validate=validate.Length(
        max=n, error=f"Paling banyak {n} karakter."))


class SubActivityInSchema(Schema):
    code = text(40, required=True)
    name = text(400, required=True)
    program_code = text(40)
    program_name = text(400, required=True)
    activity_code = text(40)
    activity_name = text(400, required=True)
    allocation_original = Money(required=True)
    allocation_revised = Money(allow_none=True, load_default=None)
    funding_source_code = fields.String(
        allow_none=True, load_default=None,
        validate=validate.Length(max=20, error="Paling banyak 20 karakter."))
    output_indicator = text(2000)
    output_target = Money(allow_none=True, load_default=None)
    output_unit = text(60)
    location = text(2000)
    version = fields.Integer(metadata={
        "description": "Versi yang dibaca (wajib pada PUT; 409 bila sudah diubah pihak lain)"})


class SubActivityCreateSchema(SubActivityInSchema):
    opd_id = fields.Integer(metadata={"description": "Bawaan: OPD pengguna token"})
    year = fields.Integer(metadata={"description": "Tahun anggaran (bawaan: tahun berjalan)"})


class TagVillageInSchema(Schema):
    village_id = fields.Integer(required=True)
    amount = Money(allow_none=True, load_default=None)
    target_count = fields.Integer(allow_none=True, load_default=None,
                                  validate=between(0, 2_000_000_000))


def _unique_villages(rows, key):
    ids = [r["village_id"] for r in rows]
    if len(ids) != len(set(ids)):
        raise ValidationError("Desa yang sama disebut lebih dari sekali.", key)


class TagInSchema(Schema):
    strategy_code = fields.Integer(required=True, validate=between(1, 3))
    tag_kind_code = fields.String(required=True, validate=one_of(KIND_CODES))
    amount = Money(required=True,
                   metadata={"description": "Lebih dari nol, paling besar sisa pagu"})
    description = text(2000, required=True)
    aid_nature = text(120)
    aid_type = text(120)
    benefit_per_recipient = Money(allow_none=True, load_default=None)
    duration = text(60)
    target_count = fields.Integer(allow_none=True, load_default=None,
                                  validate=between(0, 2_000_000_000))
    target_unit = text(30)
    villages = fields.List(fields.Nested(TagVillageInSchema), load_default=list, metadata={
        "description": "Lokus desa tagging; daftar lengkap (yang tidak disebut dilepas)"})
    drop_realized_villages = fields.Boolean(load_default=False, load_only=True, metadata={
        "description": "true: desa yang dilepas ikut kehilangan realisasi per desanya; tanpa "
                       "ini pelepasan desa yang sudah memiliki realisasi ditolak (422)"})
    version = fields.Integer(metadata={"description": "Versi yang dibaca (wajib pada PUT)"})

    @validates_schema
    def _villages(self, data, **kwargs):
        _unique_villages(data.get("villages") or [], "villages")


class RealizationVillageInSchema(Schema):
    village_id = fields.Integer(required=True)
    reached_count = fields.Integer(required=True, validate=between(0, 100_000_000))


class RealizationInSchema(Schema):
    amount = Money(required=True, metadata={"description": "Realisasi keuangan s.d. triwulan"})
    physical_progress = Percent(required=True, metadata={"description": "Fisik 0-100 %"})
    reached_count = fields.Integer(required=True, validate=between(0, 100_000_000))
    problems = text(2000)
    follow_up = text(2000)
    explanation = text(2000)
    villages = fields.List(fields.Nested(RealizationVillageInSchema), load_default=list)
    version = fields.Integer(load_default=0, validate=between(0, INT32), metadata={
        "description": "Versi realisasi yang dibaca; 0 bila belum ada"})

    @validates_schema
    def _villages(self, data, **kwargs):
        _unique_villages(data.get("villages") or [], "villages")


class TransitionInSchema(Schema):
    action = fields.String(required=True, validate=one_of(ACTIONS), metadata={
        "description": "submit/resubmit (OPD atau Sekretariat), verify/return/reopen "
                       "(Sekretariat)"})
    note = text(4000)
    tag_comments = fields.Dict(
        keys=fields.Integer(validate=between(1, INT32)),
        values=fields.String(validate=[validate.Length(max=4000, error="Paling banyak 4000 "
                                                                      "karakter."), no_nul]),
        load_default=dict, metadata={"description": "Catatan per tagging saat mengembalikan: "
                                                    "{\"<tag_id>\": \"catatan\"}"})
    version = fields.Integer(allow_none=True, load_default=None)


class VersionArgs(Schema):
    version = fields.Integer(required=True, metadata={"description": "Versi yang dibaca"})

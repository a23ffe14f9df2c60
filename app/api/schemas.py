"""marshmallow schemas of the API. Money travels as decimal strings ("1234567.50")."""
import marshmallow as ma
from marshmallow import fields, validate


def Money(**kwargs):  # noqa: N802 - reads like a field class
    metadata = {"type": "string", "format": "decimal", "example": "1250000.00"}
    metadata.update(kwargs.pop("metadata", {}))
    return fields.Decimal(as_string=True, places=2, metadata=metadata, **kwargs)


class PageArgs(ma.Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageMeta(ma.Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class OpdSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    is_active = fields.Boolean()


class StrategySchema(ma.Schema):
    id = fields.Integer()
    code = fields.Integer()
    name = fields.String()
    short_name = fields.String()


class TagKindSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    weight = fields.Decimal(as_string=True, places=2,
                            metadata={"type": "string", "format": "decimal"})


class FundingSourceSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class QuarterSchema(ma.Schema):
    id = fields.Integer()
    number = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    deadline = fields.Date()
    is_open = fields.Boolean()


class FiscalYearSchema(ma.Schema):
    id = fields.Integer()
    year = fields.Integer()
    is_current = fields.Boolean()
    quarters = fields.List(fields.Nested(QuarterSchema))


class DistrictSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class VillageSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    district_id = fields.Integer()
    is_priority = fields.Boolean(metadata={"description": "Lokus pada tahun yang diminta"})
    desil1_households = fields.Integer()


class VillageArgs(PageArgs):
    district_id = fields.Integer()
    year = fields.Integer(metadata={"description": "Tahun anggaran untuk status lokus"})
    priority = fields.Boolean()


_page_schemas: dict = {}


def page_schema(item_schema):
    """A named envelope schema per item schema, so the OpenAPI document stays readable."""
    name = item_schema.__name__.replace("Schema", "") + "Page"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (ma.Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "meta": fields.Nested(PageMeta),
        })
    return _page_schemas[name]


class TagVillageSchema(ma.Schema):
    village_id = fields.Integer(required=True)
    village_code = fields.String(attribute="village.code", dump_only=True)
    village_name = fields.String(attribute="village.name", dump_only=True)
    amount = Money(allow_none=True, load_default=None)
    target_count = fields.Integer(allow_none=True, load_default=None,
                                  validate=validate.Range(min=0))


class TagSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    sub_activity_id = fields.Integer(dump_only=True)
    strategy_code = fields.Integer(attribute="strategy.code", dump_only=True)
    tag_kind_code = fields.String(attribute="tag_kind.code", dump_only=True)
    amount = Money()
    description = fields.String()
    aid_nature = fields.String()
    aid_type = fields.String()
    benefit_per_recipient = Money(allow_none=True)
    duration = fields.String()
    target_count = fields.Integer(allow_none=True)
    target_unit = fields.String()
    version = fields.Integer(dump_only=True)
    villages = fields.List(fields.Nested(TagVillageSchema), dump_only=True)


class SubActivitySchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    opd_id = fields.Integer(dump_only=True)
    year = fields.Integer(attribute="fiscal_year.year", dump_only=True)
    code = fields.String()
    name = fields.String()
    program_code = fields.String()
    program_name = fields.String()
    activity_code = fields.String()
    activity_name = fields.String()
    allocation_original = Money()
    allocation_revised = Money(allow_none=True)
    allocation = Money(dump_only=True, metadata={"description": "Pagu yang berlaku"})
    funding_source_code = fields.String(attribute="funding_source.code", allow_none=True,
                                        dump_only=True)
    output_indicator = fields.String()
    output_target = Money(allow_none=True)
    output_unit = fields.String()
    location = fields.String()
    version = fields.Integer(dump_only=True)


class SubActivityDetailSchema(SubActivitySchema):
    tags = fields.List(fields.Nested(TagSchema), dump_only=True)


class SubActivityArgs(PageArgs):
    year = fields.Integer(metadata={"description": "Tahun anggaran (bawaan: tahun berjalan)"})
    opd_id = fields.Integer()
    q = fields.String(metadata={"description": "Cari pada kode atau nama"})


class TagArgs(SubActivityArgs):
    strategy = fields.Integer(validate=validate.Range(min=1, max=3))
    kind = fields.String(validate=validate.OneOf(["langsung", "tidak_langsung", "penunjang"]))


class RealizationVillageSchema(ma.Schema):
    village_id = fields.Integer(required=True)
    reached_count = fields.Integer(required=True, validate=validate.Range(min=0))


class RealizationSchema(ma.Schema):
    id = fields.Integer(dump_only=True)
    tag_id = fields.Integer(dump_only=True)
    quarter = fields.Integer(attribute="quarter.number", dump_only=True)
    amount = Money(required=True, metadata={"description": "Realisasi keuangan s.d. triwulan"})
    physical_progress = fields.Decimal(
        as_string=True, places=2, required=True, validate=validate.Range(min=0, max=100),
        metadata={"type": "string", "format": "decimal", "description": "Fisik 0-100 %"})
    reached_count = fields.Integer(load_default=0, validate=validate.Range(min=0))
    problems = fields.String(load_default="")
    follow_up = fields.String(load_default="")
    explanation = fields.String(load_default="")
    anomalies = fields.List(fields.String(), attribute="anomaly_codes", dump_only=True)
    villages = fields.List(fields.Nested(RealizationVillageSchema), load_default=list)
    version = fields.Integer(metadata={"description": "Versi yang dibaca; wajib saat mengubah"})


class RealizationArgs(PageArgs):
    year = fields.Integer()
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    opd_id = fields.Integer()


class SubmissionSchema(ma.Schema):
    id = fields.Integer()
    opd_id = fields.Integer()
    year = fields.Integer(attribute="quarter.fiscal_year.year")
    quarter = fields.Integer(attribute="quarter.number")
    status = fields.String()
    is_late = fields.Boolean()
    submitted_at = fields.DateTime()
    verified_at = fields.DateTime()
    version = fields.Integer()


class SubmissionArgs(PageArgs):
    year = fields.Integer()
    quarter = fields.Integer(validate=validate.Range(min=1, max=4))
    opd_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(["draft", "submitted", "returned",
                                                    "verified"]))


class RollupArgs(ma.Schema):
    year = fields.Integer()
    quarter = fields.Integer(load_default=4, validate=validate.Range(min=1, max=4))
    flow = fields.Boolean(load_default=False)
    by = fields.String(load_default="strategy", validate=validate.OneOf(
        ["strategy", "tag_kind", "opd", "funding_source", "sub_activity", "tag", "district",
         "village"]))
    strategy = fields.Integer(validate=validate.Range(min=1, max=3))
    kind = fields.String(validate=validate.OneOf(["langsung", "tidak_langsung", "penunjang"]))
    opd_id = fields.Integer()
    funding_source_id = fields.Integer()
    district_id = fields.Integer()
    verified_only = fields.Boolean(load_default=False)


class RollupRowSchema(ma.Schema):
    key = fields.Raw(allow_none=True)
    code = fields.String()
    label = fields.String()
    tags = fields.Integer()
    tagged = Money()
    realized = Money()
    absorption = fields.Decimal(as_string=True, places=2, allow_none=True,
                                metadata={"type": "string", "format": "decimal"})
    physical = fields.Decimal(as_string=True, places=2, allow_none=True,
                              metadata={"type": "string", "format": "decimal"})
    target = fields.Integer()
    reached = fields.Integer()


class RollupSchema(ma.Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    flow = fields.Boolean()
    by = fields.String()
    rows = fields.List(fields.Nested(RollupRowSchema))
    total = fields.Nested(RollupRowSchema)

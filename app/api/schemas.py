"""marshmallow schemas of the API's answers and query strings. Money travels as decimal
strings ("1234567.50"); the request bodies are in `inputs`."""
from marshmallow import fields, validate

from app.cycle import anomalies

from .fields import Money, Percent, Ratio, Schema, UtcDateTime

KIND_CODES = ("langsung", "tidak_langsung", "penunjang")
STATUSES = ("draft", "submitted", "returned", "verified")


def one_of(choices):
    return validate.OneOf(choices, error="Pilih salah satu: " + ", ".join(map(str, choices)) + ".")


def between(lo, hi):
    return validate.Range(min=lo, max=hi, error=f"Nilai antara {lo} dan {hi}.")


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=between(1, 1_000_000))
    per_page = fields.Integer(load_default=50, validate=between(1, 200))


class PageMeta(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class OpdSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    short_name = fields.String()
    is_active = fields.Boolean()


class StrategySchema(Schema):
    id = fields.Integer()
    code = fields.Integer()
    name = fields.String()
    short_name = fields.String()


class TagKindSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    weight = Ratio()


class FundingSourceSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class QuarterSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    deadline = fields.Date()
    is_open = fields.Boolean()


class FiscalYearSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    is_current = fields.Boolean()
    quarters = fields.List(fields.Nested(QuarterSchema))


class DistrictSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class VillageSchema(Schema):
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
        _page_schemas[name] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "meta": fields.Nested(PageMeta),
        })
    return _page_schemas[name]


class TagVillageSchema(Schema):
    village_id = fields.Integer()
    village_code = fields.String(attribute="village.code")
    village_name = fields.String(attribute="village.name")
    amount = Money(allow_none=True)
    target_count = fields.Integer(allow_none=True)


class TagSchema(Schema):
    id = fields.Integer()
    sub_activity_id = fields.Integer()
    opd_id = fields.Integer()
    strategy_code = fields.Integer(attribute="strategy.code")
    tag_kind_code = fields.String(attribute="tag_kind.code")
    amount = Money()
    description = fields.String()
    aid_nature = fields.String()
    aid_type = fields.String()
    benefit_per_recipient = Money(allow_none=True)
    duration = fields.String()
    target_count = fields.Integer(allow_none=True)
    target_unit = fields.String()
    version = fields.Integer()
    villages = fields.List(fields.Nested(TagVillageSchema))


class TagSavedSchema(TagSchema):
    warnings = fields.List(fields.String(), metadata={
        "description": "Peringatan, mis. desa yang bukan lokus tahun tersebut"})


class SubActivitySchema(Schema):
    id = fields.Integer()
    opd_id = fields.Integer()
    year = fields.Integer(attribute="fiscal_year.year")
    code = fields.String()
    name = fields.String()
    program_code = fields.String()
    program_name = fields.String()
    activity_code = fields.String()
    activity_name = fields.String()
    allocation_original = Money()
    allocation_revised = Money(allow_none=True)
    allocation = Money(metadata={"description": "Pagu yang berlaku"})
    funding_source_code = fields.String(attribute="funding_source.code", allow_none=True)
    output_indicator = fields.String()
    output_target = Money(allow_none=True)
    output_unit = fields.String()
    location = fields.String()
    version = fields.Integer()


class SubActivityDetailSchema(SubActivitySchema):
    tags = fields.List(fields.Nested(TagSchema))


class SubActivityArgs(PageArgs):
    year = fields.Integer(metadata={"description": "Tahun anggaran (bawaan: tahun berjalan)"})
    opd_id = fields.Integer()
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Cari pada kode atau nama"})


class TagArgs(SubActivityArgs):
    strategy = fields.Integer(validate=between(1, 3))
    kind = fields.String(validate=one_of(KIND_CODES))


class RealizationVillageSchema(Schema):
    village_id = fields.Integer()
    reached_count = fields.Integer()


class RealizationSchema(Schema):
    id = fields.Integer()
    tag_id = fields.Integer()
    quarter = fields.Integer(attribute="quarter.number")
    amount = Money(metadata={"description": "Realisasi keuangan s.d. triwulan (kumulatif)"})
    physical_progress = Percent(metadata={"description": "Realisasi fisik s.d. triwulan, 0-100"})
    reached_count = fields.Integer()
    problems = fields.String()
    follow_up = fields.String()
    explanation = fields.String()
    anomalies = fields.List(fields.String(), attribute="anomaly_codes")
    anomaly_labels = fields.Function(
        lambda r: anomalies.describe(r.anomalies), metadata={
            "type": "array", "items": {"type": "string"},
            "description": "Anomali yang terdeteksi; wajib dijelaskan sebelum laporan diajukan"})
    villages = fields.List(fields.Nested(RealizationVillageSchema))
    version = fields.Integer(metadata={"description": "Kirim kembali saat mengubah"})


class RealizationArgs(PageArgs):
    year = fields.Integer()
    quarter = fields.Integer(validate=between(1, 4))
    opd_id = fields.Integer()
    tag_id = fields.Integer()


class SubmissionSchema(Schema):
    id = fields.Integer(allow_none=True)
    opd_id = fields.Integer()
    year = fields.Integer(attribute="quarter.fiscal_year.year")
    quarter = fields.Integer(attribute="quarter.number")
    status = fields.String(metadata={
        "description": "draft, submitted, returned, verified; `not_started`: "
                       "tidak ada laporan sama sekali (hanya triwulan yang lewat tenggat)"})
    is_late = fields.Boolean(metadata={
        "description": "Terlambat menurut aturan papan kepatuhan: diajukan pertama kali "
                       "setelah tenggat, atau belum diajukan dan tenggat sudah lewat"})
    days_overdue = fields.Integer(allow_none=True, metadata={
        "description": "Hari lewat tenggat (saat pengajuan pertama, atau s.d. hari ini bila "
                       "belum diajukan); null bila tepat waktu atau belum jatuh tempo"})
    submitted_at = UtcDateTime(allow_none=True)
    first_submitted_at = UtcDateTime(allow_none=True)
    verified_at = UtcDateTime(allow_none=True)
    version = fields.Integer()


class SubmissionEventSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String(attribute="actor.username", allow_none=True)
    note = fields.String()
    at = UtcDateTime()


class ReviewCommentSchema(Schema):
    tag_id = fields.Integer(allow_none=True)
    author = fields.String(attribute="author.username", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class SubmissionDetailSchema(SubmissionSchema):
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "Transisi yang boleh dilakukan pemilik token saat ini"})
    events = fields.List(fields.Nested(SubmissionEventSchema))
    comments = fields.List(fields.Nested(ReviewCommentSchema))


class SubmissionArgs(PageArgs):
    year = fields.Integer()
    quarter = fields.Integer(validate=between(1, 4))
    opd_id = fields.Integer()
    status = fields.String(validate=one_of((*STATUSES, "not_started")))


GROUPINGS = ("strategy", "tag_kind", "opd", "funding_source", "sub_activity", "tag", "district",
             "village")


class RollupArgs(PageArgs):
    year = fields.Integer(metadata={"description": "Bawaan: tahun berjalan"})
    quarter = fields.Integer(validate=between(1, 4), metadata={
        "description": "Angka s.d. akhir triwulan ini (bawaan: triwulan pelaporan, seperti "
                       "dasbor)"})
    flow = fields.Boolean(load_default=False, metadata={
        "description": "true: arus triwulan itu saja (selisih dari triwulan sebelumnya)"})
    by = fields.String(load_default="strategy", validate=one_of(GROUPINGS))
    strategy = fields.Integer(validate=between(1, 3))
    kind = fields.String(validate=one_of(KIND_CODES))
    opd_id = fields.Integer()
    funding_source_id = fields.Integer()
    district_id = fields.Integer()
    sub_activity_id = fields.Integer(metadata={"description": "Rinci sampai satu sub kegiatan"})
    verified_only = fields.Boolean(load_default=False)
    theme_id = fields.Integer(metadata={
        "description": "Hanya tagging tema ini (issue 17); tagging lintas tema dihitung sekali "
                       "per tema"})
    framework = fields.String(validate=validate.Length(max=40), metadata={
        "description": "Dengan by=strategy: baris menurut strategi kerangka ini, mis. "
                       "permendagri_53_2020 (bawaan: Inpres 4/2022 jo. 8/2025)"})


class RollupRowSchema(Schema):
    key = fields.Raw(allow_none=True, metadata={
        "description": "id (atau kode kelompok penandaan); null untuk bagian tanpa lokus"})
    code = fields.String()
    label = fields.String()
    tags = fields.Integer()
    tagged = Money()
    realized = Money()
    absorption = Ratio(allow_none=True)
    physical = Ratio(allow_none=True)
    target = fields.Integer()
    reached = fields.Integer()


class RollupSchema(Schema):
    year = fields.Integer()
    quarter = fields.Integer()
    flow = fields.Boolean()
    by = fields.String()
    verified_only = fields.Boolean()
    rows = fields.List(fields.Nested(RollupRowSchema))
    total = fields.Nested(RollupRowSchema)
    meta = fields.Nested(PageMeta)

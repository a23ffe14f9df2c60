"""Verval by the desa (issue 28), for a desa operator's token (a pemda's own mobile tool) and the
secretariat's: campaigns, progress, and recording one household by NIK or by row number and hash
prefix. A NIK in a request is hashed in memory and forgotten, as in the UI; a NIK of another desa
is answered "tidak ditemukan di desa ini" like an unknown one."""
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate
from sqlalchemy import select

from app.core.clock import today
from app.core.errors import ServiceError
from app.verval import recording
from models import VERVAL_STATUSES, VervalCampaign, VervalVillage, db
from models.verval import NOTE_MAX
from reports.queries import verval as progress

from .errors import documented
from .fields import Schema
from .scope import ID

blp = Blueprint("api_verval", __name__, url_prefix="/verval",
                description="Verval rumah tangga miskin ekstrem oleh operator desa.")
READERS = ("desa", "secretariat")


def blueprints():
    return [blp]


class DesaSchema(Schema):
    id = fields.Integer(metadata={"description": "Nomor desa dalam kampanye"})
    village_code = fields.String()
    village_name = fields.String()
    district = fields.String()
    state = fields.String(metadata={"description": "open, submitted, approved, returned"})
    households = fields.Integer()
    recorded = fields.Integer()
    late = fields.Boolean()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())


class CampaignSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    deadline = fields.Date()
    snapshot_date = fields.Date()
    desa = fields.List(fields.Nested(DesaSchema), metadata={
        "description": "Untuk operator desa: desanya sendiri saja"})


class ProgressSchema(Schema):
    campaign = fields.Nested(CampaignSchema)
    districts = fields.List(fields.Nested(DesaSchema), metadata={
        "description": "Per kecamatan (sekretariat saja)"})


class RecordInSchema(Schema):
    nik = fields.String(load_only=True, validate=validate.Length(max=40), metadata={
        "description": "NIK kepala (atau anggota) keluarga; di-hash di memori, tidak disimpan"})
    row = fields.Integer(validate=validate.Range(1, 1_000_000),
                         metadata={"description": "Nomor baris pada daftar desa"})
    prefix = fields.String(validate=validate.Length(max=64),
                           metadata={"description": "Awalan hash pada daftar desa (min. 4)"})
    status = fields.String(required=True, validate=validate.OneOf(VERVAL_STATUSES))
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX))


class RecordOutSchema(Schema):
    row = fields.Integer()
    prefix = fields.String()
    status = fields.String()
    unrecorded = fields.Integer(metadata={"description": "Rumah tangga desa yang belum dicatat"})


def _reader() -> None:
    if current_user.role not in READERS:
        abort(403, message="Hanya operator desa dan sekretariat.")


def _campaign(campaign_id: int) -> VervalCampaign:
    c = db.session.get(VervalCampaign, campaign_id)
    if c is None:
        abort(404, message="Kampanye tidak ditemukan.")
    return c


def _own_desa(c: VervalCampaign) -> VervalVillage:
    cv = db.session.scalar(select(VervalVillage).where(
        VervalVillage.campaign_id == c.id, VervalVillage.village_id == current_user.village_id))
    if cv is None:
        abort(404, message="Desa Anda tidak ada pada kampanye ini.")
    return cv


def _desa(r: progress.ProgressRow) -> dict:
    return {"id": r.key, "village_code": r.code, "village_name": r.name, "district": r.district,
            "state": r.state, "households": r.households, "recorded": r.recorded,
            "late": r.late, "by_status": r.by_status}


def _campaign_out(c: VervalCampaign, with_desa: bool) -> dict:
    out = {"id": c.id, "name": c.name, "deadline": c.deadline,
           "snapshot_date": c.snapshot.taken_on, "desa": []}
    if with_desa:
        village = current_user.village_id if current_user.role == "desa" else None
        out["desa"] = [_desa(r) for r in progress.by_village(c, today(), village_id=village)]
    return out


@blp.route("/campaigns")
@blp.response(200, CampaignSchema(many=True))
@documented(blp, 403)
def list_campaigns():
    """Campaigns: for a desa operator those of its desa, with its own progress."""
    _reader()
    stmt = select(VervalCampaign).order_by(VervalCampaign.id.desc())
    if current_user.role == "desa":
        stmt = stmt.join(VervalVillage).where(
            VervalVillage.village_id == current_user.village_id)
    return [_campaign_out(c, current_user.role == "desa") for c in db.session.scalars(stmt)]


@blp.route(f"/campaigns/<{ID}:campaign_id>/progress")
@blp.response(200, ProgressSchema)
@documented(blp, 403, 404)
def get_progress(campaign_id: int):
    """Progress per desa (a desa operator: its own) and, for the secretariat, per kecamatan."""
    _reader()
    c = _campaign(campaign_id)
    if current_user.role == "desa":
        _own_desa(c)
        return {"campaign": _campaign_out(c, True), "districts": []}
    return {"campaign": _campaign_out(c, True),
            "districts": [_desa(r) for r in progress.by_district(c, today())]}


@blp.route(f"/campaigns/<{ID}:campaign_id>/records", methods=["POST"])
@blp.arguments(RecordInSchema)
@blp.response(200, RecordOutSchema)
@documented(blp, 403, 404, 409, 422)
def post_record(body, campaign_id: int):
    """Record one household of the operator's desa, found by `nik` or by `row` and `prefix`.
    Saving the same status again is harmless, so a client may retry after a lost answer."""
    if current_user.role != "desa":
        abort(403, message="Hanya operator desa yang mencatat verval.")
    cv = _own_desa(_campaign(campaign_id))
    try:
        rec = recording.record(cv, current_user, status=body["status"], note=body.get("note"),
                               nik=body.get("nik"), row_no=body.get("row"),
                               prefix=body.get("prefix"))
        out = {"row": rec.row_no, "prefix": recording.prefix_of(rec), "status": rec.status}
    except ServiceError as exc:
        db.session.rollback()
        code = getattr(exc, "status_code", 422)
        abort(code, message=exc.message,
              **({"errors": {"json": exc.errors}} if code == 422 and exc.errors else {}))
    db.session.commit()
    out["unrecorded"] = recording.unrecorded(cv)
    return out

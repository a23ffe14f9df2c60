"""Who may see and change what, for the API: the UI's rules (app.security) with JSON messages."""
from flask_login import current_user
from flask_smorest import abort

from app.reference.service import fiscal_year as find_fiscal_year
from models import FiscalYear, db

from ..security import can_access_opd

# Path ids are bounded so a huge number is a 404, never a driver overflow.
ID = "int(max=2147483647)"

READ_DENIED = "Anda hanya dapat membaca data OPD Anda sendiri."
WRITE_DENIED = "Anda tidak berwenang mengubah data OPD ini."


def fiscal_year(year: int | None) -> FiscalYear:
    fy = find_fiscal_year(year)
    if fy is None:
        abort(404, message="Tahun anggaran tidak ditemukan.")
    return fy


def opd_scope(opd_id: int | None) -> int | None:
    """The OPD a list is limited to: an opd user's own, whatever it asks for."""
    if current_user.role == "opd":
        if opd_id is not None and opd_id != current_user.opd_id:
            abort(403, message=READ_DENIED)
        return current_user.opd_id
    return opd_id


def load(model, obj_id: int, *, write: bool = False):
    """The object or 404; 403 unless the token's user may read (write) its OPD."""
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404, message="Data tidak ditemukan.")
    if not can_access_opd(current_user, obj.opd_id, write=write):
        abort(403, message=WRITE_DENIED if write else READ_DENIED)
    return obj


def write_guard(opd_id: int) -> None:
    if not can_access_opd(current_user, opd_id, write=True):
        abort(403, message=WRITE_DENIED)


def ensure_writer() -> None:
    """Only OPD officers and the secretariat write (viewer and admin read only)."""
    if current_user.role not in ("opd", "secretariat"):
        abort(403, message="Peran Anda hanya dapat membaca data.")

"""An inactive OPD takes no new work (issue 15): no new sub kegiatan, no new users, no rollover;
its history stays in every report. New work asks `ensure_opd_active` before it starts."""
from sqlalchemy import select

from app.core.errors import ServiceError
from models import Opd, db

INACTIVE = ("OPD ini nonaktif: tidak dapat menerima sub kegiatan atau pengguna baru. "
            "Riwayatnya tetap tampil di laporan.")


def ensure_opd_active(opd_id: int | None) -> None:
    if opd_id is None:
        return
    if db.session.scalar(select(Opd.is_active).where(Opd.id == opd_id)) is False:
        raise ServiceError(INACTIVE, field="opd_id")

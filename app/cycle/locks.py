"""Locked is locked: once a quarter of an OPD is verified, the figures it rests on are frozen.

The workspace (tag amounts, allocations, lokus) and realization entry both ask here before
they write; only the secretariat's reopening (a workflow transition) unlocks.
"""
from sqlalchemy import func, select

from app.core.errors import LockedError
from models import Quarter, Submission, db


def verified_quarter_numbers(opd_id: int, fiscal_year_id: int) -> list[int]:
    stmt = (
        select(Quarter.number)
        .join(Submission, Submission.quarter_id == Quarter.id)
        .where(Submission.opd_id == opd_id, Quarter.fiscal_year_id == fiscal_year_id,
               Submission.status == "verified")
        .order_by(Quarter.number)
    )
    return list(db.session.scalars(stmt))


def quarter_is_locked(opd_id: int, quarter_id: int) -> bool:
    """Verified, or submitted and awaiting review: the OPD cannot change it (the reviewer is
    looking at exactly these figures)."""
    status = db.session.scalar(select(Submission.status).where(
        Submission.opd_id == opd_id, Submission.quarter_id == quarter_id))
    return status in ("submitted", "verified")


def ensure_budget_unlocked(opd_id: int, fiscal_year_id: int) -> None:
    """Refuse changes to allocations and tag amounts once any quarter of the year is verified."""
    count = db.session.scalar(
        select(func.count(Submission.id))
        .join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Submission.opd_id == opd_id, Quarter.fiscal_year_id == fiscal_year_id,
               Submission.status == "verified"))
    if count:
        numbers = ", ".join(Quarter.ROMAN[n] for n in verified_quarter_numbers(
            opd_id, fiscal_year_id))
        raise LockedError(
            f"Laporan triwulan {numbers} OPD ini sudah diverifikasi; nilai anggaran dan "
            "tagging yang menjadi dasarnya terkunci. Hubungi Sekretariat TKPKD untuk membuka "
            "kembali.")


_LOAD = object()


def ensure_quarter_unlocked(opd_id: int, quarter_id: int, *, submission=_LOAD) -> None:
    """`submission`: the OPD's submission for the quarter (or None) when the caller already
    holds it, which saves the query (the realization sheet loads it anyway)."""
    if submission is _LOAD:
        locked = quarter_is_locked(opd_id, quarter_id)
    else:
        locked = submission is not None and submission.status in ("submitted", "verified")
    if locked:
        raise LockedError(
            "Laporan triwulan ini sudah diajukan atau diverifikasi sehingga tidak dapat diubah. "
            "Perubahan hanya dapat dilakukan setelah dikembalikan atau dibuka kembali oleh "
            "Sekretariat TKPKD.")

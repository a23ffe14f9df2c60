"""The public portal's figures (issue 29): verified figures only, as plain JSON-ready data.

Nothing here aggregates on its own: every amount comes from `reports.queries.rollup` with
`verified_only=True` (the same function and rule the API's verified rollups use, so the portal
and /api/v1/rollups?verified_only=true never disagree), the convergence counts from
`reports.queries.lokus.by_district`, the extreme-poor households per BNBA snapshot from
`reports.queries.coverage.trend` (counts only). What the public must never see is simply never
read: no tag or sub-kegiatan level (their texts are free), no household, no user, no comment.

Money and percentages are strings with two decimals ("1234567.50"): the content is hashed and
stored as a published version, and CSV and JSON show exactly these strings.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from models import FiscalYear, PublicApbdTotal, Quarter, Submission, db
from reports.queries import coverage, lokus
from reports.queries.rollup import RollupFilter, RollupRow, rollup, total, trend

TABLES = ("strategy", "tag_kind", "opd", "district", "village")
CENT = Decimal("0.01")


def money(x: Decimal | None) -> str | None:
    return None if x is None else f"{Decimal(x).quantize(CENT):.2f}"


def last_verification(fy_id: int) -> tuple[int | None, datetime | None]:
    """(the latest quarter number any OPD is verified for, the time of the latest
    verification) of the year; (None, None) before the first."""
    row = db.session.execute(
        select(func.max(Quarter.number), func.max(Submission.verified_at))
        .join(Quarter, Quarter.id == Submission.quarter_id)
        .where(Quarter.fiscal_year_id == fy_id, Submission.status == "verified")).one()
    return row[0], row[1]


def _row(r: RollupRow) -> dict:
    return {"kode": r.code, "nama": r.label, "jumlah_penandaan": r.tags,
            "ditandai": money(r.tagged), "realisasi": money(r.realized),
            "serapan_persen": money(r.absorption), "fisik_persen": money(r.physical),
            "sasaran": r.target, "capaian": r.reached}


def _share(part: Decimal, whole: Decimal | None) -> str | None:
    if not whole:
        return None
    return money(part * 100 / whole)


def apbd_total(fy_id: int) -> PublicApbdTotal | None:
    return db.session.scalar(select(PublicApbdTotal).where(
        PublicApbdTotal.fiscal_year_id == fy_id))


def year_figures(fy: FiscalYear, quarter: int) -> dict:
    """Every figure the portal shows for `fy` to date at the end of `quarter` (1..4)."""
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter, verified_only=True)
    head = total(f)
    apbd = apbd_total(fy.id)
    murni = apbd.belanja_murni if apbd else None
    perubahan = apbd.belanja_perubahan if apbd else None
    last_quarter, verified_at = last_verification(fy.id)
    districts = lokus.by_district(fy.id)
    snapshots = coverage.trend()
    return {
        "tahun": fy.year,
        "triwulan": quarter,
        "triwulan_terverifikasi_terakhir": last_quarter,
        "verifikasi_terakhir": verified_at.isoformat(timespec="seconds") if verified_at else None,
        "ringkasan": {
            "jumlah_penandaan": head.tags,
            "ditandai": money(head.tagged), "realisasi": money(head.realized),
            "serapan_persen": money(head.absorption), "fisik_persen": money(head.physical),
            "sasaran": head.target, "capaian": head.reached,
            "apbd_belanja_murni": money(murni), "apbd_belanja_perubahan": money(perubahan),
            "porsi_apbd_murni_persen": _share(head.tagged, murni),
            "porsi_apbd_perubahan_persen": _share(head.tagged, perubahan),
        },
        "tabel": {by: [_row(r) for r in rollup(f, by)] for by in TABLES},
        "tren": [{"triwulan": r.code, **_row(r)} for r in trend(f)],
        "konvergensi": {
            "desa_lokus": sum(int(d.villages) for d in districts),
            "desa_terjangkau": sum(int(d.reached) for d in districts),
            "desa_tiga_strategi": sum(int(d.converged) for d in districts),
            "desa_tanpa_intervensi": sum(int(d.gaps) for d in districts),
            "per_kecamatan": [
                {"kode": d.code, "nama": d.name, "desa_lokus": int(d.villages),
                 "desa_terjangkau": int(d.reached), "desa_tiga_strategi": int(d.converged),
                 "desa_tanpa_intervensi": int(d.gaps)} for d in districts],
        },
        "rumah_tangga_miskin_ekstrem": [
            {"tanggal": p.taken_on.isoformat(), "sumber": p.source, "jumlah": p.desil1}
            for p in snapshots],
    }


def years() -> list[FiscalYear]:
    return list(db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())))


def year_of(year: int) -> FiscalYear | None:
    return db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))


__all__ = ["TABLES", "apbd_total", "last_verification", "money", "year_figures", "year_of",
           "years"]

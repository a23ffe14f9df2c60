"""What a kabupaten puts in a bundle: its verified figures for one period, from the report's
own rollups (reports/queries/rollup.py with verified_only, reports/queries/matrix.py), so the
province receives exactly what the kabupaten's dashboard and quarterly report show.

Only a verified period is exported: every OPD with tags in the year must have its submission
for the period's last quarter verified (no figure carried forward). A semester is the figure to
date at the end of TW II (semester 1) or TW IV (semester 2), as in Inpres 8/2025.
"""
from datetime import UTC, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app.core.errors import ServiceError
from app.reference.service import settings
from models import FederationExport, FiscalYear, Opd, db
from reports.queries import coverage, matrix, themes, verified, verval
from reports.queries.rollup import RollupFilter, RollupRow, rollup, total

from . import bundle

SCHEMA_VERSION = 1
DIMENSIONS = ("strategy", "tag_kind", "opd", "funding_source", "district")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def end_quarter(kind: str, number: int) -> int:
    if kind == "quarter" and number in (1, 2, 3, 4):
        return number
    if kind == "semester" and number in (1, 2):
        return 2 * number
    raise ServiceError("Periode harus triwulan 1-4 atau semester 1-2.", field="period")


def period_label(kind: str, number: int) -> str:
    return f"Semester {number}" if kind == "semester" else f"Triwulan {ROMAN[number]}"


def _money(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _row(r: RollupRow) -> dict:
    return {"code": r.code, "label": r.label, "tags": r.tags, "tagged": _money(r.tagged),
            "realized": _money(r.realized),
            "physical": None if r.physical is None else _money(r.physical),
            "target": r.target, "reached": r.reached}


def kabupaten_identity() -> tuple[str, str]:
    code = (current_app.config.get("FEDERATION_CODE") or "").strip()
    if not code:
        raise ServiceError("Kode kabupaten/kota belum diatur (TAGAR_FEDERATION_CODE).")
    name = (current_app.config.get("FEDERATION_NAME") or "").strip() or settings().region_name
    return code, name


def unverified_opds(fy_id: int, quarter: int) -> list[str]:
    carried = verified.carried_forward(fy_id, quarter)
    if not carried:
        return []
    return list(db.session.scalars(select(Opd.short_name).where(Opd.id.in_(carried))
                                   .order_by(Opd.code)))


def build_payload(year: int, kind: str, number: int, *, sequence: int,
                  created_at: datetime, report: dict | None = None) -> dict:
    """The bundle document (unsigned) for a verified period; ServiceError otherwise."""
    q = end_quarter(kind, number)
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
    if fy is None:
        raise ServiceError(f"Tahun anggaran {year} tidak ada.", field="year")
    pending = unverified_opds(fy.id, q)
    if pending:
        shown = ", ".join(pending[:5]) + (" …" if len(pending) > 5 else "")
        raise ServiceError(
            f"{period_label(kind, number)} {year} belum terverifikasi untuk {len(pending)} "
            f"perangkat daerah ({shown}); hanya periode terverifikasi yang dapat dikirim.",
            field="period")
    code, name = kabupaten_identity()
    f = RollupFilter(fiscal_year_id=fy.id, quarter=q, verified_only=True)
    by_tag = {r.key: r for r in rollup(f, "tag")}
    by_village = {r.key: r for r in rollup(f, "village")}
    return {
        "schema_version": SCHEMA_VERSION,
        "kabupaten": {"code": code, "name": name, "letterhead": settings().region_name[:120]},
        "fiscal_year": year,
        "period": {"kind": kind, "number": number, "quarter": q},
        "sequence": sequence,
        "created_at": created_at.replace(microsecond=0).isoformat() + "Z",
        "total": _row(total(f)),
        "rollups": {by: [_row(r) for r in rollup(f, by)] for by in DIMENSIONS},
        "lokus": [_lokus(r) for r in matrix.lokus_rows(fy.id, None, by_village)],
        "matrix": _matrix(fy.id, by_tag),
        # Issue 17: the figures per theme (a tag counts once in each theme it serves).
        "themes": [_row(r) for r in themes.by_theme(f)],
        # Issue 16: desil-1 households of the current BNBA snapshot per desa, reached by 0..3
        # strategies (counts only; empty when the kabupaten has no BNBA data).
        "coverage": _coverage(fy.id, q),
        # The report PDF travels beside the bundle (it would double its size): only its hash
        # and size are signed here; the province accepts the file that matches them.
        **({"report": report} if report else {}),
    }


def _coverage(fy_id: int, quarter: int) -> list[dict]:
    snapshot = coverage.current_snapshot()
    if snapshot is None:
        return []
    approved = verval.approved_counts(snapshot.id)  # issue 28: counts per desa and status
    return [{"village_code": r.code, "village": r.name, "district": r.district,
             "households": r.households, "by_strategies": list(r.by_count),
             "snapshot_date": snapshot.taken_on.isoformat(),
             **({"verval": approved[r.key]} if r.key in approved else {})}
            for r in coverage.by_village(snapshot.id, fy_id, quarter)]


def _lokus(r) -> dict:
    return {"district": r.district, "village_code": r.code, "village_name": r.village,
            "households": r.households or 0, "interventions": r.interventions,
            "strategies": r.strategies, "convergence": r.convergence, "opds": r.opds,
            "tagged": _money(r.tagged), "realized": _money(r.realized)}


def _matrix(fy_id: int, by_tag: dict) -> list[dict]:
    """The report matrix's rows as data: its own two descriptive queries
    (reports/queries/matrix.py),
    the numbers from the rollup by tag, so the province gets exactly the report's rows."""
    villages = matrix.tag_villages(fy_id, None)
    rows = []
    for d in matrix.tag_details(fy_id, None):
        r = by_tag.get(d.id)
        if r is None:
            continue
        rows.append({
            "strategy": d.code, "opd_code": d.opd_code, "opd_name": d.opd_name,
            "sub_activity_code": d.sa_code, "sub_activity_name": d.sa_name,
            "program_name": d.program_name, "activity_name": d.activity_name,
            "tag_kind": d.kind, "description": d.description or "", "funding": d.fund or "",
            "location": ", ".join(villages.get(d.id, [])) or d.location or "",
            "tagged": _money(r.tagged), "realized": _money(r.realized), "target": r.target,
            "unit": d.target_unit or "", "reached": r.reached})
    return rows


def next_sequence(moment: datetime) -> int:
    """Increasing across exports, and past any earlier one even if this database was rebuilt:
    at least the milliseconds since the epoch."""
    last = db.session.scalar(select(func.max(FederationExport.sequence))) or 0
    return max(last + 1, int(moment.replace(tzinfo=UTC).timestamp() * 1000))


def report_pdf(year: int, kind: str, number: int) -> tuple[str, bytes]:
    """The kabupaten's own report for the period (quarterly, or the semester report to the
    governor), verified figures only: (file name, PDF bytes)."""
    from app.core.clock import today
    from reports.render import build_report

    options = ({"variant": "gubernur", "semester": number} if kind == "semester"
               else {"variant": "quarterly", "quarter": number})
    name, data = build_report("pdf", year=year, fixed_date=today(), **options)
    return name, data.getvalue()


def export(year: int, kind: str, number: int, *, user=None,
           pdf: tuple[str, bytes] | None = None) -> tuple[bytes, FederationExport]:
    """Build, sign and log one bundle; returns (the envelope's bytes, the export row). With
    `pdf` (name, bytes) the bundle signs the report's hash and size."""
    from app.core import audit
    from app.core.clock import now

    end_quarter(kind, number)
    moment = now()
    sequence = next_sequence(moment)
    report = None
    if pdf is not None:
        report = {"filename": pdf[0][:200], "size": len(pdf[1]),
                  "sha256": bundle.sha256(pdf[1])}
    payload = build_payload(year, kind, number, sequence=sequence, created_at=moment,
                            report=report)
    try:  # after the figures: "not verified" is the first thing a secretariat needs to know
        key = bundle.load_private_key()
    except bundle.KeyProblem as exc:
        raise ServiceError(str(exc)) from None
    data = bundle.encode(bundle.sign(payload, key))
    row = FederationExport(fiscal_year=year, period_kind=kind, period_number=number,
                           sequence=sequence, sha256=bundle.sha256(data), size=len(data),
                           created_at=moment, created_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    audit.record("export", "federation_export", row.id, user=user, new={
        "fiscal_year": year, "period": f"{kind} {number}", "sequence": sequence,
        "sha256": row.sha256, "size": row.size})
    return data, row


__all__ = ["SCHEMA_VERSION", "build_payload", "end_quarter", "export", "next_sequence",
           "period_label", "report_pdf"]

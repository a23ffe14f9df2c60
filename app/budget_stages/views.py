"""The comparison page: per OPD and per changed sub kegiatan, murni beside perubahan and the
tagged share of each; `?format=xlsx` and `?format=pdf` give the same tables. An OPD officer
sees its own OPD."""
from datetime import date
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core.clock import today
from app.core.errors import ServiceError
from app.core.input_guards import query_int
from app.core.table_xlsx import Column, Table
from app.reference.service import fiscal_year
from models import db
from reports.queries import budget_stages as stages

from ..exports import wants_xlsx, xlsx_response
from ..security import role_required
from . import bp
from .service import set_revision_date


def _context():
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    number = query_int("triwulan", lo=1, hi=4)
    quarter = next((q for q in fy.quarters if q.number == number), None) if number else None
    on = quarter.end_date if quarter else today()
    opd_id = current_user.opd_id if current_user.role == "opd" else None
    return fy, quarter, on, opd_id


@bp.route("/")
@login_required
def index():
    fy, quarter, on, opd_id = _context()
    rows = stages.by_opd(fy, on, opd_id)
    total = stages.total(fy, on, opd_id)
    changed = stages.changed(fy, opd_id)
    if wants_xlsx():
        return xlsx_response(_tables(fy, quarter, on, rows, total, changed),
                             f"murni-perubahan-{fy.year}.xlsx")
    if request.args.get("format") == "pdf":
        return send_file(BytesIO(_pdf(fy, quarter, rows, total, changed)),
                         mimetype="application/pdf", as_attachment=True,
                         download_name=f"murni-perubahan-{fy.year}.pdf")
    return render_template("budget_stages/index.html", fy=fy, quarter=quarter, on=on,
                           rows=rows, total=total, changed=changed, share=stages.share,
                           revised_in_force=stages.revised_counts(fy, on),
                           can_set=current_user.role in ("secretariat", "admin"))


@bp.route("/tanggal", methods=["POST"])
@role_required("secretariat", "admin")
def revision_date():
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    raw = (request.form.get("tanggal") or "").strip()[:10]
    try:
        value = date.fromisoformat(raw) if raw else None
        changed = set_revision_date(fy, value, user=current_user)
    except ValueError:
        flash("Tanggal tidak valid (format TTTT-BB-HH).", "error")
        return redirect(url_for("budget_stages.index", tahun=fy.year), code=303)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("budget_stages.index", tahun=fy.year), code=303)
    db.session.commit()
    if changed:
        flash("Tanggal berlaku APBD perubahan disimpan." if value else
              "Tanggal berlaku APBD perubahan dikosongkan.", "success")
    return redirect(url_for("budget_stages.index", tahun=fy.year), code=303)


def _pdf(fy, quarter, rows, total, changed) -> bytes:
    from reports.pdf.budget_stages import build_pdf

    when = f"akhir {quarter.label}" if quarter else "hari ini"
    since = (f"berlaku sejak {fy.revision_date:%d-%m-%Y}" if fy.revision_date
            else "tanggal berlaku belum ditetapkan: pagu perubahan berlaku sejak diisi")
    return build_pdf(
        title=f"APBD Murni dan Perubahan Tahun Anggaran {fy.year}",
        subtitle=f"Pagu berlaku pada {when}",
        rule=f"APBD perubahan {since}; sebelum tanggal itu pagu murni yang berlaku. Nilai yang "
             "ditandai tidak bergantung pada tahap anggaran.",
        rows=rows, total=total, changed=changed)


def _tables(fy, quarter, on, rows, total, changed) -> list[Table]:
    filters = [("Tahun anggaran", str(fy.year)),
               ("Pagu berlaku pada", f"akhir {quarter.label}" if quarter else "hari ini"),
               ("Tanggal berlaku perubahan",
                fy.revision_date.isoformat() if fy.revision_date else "belum ditetapkan")]
    summary = Table(
        title="APBD murni dan perubahan per perangkat daerah", sheet="Per OPD",
        filters=filters,
        columns=[Column("Kode", width=22), Column("Perangkat daerah", width=40),
                 Column("Sub kegiatan", "count"), Column("Berubah", "count"),
                 Column("Pagu murni", "money"), Column("Pagu perubahan", "money"),
                 Column("Selisih", "money"), Column("Pagu berlaku", "money"),
                 Column("Ditandai", "money"), Column("Porsi murni (%)", "pct"),
                 Column("Porsi perubahan (%)", "pct")],
        rows=[[r.code, r.name, r.n_sub, r.n_changed, r.murni, r.perubahan,
               r.perubahan - r.murni, r.in_force, r.tagged, stages.share(r.tagged, r.murni),
               stages.share(r.tagged, r.perubahan)] for r in rows],
        total=["Jumlah", "", total.n_sub, total.n_changed, total.murni, total.perubahan,
               total.perubahan - total.murni, total.in_force, total.tagged,
               stages.share(total.tagged, total.murni),
               stages.share(total.tagged, total.perubahan)])
    detail = Table(
        title="Sub kegiatan yang berubah pada APBD perubahan", sheet="Berubah", filters=filters,
        columns=[Column("Kode", width=22), Column("Sub kegiatan", width=50),
                 Column("OPD", width=20), Column("Pagu murni", "money"),
                 Column("Pagu perubahan", "money"), Column("Selisih", "money"),
                 Column("Ditandai", "money"), Column("Porsi perubahan (%)", "pct")],
        rows=[[c.code, c.name, c.opd, c.murni, c.perubahan, c.delta, c.tagged,
               stages.share(c.tagged, c.perubahan)] for c in changed])
    return [summary, detail]

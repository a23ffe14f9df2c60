"""The administrator's audit-log viewer: filters (user, OPD, object type, action, dates),
pages of 50, and the same filtered list as XLSX (at most EXPORT_ROWS rows, newest first), both
in words (app/audit/words.py): actions and objects in Indonesian, changes as
"Label: lama → baru", times in WIB."""
from datetime import date

from flask import render_template, request

from app.core.input_guards import query_int
from app.core.table_xlsx import Column, Table

from ..exports import wants_xlsx, xlsx_response
from ..security import role_required
from . import bp, queries, words

PER_PAGE = 50
EXPORT_ROWS = 5000  # the styled sheet costs ~1-4 s per 1,000 rows (docs in the report)


def _date(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()[:10]
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filter() -> queries.AuditFilter:
    return queries.AuditFilter(
        user_id=query_int("pengguna"), opd_id=query_int("opd"),
        entity=(request.args.get("objek") or "").strip()[:40],
        action=(request.args.get("tindakan") or "").strip()[:30],
        start=_date("dari"), end=_date("sampai"))


@bp.route("/")
@role_required("admin")
def index():
    flt = _filter()
    opts = queries.choices()
    if wants_xlsx():
        return xlsx_response([_table(flt, opts)], "log-audit.xlsx")
    number = query_int("page", lo=1, hi=1_000_000) or 1
    rows, total = queries.page(flt, number, PER_PAGE)
    return render_template("audit/index.html", rows=rows, total=total, page=number,
                           pages=max(1, -(-total // PER_PAGE)), flt=flt, opts=opts,
                           args={k: v for k, v in request.args.items() if k != "page"},
                           words=words)


def _table(flt: queries.AuditFilter, opts) -> Table:
    users = {u.id: u.username for u in opts["users"]}
    opds = {o.id: o.name for o in opts["opds"]}
    rows = queries.all_rows(flt, EXPORT_ROWS)
    return Table(
        title="Log audit", sheet="Log audit",
        filters=[("Pengguna", users.get(flt.user_id, "semua")),
                 ("Perangkat daerah", opds.get(flt.opd_id, "semua")),
                 ("Jenis objek", words.entity_label(flt.entity) if flt.entity else "semua"),
                 ("Tindakan", words.action_label(flt.action) if flt.action else "semua"),
                 ("Dari", flt.start.isoformat() if flt.start else "-"),
                 ("Sampai", flt.end.isoformat() if flt.end else "-"),
                 ("Baris", f"{len(rows)} (paling banyak {EXPORT_ROWS}, terbaru dahulu)")],
        columns=[Column("Waktu (WIB)", width=20), Column("Pengguna", width=18),
                 Column("OPD", width=20), Column("Tindakan", width=18),
                 Column("Objek", width=30), Column("Perubahan", width=70),
                 Column("Catatan", width=40), Column("Alamat", width=16)],
        rows=[[words.when(e.at), username or "-", opd or "", words.action_label(e.action),
               words.object_text(e.entity, e.entity_id, e.parent_entity, e.parent_id),
               "\n".join(words.changes(e.old_values, e.new_values))[:4000], e.note, e.ip]
              for e, username, _name, opd in rows])

"""The dashboard's and the anomaly list's tables as XLSX sheets: built from the very context
the pages render (`page.build`, `page.anomaly_list`), so a downloaded figure is the figure on
screen, and written by the one table helper (`app.core.table_xlsx`)."""
from app.core.table_xlsx import Column, Table
from app.cycle import anomalies as anomaly_rules
from models import STATUS_LABELS
from reports.content.kemenko import ROMAN

from .filters import DashboardQuery

# No Sasaran/Tercapai: a grouping mixes units (KK, jiwa, unit, desa), never added up.
ROLLUP_COLUMNS = [Column("Tagging", "count"), Column("Anggaran ditandai", "money"),
                  Column("Realisasi", "money"), Column("Serapan (%)", "pct"),
                  Column("Fisik (%)", "pct")]


def describe(q: DashboardQuery, opts: dict) -> list[tuple[str, str]]:
    """The filters of the page in words (what the printed page says above its tables)."""
    f = q.filt

    def pick(items, attr, value, show):
        item = next((i for i in items if getattr(i, attr) == value), None)
        return show(item) if item is not None else "semua"

    return [
        ("Tahun anggaran", str(q.fy.year)),
        ("Triwulan", f"TW {ROMAN[f.quarter]}"),
        ("Strategi", pick(opts["strategies"], "code", f.strategy_code,
                          lambda s: f"{s.code}. {s.short_name}")),
        ("Kelompok penandaan", pick(opts["kinds"], "code", f.tag_kind_code, lambda k: k.name)),
        ("OPD", pick(opts["opds"], "id", f.opd_id, lambda o: o.name)),
        ("Kecamatan", pick(opts["districts"], "id", f.district_id, lambda d: d.name)),
        ("Sumber dana", pick(opts["funds"], "id", f.funding_source_id,
                             lambda d: f"{d.code} {d.name}")),
        ("Angka", "arus triwulan" if f.flow else "kumulatif s.d. akhir triwulan"),
        ("Laporan", "hanya terverifikasi" if f.verified_only else "semua laporan"),
        ("Tema", pick(opts.get("themes", []), "id", f.theme_id, lambda t: t.name)),  # issue 17
    ]


def _rollup_values(r) -> list:
    return [r.tags, r.tagged, r.realized, r.absorption, r.physical]


def rollup_table(title: str, head: str, rows, total, filters, *, code=True,
                 statuses: dict | None = None, marks: dict | None = None) -> Table:
    """A rollup section: rows are (RollupRow, link) as the page holds them; `marks` puts the
    carried-forward sign after an OPD's name, as the page does."""
    marks = marks or {}
    columns = ([Column("Kode", width=16)] if code else []) + [Column(head, width=44)]
    if statuses is not None:
        columns.append(Column("Status laporan", width=24))
    columns += ROLLUP_COLUMNS
    out = []
    for r, _url in rows:
        label = f"{r.label} {marks[r.key]}" if r.key in marks else r.label
        values = ([r.code] if code else []) + [label]
        if statuses is not None:
            values.append(status_text(*statuses.get(r.key, (None, None))))
        out.append(values + _rollup_values(r))
    total_row = None
    if total is not None:
        total_row = ([""] if code else []) + [total.label]
        total_row += [""] if statuses is not None else []
        total_row += _rollup_values(total)
    return Table(title=title, sheet=head, columns=columns, rows=out, total=total_row,
                 filters=filters)


def status_text(status: str | None, overdue: int | None) -> str:
    label = STATUS_LABELS.get(status, "Belum mulai") if status else "Belum mulai"
    return label + (f" (terlambat {overdue} hari)" if overdue else "")


def dashboard(ctx: dict) -> list[Table]:
    """Every table of the dashboard page, one sheet each, in the page's order."""
    q = ctx["q"]
    filters = describe(q, ctx["opts"])
    total = ctx["total"]
    tables = [
        rollup_table("Per strategi", "Strategi", ctx["by_strategy"], total, filters),
        Table(title="Per kelompok penandaan dan indeks insentif fiskal (PMK 97/2023)",
              sheet="Kelompok penandaan", filters=filters,
              columns=[Column("Kelompok", width=28), Column("Bobot (%)", "pct"),
                       Column("Anggaran ditandai", "money"), Column("Realisasi", "money"),
                       Column("Serapan (%)", "pct"), Column("Nilai indeks", "pct")],
              rows=[[k["label"], k["weight"], k["tagged"], k["realized"], k["absorption"],
                     k["score"]] for k in ctx["index"]["kinds"]],
              total=["Indeks realisasi", "", "", "", "", ctx["index"]["index"]]),
        rollup_table("Per OPD", "Perangkat daerah", ctx["by_opd"], total,
                     filters + [("Keterangan", line) for line in ctx["carried"]["legends"]],
                     statuses=ctx["statuses"], marks=ctx["carried"]["marks"]),
        _trend(ctx, filters),
        rollup_table("Per kecamatan", "Kecamatan", ctx["by_district"], total, filters,
                     code=False),
        rollup_table("Per sumber dana", "Sumber dana", ctx["by_fund"], total, filters),
    ]
    if ctx.get("sources"):  # issue 17: APBD kabupaten beside the other sources
        from reports.queries.convergence import sources_table

        tables.append(sources_table(ctx["sources"], ctx["sources_total"], filters))
    if "by_sub" in ctx:
        opd = ctx.get("detail_opd")
        tables.append(rollup_table(f"Rincian {opd.name if opd else ''}: sub kegiatan".strip(),
                                   "Sub kegiatan", ctx["by_sub"], None, filters))
    if "by_tag" in ctx:
        sub = q.sub
        tables.append(Table(
            title=f"Tagging pada {sub.code} {sub.name}", sheet="Tagging", filters=filters,
            columns=[Column("Aktivitas", width=50), Column("Anggaran ditandai", "money"),
                     Column("Realisasi", "money"), Column("Serapan (%)", "pct"),
                     Column("Fisik (%)", "pct"), Column("Sasaran", "count"),
                     Column("Tercapai", "count")],
            rows=[[r.label, r.tagged, r.realized, r.absorption, r.physical, r.target,
                   r.reached] for r in ctx["by_tag"]]))
    return tables


def _trend(ctx: dict, filters) -> Table:
    s = ctx["semesters"]
    rows = [[f"{r.label} * ({r.carried} OPD dibawa)" if r.carried else r.label, r.tagged,
             r.realized, r.absorption, r.physical, r.reached] for r in ctx["trend"]]
    rows += [["Realisasi semester I (s.d. TW II)", None, s["s1"], None, None, None],
             ["Realisasi semester II (TW III dan IV)", None, s["s2"], None, None, None],
             ["Total realisasi (s.d. TW IV)", None, s["all"], None, None, None]]
    if any(r.carried for r in ctx["trend"]):
        filters = filters + [("Keterangan", "* triwulan tanpa angka memakai angka kumulatif "
                                            "triwulan sebelumnya (dibawa)")]
    return Table(title="Tren per triwulan", sheet="Tren", filters=filters, rows=rows,
                 columns=[Column("Periode", width=36), Column("Anggaran ditandai", "money"),
                          Column("Realisasi kumulatif", "money"), Column("Serapan (%)", "pct"),
                          Column("Fisik (%)", "pct"), Column("Tercapai", "count")])


def anomalies(q: DashboardQuery, quarter: int | None, opd_name: str | None, rows) -> Table:
    """The anomaly list: one row per flagged realization, as the page lists them."""
    filters = [("Tahun anggaran", str(q.fy.year)),
               ("Triwulan", f"TW {ROMAN[quarter]}" if quarter else "semua triwulan"),
               ("OPD", opd_name or "semua")]
    return Table(
        title="Anomali realisasi", sheet="Anomali", filters=filters,
        columns=[Column("TW", width=6), Column("Kode OPD", width=22),
                 Column("Perangkat daerah", width=30), Column("Kode sub kegiatan", width=20),
                 Column("Sub kegiatan", width=36), Column("Aktivitas", width=36),
                 Column("Ditandai", "money"), Column("Realisasi", "money"),
                 Column("Fisik (%)", "pct"), Column("Tercapai", "count"),
                 Column("Sasaran", "count"), Column("Anomali", width=50),
                 Column("Penjelasan OPD", width=40)],
        rows=[[ROMAN[r.number], r.opd_code, r.opd_name, r.code, r.sub_name, r.description, r.tagged,
               r.amount, r.physical_progress, r.reached_count, r.target_count,
               "; ".join(anomaly_rules.describe(r.anomalies)), r.explanation or ""]
              for r in rows])

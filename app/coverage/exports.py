"""The coverage pages' "Unduh XLSX" (`?format=xlsx`): the same figures the page shows, built
from the same data after the same access checks, as `app.core.table_xlsx` tables. Counts and
hash prefixes only: no NIK, KK number or name is ever in the database to be exported."""
from app.core import audit
from app.core.table_xlsx import Column, Table
from models import db
from reports.queries import coverage as report

from ..templating import date_id

REACH = [Column("Desil 1", "count"), Column("Tidak dijangkau", "count"),
         Column("1 strategi", "count"), Column("2 strategi", "count"),
         Column("3 strategi", "count")]


def _counts(row: report.ReachRow) -> list:
    return [row.households, *row.by_count]


def _filters(fy, quarter: int, snap, district_name: str | None) -> list[tuple[str, str]]:
    """The page's filters; `district_name` None for a table the kecamatan does not filter
    (on the page too: per kecamatan, same aid, spend cover the whole kabupaten)."""
    out = [("Tahun anggaran", str(fy.year)), ("Daftar penerima s.d.", f"Triwulan {quarter}")]
    out.append(("Kecamatan", district_name) if district_name else ("Cakupan", "Kabupaten"))
    return [*out, ("Data BNBA", f"{snap.source} per {date_id(snap.taken_on)}")]


def coverage_tables(fy, quarter: int, district_name: str | None, f: dict) -> list[Table]:
    """The coverage page's tables, in the page's order: per kecamatan (with the total), per
    desa (the kecamatan filter applied, as on the page), the same aid from several OPDs, spend
    per reached household and the trend (kabupaten, the chosen kecamatan, and per desa)."""
    whole = _filters(fy, quarter, f["snap"], None)
    filters = _filters(fy, quarter, f["snap"], district_name)
    total = f["total"]
    tables = [
        Table(title="Rumah tangga desil 1 menurut jumlah strategi yang menjangkau, per kecamatan",
              sheet="Per kecamatan", filters=whole,
              columns=[Column("Kecamatan"), *REACH, Column("Terjangkau", "count")],
              rows=[[d.name, *_counts(d), d.reached] for d in f["districts"]],
              total=["Jumlah", *_counts(total), total.reached]),
        Table(title="Rumah tangga desil 1 menurut jumlah strategi yang menjangkau, per desa",
              sheet="Per desa", filters=filters, frozen_columns=2,
              columns=[Column("Kode", width=16), Column("Desa"), Column("Kecamatan"), *REACH],
              rows=[[v.code, v.name, v.district, *_counts(v)] for v in f["villages"]]),
        Table(title="Bantuan sejenis dari beberapa OPD (kemungkinan penghitungan ganda)",
              sheet="Bantuan sejenis", filters=whole,
              columns=[Column("Strategi", "count"), Column("Jenis bantuan"),
                       Column("Rumah tangga dari 2+ OPD", "count"),
                       Column("OPD pemberi", "count")],
              rows=[[o.strategy, o.aid_type, o.households, o.opds] for o in f["overlaps"]]),
        Table(title="Belanja per rumah tangga terjangkau", sheet="Belanja per RT",
              filters=whole,
              columns=[Column("Strategi"), Column("Tagging berdaftar", "count"),
                       Column("Rumah tangga", "count"), Column("Realisasi", "money"),
                       Column("Per rumah tangga", "money")],
              rows=[[f"{s.strategy}. {s.name}", s.tags, s.households, s.realized,
                     s.per_household] for s in f["spend"]]),
    ]
    by_district = f.get("trend_district")
    tables.append(Table(
        title="Tren rumah tangga desil 1 per data BNBA", sheet="Tren", filters=filters,
        columns=[Column("Tanggal data", width=18), Column("Sumber", width=14),
                 Column("Kabupaten", "count"), Column("Setelah verval", "count"),
                 *([Column("Kecamatan terpilih", "count")] if by_district else [])],
        rows=[[p.taken_on.isoformat(), p.source, p.desil1, p.after_verval,
               *([by_district[i].desil1] if by_district else [])]
              for i, p in enumerate(f["trend"])]))
    if f.get("village_trend"):
        shown = f["trend_shown"]
        tables.append(Table(
            title="Tren rumah tangga desil 1 per desa", sheet="Tren per desa", filters=filters,
            columns=[Column("Desa"), *(Column(p.taken_on.isoformat(), "count") for p in shown)],
            rows=[[v.name, *(f["village_trend"].get(v.key, {}).get(p.snapshot_id, 0)
                             for p in shown)] for v in f["villages"]]))
    return tables


def unreached_table(fy, quarter: int, snap, district_name: str | None, rows, count: int) -> Table:
    """The secretariat's unreached list, every row (not one page): desa, kecamatan and the
    hash prefix the pemda checks against its own BNBA file."""
    filters = _filters(fy, quarter, snap, district_name)
    filters.append(("Jumlah rumah tangga", str(count)))
    if len(rows) < count:
        filters.append(("Catatan", f"hanya {len(rows)} baris pertama yang dimuat"))
    return Table(title="Rumah tangga desil 1 yang belum dijangkau", sheet="Belum terjangkau",
                 filters=filters,
                 columns=[Column("Desa"), Column("Kecamatan"),
                          Column("Awalan hash", width=18)],
                 rows=[list(r) for r in rows])


def audit_unreached_download(snap, fy, quarter: int, district_id: int | None, rows: int):
    """The whole pseudonymous list leaving the system is recorded (who, which list, how many
    rows; never a prefix), as each cek NIK lookup is."""
    audit.record("export", "household_snapshot", snap.id,
                 new={"list": "belum_terjangkau", "fiscal_year": fy.year, "quarter": quarter,
                      "district_id": district_id, "rows": rows},
                 note="Unduh XLSX daftar rumah tangga belum terjangkau (awalan hash)")
    db.session.flush()

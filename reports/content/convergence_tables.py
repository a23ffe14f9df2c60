"""The "Unduh XLSX" of the issue 17 pages (other-sources interventions, themes and the KLASIK
view, the rollup in another framework): built from the very rows each page renders, written
by the one table helper (`app.core.table_xlsx`), so a downloaded figure is the figure on screen.
"""
from app.core.table_xlsx import Column, Table
from models import SOURCE_KINDS
from reports.queries.convergence import sources_table

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ROLLUP_COLUMNS = [Column("Tagging", "count"), Column("Anggaran ditandai", "money"),
                  Column("Realisasi", "money"), Column("Serapan (%)", "pct"),
                  Column("Fisik (%)", "pct"), Column("Sasaran", "count"),
                  Column("Tercapai", "count")]


def filters(year: int, quarter: int, **more: str) -> list[tuple[str, str]]:
    return [("Tahun anggaran", str(year)), ("Triwulan", f"s.d. TW {ROMAN[quarter]}"),
            *more.items()]


def _rollup(r) -> list:
    return [r.tags, r.tagged, r.realized, r.absorption, r.physical, r.target, r.reached]


def rollup_sheet(title: str, sheet: str, head: str, rows, total, total_label: str,
                 filt) -> Table:
    return Table(title=title, sheet=sheet, filters=filt,
                 columns=[Column("Kode", width=10), Column(head, width=48), *ROLLUP_COLUMNS],
                 rows=[[r.code, r.label, *_rollup(r)] for r in rows],
                 total=["", total_label, *_rollup(total)])


def intervention_tables(year: int, quarter: int, kind: str | None, split, split_total,
                        rows) -> list[Table]:
    """The interventions page: the split by source, then the list (as filtered)."""
    filt = filters(year, quarter, Sumber=SOURCE_KINDS.get(kind, "semua"))
    listed = Table(
        title="Daftar intervensi sumber dana lain di desa", sheet="Intervensi", filters=filt,
        columns=[Column("Kode desa", width=16), Column("Desa", width=26),
                 Column("Kecamatan", width=22), Column("Sumber", width=18),
                 Column("Penyedia", width=30), Column("Uraian", width=36),
                 Column("Strategi", "count"), Column("Rencana", "money"),
                 Column(f"Realisasi s.d. TW {ROMAN[quarter]}", "money"),
                 Column("Rumah tangga", "count")],
        rows=[[vcode, vname, dname, iv.source_label, iv.provider_name, iv.description or "",
               iv.strategy.code, iv.amount_planned, iv.realized_to(quarter),
               iv.households_reached] for iv, vcode, vname, dname in rows],
        frozen_columns=2)
    return [sources_table(split, split_total, filt), listed]


def theme_tables(year: int, quarter: int, by_theme, total, cross_total,
                 cross_rows) -> list[Table]:
    """The themes page: per theme (with the total without double counting), then the
    cross-theme (KLASIK) tags."""
    filt = filters(year, quarter)
    per_theme = rollup_sheet("Rekap per tema", "Per tema", "Tema", by_theme, total,
                             "Seluruh tagging (tanpa hitung ganda)", filt)
    cross = Table(
        title="Lintas tema (KLASIK): tagging yang melayani dua tema atau lebih",
        sheet="Lintas tema", filters=filt,
        columns=[Column("Sub kegiatan", width=20), Column("Aktivitas", width=44),
                 Column("Tema", width=36), Column("Anggaran ditandai", "money"),
                 Column("Realisasi", "money")],
        rows=[[r.code, r.label, ", ".join(names), r.tagged, r.realized]
              for r, names in cross_rows],
        total=[f"Jumlah lintas tema ({cross_total.tags} tagging)", "", "", cross_total.tagged,
               cross_total.realized])
    return [per_theme, cross]


def framework_tables(year: int, quarter: int, framework, rows, total, mapping,
                     targets) -> list[Table]:
    """The frameworks page: the rollup by the framework's strategies, then its mapping."""
    filt = filters(year, quarter, Kerangka=framework.name)
    rollup = rollup_sheet(f"Rekap per strategi {framework.name}", "Rekap", "Strategi", rows,
                          total, "Jumlah", filt)
    unmapped = "belum dipetakan"
    mapped = Table(
        title=f"Pemetaan strategi Inpres ke {framework.name}", sheet="Pemetaan", filters=filt,
        columns=[Column("Kode Inpres", "count"), Column("Strategi Inpres 4/2022 jo. 8/2025",
                                                        width=48),
                 Column("Kode kerangka", "count"), Column(f"Strategi {framework.name}",
                                                          width=52)],
        rows=[[code, name, targets[t].code if t in targets else None,
               targets[t].name if t in targets else unmapped] for code, name, t in mapping])
    return [rollup, mapped]


__all__ = ["framework_tables", "intervention_tables", "theme_tables"]

"""The three maps of the pages, each a figure per desa put into classes for app/maps/svg.py:

- dashboard: realization per desa under the dashboard's filters (the rollup's desa shares,
  reports/queries/apportion.py): desa with tagged money but nothing realized, then quartiles of
  the realized amounts; a desa no tag reaches has no data;
- lokus: priority desa by convergence (0-3 strategies, other sources included unless the page
  says APBD only); a priority desa with desil-1 households and no intervention is a gap,
  hatched; desa that are not lokus have no data;
- coverage: the share of a desa's desil-1 households reached by at least one strategy.

Each SVG is cached by the data version and everything else it depends on (app/core/cache.py),
so a page read between two writes costs one cache lookup (an import moves the data version:
area_boundary is watched); None, cached alike, when no desa has a boundary: no map.
"""
from decimal import Decimal

from flask import url_for

from app.core.cache import cached
from app.core.money import format_percent, format_rupiah
from models.data_version import current_version
from reports.queries import boundaries, rollup
from reports.queries import coverage as coverage_report
from reports.queries import lokus as lokus_report
from reports.queries.rollup import RollupFilter

from .svg import DesaValue, LegendItem, render


def _layer():
    layer = boundaries.layer()
    return None if layer.empty else layer


def dashboard_map(q):
    if q is None or q.filt is None:
        return None
    key = {"version": current_version(), "args": q.args}
    return cached("map-dashboard", key, lambda: _dashboard(q))


def _dashboard(q):
    layer = _layer()
    if layer is None:
        return None
    rows = [r for r in rollup.rollup(q.filt, "village") if r.key is not None and r.tags]
    districts = {s.area_id: s.district_id for s in layer.desa}
    by_code = {s.code: s for s in layer.desa}
    cuts = _quartiles([r.realized for r in rows if r.realized > 0])
    values = {}
    for r in rows:
        shape = by_code.get(r.code)
        href = q.url(kecamatan=districts.get(shape.area_id)) + "#peta" if shape else None
        css = "c0" if r.realized <= 0 else f"c{1 + sum(r.realized > c for c in cuts)}"
        values[r.code] = DesaValue(css, f"realisasi {format_rupiah(r.realized)} dari "
                                        f"{format_rupiah(r.tagged)} ditandai", href)
    legend = [LegendItem("c0", "Ada anggaran, belum ada realisasi")]
    bounds = [Decimal(0), *cuts]
    for i, low in enumerate(bounds[: len(cuts) + 1]):
        high = bounds[i + 1] if i + 1 < len(bounds) else None
        text = (f"> {format_rupiah(low)}" if high is None
                else f"> {format_rupiah(low)} s.d. {format_rupiah(high)}")
        legend.append(LegendItem(f"c{i + 1}", f"Realisasi {text}"))
    legend.append(LegendItem("cn", "Tidak ada tagging yang menjangkau desa"))
    return render(layer, values, legend, map_id="peta-dasbor",
                  title="Peta realisasi anggaran per desa", figure_head="Realisasi",
                  notes=("Anggaran tagging dibagi ke desa menurut porsi per desa; bagian tanpa "
                         "lokus tidak tampil di peta.",))


def _quartiles(amounts: list) -> list:
    """Up to three cut points splitting the amounts into four classes of similar size."""
    amounts = sorted(amounts)
    if len(amounts) < 4:
        return sorted(set(amounts))[:-1] if len(amounts) > 1 else []
    cuts = [amounts[len(amounts) * i // 4 - 1] for i in (1, 2, 3)]
    return sorted(set(cuts))


def lokus_map(fy, quarter: int, villages, other_sources: bool = True):
    if fy is None:
        return None
    key = {"version": current_version(), "fy": fy.id, "quarter": quarter,
           "codes": sorted(v.code for v in villages), "other": other_sources}
    return cached("map-lokus", key, lambda: _lokus(fy, quarter, villages))


def _lokus(fy, quarter, villages, map_id="peta-lokus"):
    layer = _layer()
    if layer is None:
        return None
    values = {}
    for v in villages:
        gap = not v.tags and not v.other and v.households > 0
        href = url_for("lokus.index", tahun=fy.year, triwulan=quarter,
                       kecamatan=v.district_id) + "#desa"
        figure = (f"desa lokus, konvergensi {v.convergence} dari 3 strategi, "
                  f"{v.households} RT desil 1" + (", belum ada intervensi" if gap else ""))
        values[v.code] = DesaValue(f"c{v.convergence + 1}" if v.convergence else "c0",
                                   figure, href, gap)
    legend = [LegendItem("c0", "Desa lokus tanpa strategi"),
              *(LegendItem(f"c{n + 1}", f"Konvergensi {n} dari 3 strategi") for n in (1, 2, 3)),
              LegendItem("c0", "Kesenjangan: RT desil 1 tanpa intervensi", highlight=True),
              LegendItem("cn", "Bukan desa lokus")]
    return render(layer, values, legend, map_id=map_id,
                  title="Peta konvergensi di desa lokus", figure_head="Konvergensi")


def home_map(fy, quarter):
    """The leader's home: the lokus map at the reporting quarter, every source counted."""
    if fy is None:
        return None
    number = getattr(quarter, "number", 4)
    key = {"version": current_version(), "fy": fy.id, "quarter": number}

    def compute():
        if _layer() is None:
            return None
        f = RollupFilter(fiscal_year_id=fy.id, quarter=number)
        villages = lokus_report.priority_villages(f, other_sources=True)
        return _lokus(fy, number, villages, map_id="peta-beranda")
    return cached("map-home", key, compute)


def coverage_map(fy, quarter: int, snap):
    if fy is None or snap is None:
        return None
    key = {"version": current_version(), "fy": fy.id, "quarter": quarter, "snap": snap.id}
    return cached("map-coverage", key, lambda: _coverage(fy, quarter, snap))


CLASSES = ((Decimal(0), "c0", "0 %"), (Decimal(25), "c1", "di bawah 25 %"),
           (Decimal(50), "c2", "25 % s.d. di bawah 50 %"),
           (Decimal(75), "c3", "50 % s.d. di bawah 75 %"),
           (Decimal(101), "c4", "75 % atau lebih"))


def _coverage(fy, quarter, snap):
    layer = _layer()
    if layer is None:
        return None
    districts = {s.code: s.district_id for s in layer.desa}
    values = {}
    for r in coverage_report.by_village(snap.id, fy.id, quarter):
        if not r.households:
            continue
        share = Decimal(r.reached * 100) / r.households
        css = "c0" if r.reached == 0 else next(c for limit, c, _ in CLASSES[1:] if share < limit)
        href = url_for("coverage.index", tahun=fy.year, triwulan=quarter,
                       kecamatan=districts.get(r.code)) + "#peta-cakupan"
        values[r.code] = DesaValue(css, f"{format_percent(share)} dari {r.households} RT desil "
                                        f"1 terjangkau", href)
    legend = [LegendItem(c, f"Terjangkau {label}") for _, c, label in CLASSES]
    legend.append(LegendItem("cn", "Tidak ada RT desil 1 dalam data"))
    return render(layer, values, legend, map_id="peta-cakupan",
                  title="Peta cakupan rumah tangga desil 1 yang terjangkau",
                  figure_head="Cakupan")

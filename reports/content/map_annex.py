"""The report's map page (issue 27): "Peta sebaran intervensi di desa lokus", drawn from the same
projected boundaries as the pages' maps (reports/queries/boundaries.py) and the same lokus rows
as annex F. Printed only once desa boundaries exist, so a pemda without them gets the report it
always had.

Classes: a lokus desa by how many of the three strategies reach it (0-3); a lokus desa with
desil-1 households and no intervention is a gap (outlined in red, printed in grey as a thick
outline); a desa that is not lokus is neutral.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from models import AreaBoundary, db
from reports.content.kemenko import ReportContent
from reports.queries import boundaries

TITLE = "Lampiran: Peta Sebaran Intervensi di Desa Lokus"
LEGEND = (("c0", "Desa lokus tanpa strategi"), ("c2", "Konvergensi 1 dari 3 strategi"),
          ("c3", "Konvergensi 2 dari 3 strategi"), ("c4", "Konvergensi 3 dari 3 strategi"),
          ("gap", "Kesenjangan: RT desil 1 tanpa intervensi"), ("cn", "Bukan desa lokus"))


@dataclass
class MapAnnex:
    layer: boundaries.MapLayer
    classes: dict = field(default_factory=dict)  # desa code -> class key
    notes: list[str] = field(default_factory=list)


def figures(content: ReportContent) -> MapAnnex | None:
    layer = boundaries.layer()
    if layer.empty:
        return None
    classes = {}
    for row in content.lokus:
        if not row.interventions and row.households > 0:
            classes[row.code] = "gap"
        else:
            classes[row.code] = f"c{row.convergence + 1}" if row.convergence else "c0"
    sources = db.session.scalars(select(AreaBoundary.source).where(
        AreaBoundary.level == "desa").distinct().order_by(AreaBoundary.source).limit(4)).all()
    gaps = sum(1 for c in classes.values() if c == "gap")
    notes = [f"{len(classes)} desa lokus tergambar dari {len(layer.desa)} desa yang memiliki "
             f"batas wilayah; {gaps} desa lokus dengan rumah tangga desil 1 belum dijangkau "
             f"intervensi (kesenjangan). Konvergensi dihitung s.d. {content.period}.",
             "Sumber: batas wilayah " + ", ".join(sources) + "; lokus desa dan tagging: Tagar."]
    if layer.inset_count:
        notes.append(f"{layer.inset_count} desa yang jauh dari wilayah utama digambar dalam "
                     "bingkai di kanan dengan skala tersendiri.")
    if layer.fictional:
        notes.append("Batas wilayah pada peta ini fiktif (data demo), bukan batas resmi.")
    return MapAnnex(layer, classes, notes)

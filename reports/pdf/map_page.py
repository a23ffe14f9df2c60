"""The map page of the report (issue 27), drawn with reportlab graphics: vector paths from the
projected boundaries, the legend at the right, the notes below. Colours are those of the pages'
maps (static/maps.css); a gap is also outlined thickly so it reads in black and white."""
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Group, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from reports.content import map_annex
from reports.content.kemenko import ReportContent
from reports.pdf import styles as st
from reports.pdf.fonts import REGULAR

FILLS = {"c0": "#f6eff7", "c1": "#bdc9e1", "c2": "#67a9cf", "c3": "#1c9099", "c4": "#016c59",
         "cn": "#e4e4e4", "gap": "#f4c7c3"}
GAP_STROKE = colors.HexColor("#b3261e")
MAP_HEIGHT = 128 * mm
LEGEND_WIDTH = 68 * mm


def flowables(content: ReportContent, width: float) -> list:
    annex = map_annex.figures(content)
    if annex is None:
        return []
    drawing = _drawing(annex, width)
    return [CondPageBreak(MAP_HEIGHT + 30 * mm), KeepTogether([
        Spacer(1, 4 * mm), Paragraph(escape(map_annex.TITLE), st.HEADING), drawing,
        Spacer(1, 2 * mm), *(Paragraph(escape(n), st.NOTE) for n in annex.notes)])]


def _path(rings, scale: float, height: float, **kw) -> Path:
    p = Path(**kw)
    for ring in rings:
        x, y = ring[0]
        p.moveTo(x * scale, height - y * scale)
        for x, y in ring[1:]:
            p.lineTo(x * scale, height - y * scale)
        p.closePath()
    return p


def _drawing(annex, width: float) -> Drawing:
    layer = annex.layer
    room = width - LEGEND_WIDTH
    scale = min(room / layer.width, MAP_HEIGHT / layer.height)
    h = layer.height * scale
    d = Drawing(width, max(h, 60 * mm))
    top = d.height
    shapes = Group()
    for s in layer.desa:
        key = annex.classes.get(s.code, "cn")
        gap = key == "gap"
        shapes.add(_path(s.rings, scale, top, fillColor=colors.HexColor(FILLS[key]),
                         strokeColor=GAP_STROKE if gap else colors.white,
                         strokeWidth=1.4 if gap else 0.3, fillMode=0))
    for k in layer.kecamatan:
        shapes.add(_path(k.rings, scale, top, fillColor=None, strokeColor=colors.black,
                         strokeWidth=0.8))
    if layer.inset_box:
        x, y, w, bh = layer.inset_box
        shapes.add(Rect((x - 6) * scale, top - (y + bh + 6) * scale, (w + 12) * scale,
                        (bh + 6) * scale, fillColor=None, strokeColor=colors.grey,
                        strokeDashArray=[3, 2], strokeWidth=0.5))
    for k in layer.kecamatan:
        if k.label:
            shapes.add(String(k.label[0] * scale, top - k.label[1] * scale, k.name,
                              fontName=REGULAR, fontSize=6.5, textAnchor="middle"))
    d.add(shapes)
    _legend(d, room + 6 * mm, top)
    return d


def _legend(d: Drawing, x: float, top: float) -> None:
    y = top - 8 * mm
    d.add(String(x, y + 4 * mm, "Keterangan", fontName=REGULAR, fontSize=8))
    for key, label in map_annex.LEGEND:
        gap = key == "gap"
        d.add(Rect(x, y - 1, 6 * mm, 3.5 * mm, fillColor=colors.HexColor(FILLS[key]),
                   strokeColor=GAP_STROKE if gap else colors.black,
                   strokeWidth=1.4 if gap else 0.4))
        d.add(String(x + 8 * mm, y, label, fontName=REGULAR, fontSize=7))
        y -= 6.5 * mm
    d.add(Rect(x, y - 1, 6 * mm, 3.5 * mm, fillColor=None, strokeColor=colors.black,
               strokeWidth=0.8))
    d.add(String(x + 8 * mm, y, "Batas kecamatan", fontName=REGULAR, fontSize=7))

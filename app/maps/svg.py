"""A choropleth map of the kabupaten drawn on the server as inline SVG: no script, no tiles, no
inline style (the CSP forbids it), prints as it shows.

Every desa with a boundary is one `<path>` carrying `data-kode` (the Kemendagri code) and a
`<title>` with its name and figure, wrapped in a link to its drill-down when there is one. A desa
without a figure is drawn in the neutral class. Colours come from classes in static/maps.css
(classes `c0`..`c4`, `cn` for no data); a highlighted desa (a gap) has the class `gap` and a
hatch `fill` attribute of its own map (no CSS fill overrides it), which prints in black and
white. The kecamatan outlines and names lie on top,
transparent to the pointer. The same figures follow as a table inside <details>, for screen
readers and for anyone who wants the numbers.
"""
from dataclasses import dataclass

from markupsafe import Markup, escape

from reports.queries.boundaries import MapLayer


@dataclass(frozen=True)
class DesaValue:
    css: str  # c0..c4, or cn for no data
    figure: str  # the figure as the title and table show it
    href: str | None = None
    highlight: bool = False


@dataclass(frozen=True)
class LegendItem:
    css: str
    label: str
    highlight: bool = False


NO_DATA = "cn"


def render(layer: MapLayer, values: dict[str, DesaValue], legend: list[LegendItem], *,
           map_id: str, title: str, notes: tuple[str, ...] = (),
           figure_head: str = "Angka") -> Markup:
    gap_id = f"{map_id}-arsir"
    out = [f'<figure class="map" id="{map_id}">',
           f'<svg class="map-svg" viewBox="0 0 {layer.width} {layer.height}" '
           f'aria-labelledby="{map_id}-judul" role="group">',
           f'<title id="{map_id}-judul">{escape(title)}</title>',
           f'<defs><pattern id="{gap_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/>'
           '<line x1="0" y1="0" x2="0" y2="8" stroke="#b3261e" stroke-width="4"/></pattern>'
           '</defs><g class="desa">']
    districts = {s.area_id: s.name for s in layer.kecamatan}
    rows = []
    for s in layer.desa:
        v = values.get(s.code) or DesaValue(NO_DATA, "tidak ada data")
        where = districts.get(s.district_id)
        label = f"{s.name}{f' (Kec. {where})' if where else ''}: {v.figure}"
        fill = f' fill="url(#{gap_id})"' if v.highlight else ""
        path = (f'<path class="{"gap" if v.highlight else v.css}"{fill} '
                f'data-kode="{escape(s.code)}" d="{s.d}">'
                f"<title>{escape(label)}</title></path>")
        out.append(f'<a href="{escape(v.href)}">{path}</a>' if v.href else path)
        rows.append((s, where or "", v))
    out.append('</g><g class="kec" aria-hidden="true">')
    out.extend(f'<path d="{k.d}"/>' for k in layer.kecamatan)
    out.append("</g>")
    if layer.inset_box:
        x, y, w, h = layer.inset_box
        out.append(f'<rect class="inset" x="{x - 6}" y="{y}" width="{w + 12}" height="{h + 6}"/>')
    out.append('<g class="kec-label" aria-hidden="true">')
    out.extend(f'<text x="{k.label[0]}" y="{k.label[1]}">{escape(k.name)}</text>'
               for k in layer.kecamatan if k.label)
    out.append("</g></svg>")
    out.append(_legend(legend, map_id, gap_id))
    out.append(_notes(layer, notes))
    out.append(_table(rows, figure_head))
    out.append("</figure>")
    return Markup("".join(out))


def _legend(items: list[LegendItem], map_id: str, gap_id: str) -> str:
    parts = ['<figcaption class="map-legend"><ul>']
    for item in items:
        fill = f' fill="url(#{gap_id})"' if item.highlight else ""
        parts.append(f'<li><svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">'
                     f'<rect class="{"gap" if item.highlight else item.css}"{fill} x="1" '
                     f'y="1" width="20" height="12"/></svg> {escape(item.label)}</li>')
    parts.append("</ul>")
    return "".join(parts)


def _notes(layer: MapLayer, notes: tuple[str, ...]) -> str:
    lines = list(notes)
    if layer.inset_count:
        lines.append(f"{layer.inset_count} desa yang jauh dari wilayah utama (pulau terluar) "
                     "digambar dalam bingkai di kanan dengan skala tersendiri.")
    if layer.fictional:
        lines.append("Batas wilayah pada peta ini fiktif (data demo), bukan batas resmi.")
    lines.append("Garis tebal: batas kecamatan. Klik desa untuk rinciannya.")
    return "".join(f'<p class="muted">{escape(line)}</p>' for line in lines) + "</figcaption>"


def _table(rows, figure_head: str) -> str:
    body = "".join(
        f'<tr><td class="code">{escape(s.code)}</td><td>{escape(s.name)}</td>'
        f"<td>{escape(where)}</td><td>{escape(v.figure)}</td></tr>" for s, where, v in rows)
    return ('<details class="map-table"><summary>Tabel data peta</summary><table class="data">'
            '<thead><tr><th scope="col">Kode</th><th scope="col">Desa</th>'
            f'<th scope="col">Kecamatan</th><th scope="col">{escape(figure_head)}</th></tr>'
            f"</thead><tbody>{body}</tbody></table></details>")

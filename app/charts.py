"""Bar charts drawn on the server as inline SVG: no script, no CDN.

They must read when printed in black and white, so the two series differ by fill pattern
(outline only versus diagonal hatching), not by colour, and every bar carries its figures as
text. Each chart is shown with its table beside or below it.
"""
from decimal import Decimal

from markupsafe import Markup, escape

from app.core.money import format_percent, format_rupiah

WIDTH = 760
LABEL_W = 230
BAR_W = 330
ROW_H = 34


def _defs(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#0b3d6e" stroke-width="3"/>'
        "</pattern></defs>"
    )


def _width(value: Decimal, scale: Decimal) -> int:
    if not scale or value <= 0:
        return 0
    return int(min(value, scale) * BAR_W / scale)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def legend(chart_id: str) -> Markup:
    """The key: an outlined box for the tagged amount, a hatched box for the realization."""
    return Markup(
        f'<svg class="chart-legend" width="420" height="20" viewBox="0 0 420 20" role="img" '
        f'aria-label="Keterangan grafik">{_defs(chart_id + "-lg")}'
        '<rect x="1" y="4" width="22" height="11" fill="#fff" stroke="#000"/>'
        '<text x="30" y="14">Anggaran ditandai</text>'
        f'<rect x="170" y="4" width="22" height="11" fill="url(#{chart_id}-lg-hatch)" '
        'stroke="#000"/><text x="199" y="14">Realisasi (arsiran)</text></svg>'
    )


def plan_vs_real(items, *, chart_id: str, title: str) -> Markup:
    """Horizontal pairs of bars: the tagged amount (outline) over the realization (hatched).

    `items`: (label, tagged, realized) with Decimal amounts. Bars share one scale, the largest
    figure; a realization above its tagged amount runs past the outline, as it should show.
    """
    items = list(items)
    scale = max([max(t, r) for _, t, r in items] or [Decimal(0)])
    height = ROW_H * len(items) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>', _defs(chart_id),
    ]
    for i, (label, tagged, realized) in enumerate(items):
        y = 4 + i * ROW_H
        pct = realized * 100 / tagged if tagged else None
        parts.append(
            f'<text x="0" y="{y + 18}" class="chart-label">{escape(_short(str(label)))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 2}" width="{max(_width(tagged, scale), 1)}" '
            'height="12" fill="#fff" stroke="#000"/>'
            f'<rect x="{LABEL_W}" y="{y + 16}" width="{_width(realized, scale)}" height="12" '
            f'fill="url(#{chart_id}-hatch)" stroke="#000"/>'
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 12}" class="chart-value">'
            f"{escape(format_rupiah(tagged))}</text>"
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 27}" class="chart-value">'
            f"{escape(format_rupiah(realized))} · {escape(format_percent(pct))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def percent_bars(items, *, chart_id: str, title: str) -> Markup:
    """One hatched bar per item on a 0-100 % scale with a marked 100 % line; `items`:
    (label, percent or None)."""
    items = list(items)
    height = 22 * len(items) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>', _defs(chart_id),
        f'<line x1="{LABEL_W + BAR_W}" y1="0" x2="{LABEL_W + BAR_W}" y2="{height}" '
        'stroke="#000" stroke-dasharray="3 3"/>',
    ]
    hundred = Decimal(100)
    for i, (label, pct) in enumerate(items):
        y = 4 + i * 22
        parts.append(
            f'<text x="0" y="{y + 13}" class="chart-label">{escape(_short(str(label)))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 2}" width="{_width(pct or Decimal(0), hundred)}" '
            f'height="14" fill="url(#{chart_id}-hatch)" stroke="#000"/>'
            f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 14}" class="chart-value">'
            f"{escape(format_percent(pct))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))

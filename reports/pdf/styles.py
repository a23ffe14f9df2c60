"""Paragraph and table styles of the report: black on white, thin rules, as an official
attachment is printed; a light grey only for header and totals rows."""
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from .fonts import BOLD, CONDENSED, CONDENSED_BOLD, REGULAR, register_fonts

register_fonts()

# F4 (folio, 215 x 330 mm) is the paper most Indonesian offices print letters on.
PAPERS = {"A4": A4, "F4": (215 * mm, 330 * mm)}
MARGIN = 10 * mm  # the landscape tables' side margins
LETTER_MARGIN = 20 * mm  # the portrait letter's side margins


@dataclass(frozen=True)
class Paper:
    """The report's two page shapes on one paper: the letter portrait, the tables landscape."""

    name: str

    @property
    def portrait(self) -> tuple[float, float]:
        return PAPERS[self.name]

    @property
    def landscape(self) -> tuple[float, float]:
        return landscape(self.portrait)

    @property
    def body_width(self) -> float:
        return self.landscape[0] - 2 * MARGIN

    @property
    def letter_width(self) -> float:
        return self.portrait[0] - 2 * LETTER_MARGIN


def paper(name: str | None) -> Paper:
    return Paper(name if name in PAPERS else "A4")

HEADER_FILL = colors.HexColor("#e6e6e6")
TOTAL_FILL = colors.HexColor("#f2f2f2")
RULE = colors.black


def _style(name, font=REGULAR, size=9.5, leading=None, align=TA_LEFT, **kw) -> ParagraphStyle:
    """Words break at spaces only, never inside a word (reportlab's default cuts a word too
    long for the line anywhere). Table cells are broken by fit.wrap, with hyphenation."""
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3,
                          alignment=align, splitLongWords=0, **kw)


def scaled(style: ParagraphStyle, factor: float) -> ParagraphStyle:
    """`style` with font size and leading times `factor` (the matrix shrinks to fit)."""
    if factor == 1:
        return style
    return ParagraphStyle(f"{style.name}_{factor:.3f}", parent=style,
                          fontSize=style.fontSize * factor, leading=style.leading * factor)


BODY = _style("body", size=10, leading=14, align=TA_JUSTIFY)
BODY_LEFT = _style("body_left", size=10, leading=14)
LETTERHEAD = _style("letterhead", BOLD, size=15, leading=19, align=TA_CENTER)
LETTERHEAD_SUB = _style("letterhead_sub", BOLD, size=13, leading=16, align=TA_CENTER)
LETTERHEAD_SMALL = _style("letterhead_small", size=9, leading=11.5, align=TA_CENTER)
TITLE = _style("title", BOLD, size=12, leading=15, align=TA_CENTER)
SUBTITLE = _style("subtitle", size=10, leading=13, align=TA_CENTER)
HEADING = _style("heading", BOLD, size=10.5, leading=14, spaceBefore=4, spaceAfter=4,
                 keepWithNext=1)
NOTE = _style("note", size=8, leading=10)
SIGN = _style("sign", size=10, leading=13.5, align=TA_CENTER)
SIGN_BOLD = _style("sign_bold", BOLD, size=10, leading=13.5, align=TA_CENTER)

# Summary tables (a handful of columns): regular DejaVu at 8.5 pt.
CELL = _style("cell", size=8.5, leading=10.5)
CELL_R = _style("cell_r", size=8.5, leading=10.5, align=TA_RIGHT)
CELL_C = _style("cell_c", size=8.5, leading=10.5, align=TA_CENTER)
CELL_H = _style("cell_h", BOLD, size=8.5, leading=10.5, align=TA_CENTER)
CELL_B = _style("cell_b", BOLD, size=8.5, leading=10.5)
CELL_BR = _style("cell_br", BOLD, size=8.5, leading=10.5, align=TA_RIGHT)

# The matrix: condensed 6 pt so 20-odd columns fit the width.
MX = _style("mx", CONDENSED, size=6, leading=7.2)
MX_R = _style("mx_r", CONDENSED, size=6, leading=7.2, align=TA_RIGHT)
MX_C = _style("mx_c", CONDENSED, size=6, leading=7.2, align=TA_CENTER)
MX_H = _style("mx_h", CONDENSED_BOLD, size=5.6, leading=6.8, align=TA_CENTER)
MX_B = _style("mx_b", CONDENSED_BOLD, size=6, leading=7.2)
MX_BR = _style("mx_br", CONDENSED_BOLD, size=6, leading=7.2, align=TA_RIGHT)


def grid_style(header_rows: int = 1, total_rows: int = 0, numbers_row: bool = False,
               pad: float = 2.5) -> TableStyle:
    """Full grid, grey header, optional grey totals rows at the bottom, the column-number row
    (1, 2, 3 ...) in italics-like small grey under the header."""
    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
    ]
    if numbers_row:
        cmds += [
            ("BACKGROUND", (0, header_rows), (-1, header_rows), TOTAL_FILL),
            ("TOPPADDING", (0, header_rows), (-1, header_rows), 0.5),
            ("BOTTOMPADDING", (0, header_rows), (-1, header_rows), 1),
        ]
    if total_rows:
        cmds.append(("BACKGROUND", (0, -total_rows), (-1, -1), TOTAL_FILL))
    return TableStyle(cmds)


def body_grid_style(total_rows: int = 0, pad: float = 2.5) -> TableStyle:
    """grid_style for a table without header rows (a chunk that continues a long table)."""
    cmds = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.8),
    ]
    if total_rows:
        cmds.append(("BACKGROUND", (0, -total_rows), (-1, -1), TOTAL_FILL))
    return TableStyle(cmds)

"""DejaVu Sans, embedded: reportlab's built-in Helvetica is cp1252 only and would print names
with other characters as black boxes."""
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
# The matrix has 20-odd columns on A4 landscape: the condensed cut keeps numbers on one line.
CONDENSED = "DejaVuSansCondensed"
CONDENSED_BOLD = "DejaVuSansCondensed-Bold"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    CONDENSED: "DejaVuSansCondensed.ttf",
    CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
}


def register_fonts() -> None:
    """Register the fonts once per process (reportlab keeps a global registry)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FILES.items():
        path = FONT_DIR / filename
        if not path.exists():
            raise RuntimeError(f"Font {path} tidak ditemukan: pasang paket fonts-dejavu-core.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> inside a Paragraph picks the bold face through these mappings.
    for family, regular, bold in ((REGULAR, REGULAR, BOLD),
                                  (CONDENSED, CONDENSED, CONDENSED_BOLD)):
        addMapping(family, 0, 0, regular)
        addMapping(family, 1, 0, bold)
        addMapping(family, 0, 1, regular)
        addMapping(family, 1, 1, bold)

"""What keeps a big report's PDF build in bounded memory (issue 25): at L (30,000 tags, 2,700
pages) the build held +891 MB, for three reasons, each undone here.

1. The canvas kept every finished page until the end, to print "Halaman x dari y" once the
   page count was known. `FooterCanvas` prints the footer at once and puts the total in a PDF
   form (an XObject) that every page refers to and that is written once, at the end: pages
   leave memory as soon as they are done.
2. The whole story (every table of every section) existed before the first page was laid
   out. `LazyStory` is the list reportlab's build consumes, filled from a generator a few
   flowables ahead: a section's tables are made when the layout reaches them and dropped once
   drawn.
3. A strategy's matrix was one table of up to 10,000 rows. It is made of tables of at most a
   chunk of rows; a chunk after the first is a `Continued`: it starts without the header when
   it follows its predecessor on the same page, and with it at the top of a page, so the page
   looks exactly like one long table's.
"""
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from . import styles as st
from .fonts import REGULAR

TOTAL_FORM = "tagarPageTotal"
FOOTER_SIZE = 7


class LazyStory(list):
    """A list for `doc.build` that takes its flowables from `source` as the layout reaches
    them: never more than `ahead` made but not yet laid out (plus what reportlab puts back)."""

    def __init__(self, source, ahead: int = 8):
        super().__init__()
        self._source = iter(source)
        self._ahead = ahead

    def _fill(self):
        while self._source is not None and list.__len__(self) < self._ahead:
            try:
                self.append(next(self._source))
            except StopIteration:
                self._source = None

    def __len__(self):
        self._fill()
        return list.__len__(self)

    def __getitem__(self, index):
        self._fill()
        return list.__getitem__(self, index)

    def __delitem__(self, index):
        self._fill()
        list.__delitem__(self, index)


class Continued(Flowable):
    """A chunk of a long table after its first: `make(header)` builds it with or without the
    table's header rows (and `make(header, skip)` without its first `skip` rows). Mid-page it
    is drawn bare, right under its predecessor; at the top of a page, and for whatever of it
    runs onto the next page, with the header, as one long table would be."""

    def __init__(self, make):
        super().__init__()
        self._make = make
        self._made = {}
        self._cur = None

    def _pick(self):
        at_top = getattr(getattr(self, "_frame", None), "_atTop", 1)
        key = bool(at_top)
        if key not in self._made:
            self._made[key] = self._make(key, 0)
        self._cur = self._made[key]
        return key

    def wrap(self, availWidth, availHeight):
        self._pick()
        self.width, self.height = self._cur.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        headed = self._pick()
        parts = self._cur.split(availWidth, availHeight)
        if headed or len(parts) < 2:
            return parts
        # The bare table's first part stays on this page; the rest starts a page: headed.
        return [parts[0], self._make(True, len(parts[0]._cellvalues))]

    def drawOn(self, canvas, x, y, _sW=0):
        self._cur.drawOn(canvas, x, y, _sW)


def footer_canvas(footer_left: str, pages: list, fixed=None):
    """A canvas that prints the running footer on every page after the first as the page is
    finished; the total is the form TOTAL_FORM, written at save. Appends the page count to
    `pages`."""
    slot = stringWidth("0000", REGULAR, FOOTER_SIZE)  # room for the total, up to 9,999 pages

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if fixed is not None:  # the creation date printed in the PDF's metadata
                ts = self._doc._timeStamp
                ts.YMDhms = (fixed.year, fixed.month, fixed.day, 0, 0, 0)
                ts.dhh = ts.dmm = 0
            self._count = 0

        def showPage(self):
            self._count += 1
            if self._count > 1:  # the letter itself carries no running footer
                self._footer(self._count)
            super().showPage()

        def save(self):
            pages.append(self._count)
            self.beginForm(TOTAL_FORM)
            self.setFont(REGULAR, FOOTER_SIZE)
            self.drawString(0, 0, str(self._count))
            self.endForm()
            super().save()

        def _footer(self, number):
            width = self._pagesize[0]
            self.saveState()
            self.setFont(REGULAR, FOOTER_SIZE)
            self.setStrokeColor(colors.black)
            self.setLineWidth(0.4)
            self.line(st.MARGIN, 9 * mm, width - st.MARGIN, 9 * mm)
            self.drawString(st.MARGIN, 6 * mm, footer_left[:150])
            x = width - st.MARGIN - slot
            self.drawRightString(x, 6 * mm, f"Halaman {number} dari ")
            self.translate(x, 6 * mm)
            self.doForm(TOTAL_FORM)
            self.restoreState()

    return FooterCanvas


__all__ = ["Continued", "LazyStory", "footer_canvas"]

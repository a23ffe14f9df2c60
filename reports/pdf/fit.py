"""Measuring what a table column must hold, so that columns are as wide as their widest figure
and no figure wraps or runs into its neighbour, and text breaks only where Indonesian allows.

Figures are set on one line: a number column is as wide as its widest string (measured with the
font it is printed in). Text breaks at spaces and at the hyphenation points of pyphen's id_ID
dictionary, never inside a syllable; `wrap` breaks the lines itself (reportlab's own hyphenation
only tries the line a word starts on, and its fallback cuts words anywhere: "Penunjan g"), and a
text column is at least as wide as the widest piece any of its words can be cut into.
"""
import re
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

try:
    import pyphen
except ImportError:  # pragma: no cover - pyphen is in requirements.txt; without it, no hyphens
    pyphen = None

_DICTIONARY = pyphen.Pyphen(lang="id_ID") if pyphen else None
MIN_HYPHENATED = 5  # shorter words are never cut
FULL = 0.5  # a line this full takes no hyphenated head: the next word starts a new line
_SPACES = re.compile(r"[ \t\r\n]+")  # not U+00A0: a no-break space joins ("Dinkes\u00a0†")
_SLASH = re.compile(r"(?<=[/-])(?=.)")  # a break after a slash or hyphen inside a word
_EDGE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.UNICODE)
# Breaking text into lines is most of a big report's layout time, and its texts repeat: the
# same program, activity and desa names over thousands of rows (issue 25). The results are pure
# functions of their arguments, so they are kept, a bounded number of them.
CACHED = 50_000


def words(text) -> list[str]:
    """`text` split at its breakable spaces."""
    return [w for w in _SPACES.split(str(text)) if w]


def syllables(word: str) -> list[str]:
    """The word cut at its hyphenation points (punctuation kept on the first and last part).
    Only a word of letters of five or more is cut, and never so that one letter stands alone:
    a lone consonant closes the part before it ("pe-na-nga-n-an" becomes "pe-na-ngan-an"), a
    lone vowel opens the part after it ("Pem-bi-a-ya-an" becomes "Pem-bi-aya-an")."""
    return list(_syllables(word))


@lru_cache(maxsize=CACHED)
def _syllables(word: str) -> tuple[str, ...]:
    pfx, core, sfx = _EDGE.match(word).groups()
    if (_DICTIONARY is None or len(core) < MIN_HYPHENATED or not core.isalpha()
            or core.isupper()):  # an acronym or code ("INSENTIF", "DTSEN") stays whole
        return (word,)
    raw = _DICTIONARY.inserted(core).split("-")
    parts: list[str] = []
    carry = ""
    for i, part in enumerate(raw):
        if len(part) == 1 and part.lower() in "aiueo" and i < len(raw) - 1:
            carry += part  # a lone vowel opens the next part: bi-aya, Re-ali-sasi
        elif len(part) == 1 and parts:
            parts[-1] += carry + part  # a lone consonant closes the previous: nga-n -> ngan
            carry = ""
        else:
            parts.append(carry + part)
            carry = ""
    if carry:
        parts.append(carry)
    parts[0] = pfx + parts[0]
    parts[-1] = parts[-1] + sfx
    return tuple(parts)


def segments(word: str, hyphenate: bool = True) -> list[tuple[str, bool]]:
    """The word's parts with, for each, whether a line ending after it needs a "-": a word
    breaks after a slash or its own hyphen ("Nonformal/" + "Kesetaraan", "kantong-" +
    "kantong": nothing added) and, when `hyphenate`, at its syllables (with a "-")."""
    out: list[tuple[str, bool]] = []
    for chunk in (c for c in _SLASH.split(word) if c):
        parts = _syllables(chunk) if hyphenate else (chunk,)
        out += [(part, i < len(parts) - 1) for i, part in enumerate(parts)]
    return out


def pieces(word: str, hyphenate: bool = True) -> list[str]:
    """The parts a word may be set in, as printed (with "-" where a syllable is cut)."""
    parts = segments(word, hyphenate)
    return [p + ("-" if hy else "") for p, hy in parts[:-1]] + [parts[-1][0]]


def word_width(text: str, font: str, size: float, hyphenate: bool = True) -> float:
    """The narrowest width `text` can be set in by `wrap`: its widest unbreakable piece."""
    return _word_width(str(text), font, size, hyphenate)


@lru_cache(maxsize=CACHED)
def _word_width(text: str, font: str, size: float, hyphenate: bool) -> float:
    return max((stringWidth(piece, font, size) for word in words(text)
                for piece in pieces(word, hyphenate)), default=0.0)


def wrap(text: str, font: str, size: float, width: float, hyphenate: bool = True
         ) -> list[str]:
    """`text` broken into lines of at most `width` points: at spaces; a word that does not fit
    on a line of its own after a slash or (when `hyphenate`) at a hyphenation point, the
    longest head that fits; a part that fits
    nowhere stays whole (and overflows: the layout makes columns at least `word_width` wide)."""
    return list(_wrap(str(text), font, size, width, hyphenate))


@lru_cache(maxsize=CACHED)
def _wrap(text: str, font: str, size: float, width: float, hyphenate: bool) -> tuple[str, ...]:
    lines: list[str] = []
    line = ""

    def fits(s: str) -> bool:
        return stringWidth(s, font, size) <= width

    for word in words(text):
        parts = segments(word, hyphenate)
        while parts:
            whole = "".join(p for p, _ in parts)
            candidate = f"{line} {whole}" if line else whole
            if fits(candidate):
                line, parts = candidate, []
                break
            if line and fits(whole) and stringWidth(line, font, size) >= FULL * width:
                # Issue 23: a word that fits on a line of its own goes there whole when the
                # line is already well filled; a word is cut only to fill a line that would
                # otherwise stay mostly empty, or where it cannot fit at all.
                lines.append(line)
                line, parts = whole, []
                break
            for k in range(len(parts) - 1, 0, -1):
                head = "".join(p for p, _ in parts[:k]) + ("-" if parts[k - 1][1] else "")
                candidate = f"{line} {head}" if line else head
                if fits(candidate):
                    lines.append(candidate)
                    line, parts = "", parts[k:]
                    break
            else:
                if line:
                    lines.append(line)
                    line = ""
                else:
                    line, parts = whole, []
    if line:
        lines.append(line)
    return tuple(lines)


def line_width(text: str, font: str, size: float) -> float:
    """The width of `text` on one line (a figure)."""
    return stringWidth(str(text), font, size)


def share(total: float, fixed: list[float | None], minimum: list[float],
          weights: list[float]) -> list[float] | None:
    """Column widths filling `total`: a column with a `fixed` width gets exactly it; the others
    share what is left by weight, none narrower than its `minimum`. None when the fixed widths
    and the minimums do not fit."""
    free = [i for i, f in enumerate(fixed) if f is None]
    left = total - sum(f for f in fixed if f is not None)
    if left < sum(minimum[i] for i in free) - 1e-6:
        return None
    widths = [f if f is not None else 0.0 for f in fixed]
    pinned: set[int] = set()
    while True:  # water-filling: pin the columns whose share is below their minimum
        rest = [i for i in free if i not in pinned]
        room = left - sum(minimum[i] for i in pinned)
        weight = sum(weights[i] for i in rest) or 1.0
        low = [i for i in rest if room * weights[i] / weight < minimum[i]]
        if not low:
            break
        pinned.update(low)
    for i in free:
        widths[i] = minimum[i] if i in pinned else room * weights[i] / weight
    return widths


__all__ = ["line_width", "pieces", "segments", "share", "syllables", "word_width", "wrap"]

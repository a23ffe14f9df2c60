"""The report's tables as platypus Tables: summaries, PMK 97/2023 index, trend, matrix, annex."""
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table

from app.core.money import format_number, format_percent, format_rupiah
from reports.content.kemenko import ROMAN

from . import styles as st
from .bounded import Continued
from .fit import line_width, share, word_width
from .fit import wrap as lines
from .plain_table import plain_table


def p(text, style=st.CELL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def money(v, symbol=True) -> str:
    return format_rupiah(v, with_symbol=symbol)


def pct(v, sign=True) -> str:
    if v is None:
        return "-"
    return format_percent(v, 2) if sign else format_number(v, 2)


def target(v) -> str:
    count, unit = v
    return f"{format_number(count)} {unit}".strip()


PAD = 2.5
SLACK = 0.6  # points added to each measured width: rounding never tips a figure over


def fitted_table(head, rows, width: float, wrap: dict[int, float], *, align: dict[int, str],
                 total: bool = False, pad: float = PAD, h_align="CENTER",
                 names: frozenset = frozenset()) -> Table:
    """A grid table whose figure columns are as wide as their widest text (plain strings on one
    line: "Rp" never stays alone) and whose `wrap` columns ({index: weight}) share the rest of
    `width` as Paragraphs breaking only at spaces and hyphenation points. `rows` hold strings;
    the last is set bold when `total`; `names` are wrap columns of names, never hyphenated."""
    widths = fitted_widths(head, rows, width, wrap, total=total, pad=pad, names=names)
    return fitted_part(head, rows, widths, wrap, align=align, total=total, pad=pad,
                       h_align=h_align, names=names)


def fitted_widths(head, rows, width: float, wrap: dict[int, float], *, total: bool = False,
                  pad: float = PAD, names: frozenset = frozenset()) -> list[float]:
    """fitted_table's column widths, measured over all of `rows`."""
    size = st.CELL.fontSize
    fixed, minimum = [], []
    last = len(rows) - 1
    for i, label in enumerate(head):
        head_min = (word_width(label, st.BOLD, size) if i in wrap else
                    max(line_width(w, st.BOLD, size) for w in label.split()))
        if i in wrap:
            fixed.append(None)
            minimum.append(max([head_min] + [word_width(r[i], st.BOLD if total and n == last
                                                        else st.REGULAR, size, i not in names)
                                             for n, r in enumerate(rows)]) + 2 * pad + SLACK)
        else:
            fixed.append(max([head_min] + [line_width(r[i], st.BOLD if total and n == last
                                                      else st.REGULAR, size)
                                           for n, r in enumerate(rows)]) + 2 * pad + SLACK)
            minimum.append(0.0)
    widths = share(width, fixed, minimum, [wrap.get(i, 0) for i in range(len(head))])
    if widths is None:  # too many figures for the page: keep them whole, the text narrow
        widths = [f if f is not None else m for f, m in zip(fixed, minimum, strict=True)]
    return widths


def fitted_part(head, rows, widths, wrap: dict[int, float], *, align: dict[int, str],
                total: bool = False, pad: float = PAD, h_align="CENTER",
                names: frozenset = frozenset(), header: bool = True) -> Table:
    """The table of `rows` at `widths`; without `header`, a part that continues a longer one
    (bounded.Continued)."""
    size, leading = st.CELL.fontSize, st.CELL.leading
    last = len(rows) - 1
    inner = [w - 2 * pad for w in widths]
    data = [["\n".join(lines(h, st.BOLD, size, inner[i], hyphenate=i in wrap))
             for i, h in enumerate(head)]] if header else []
    for n, r in enumerate(rows):
        font = st.BOLD if total and n == last else st.REGULAR
        data.append(["\n".join(lines(v, font, size, inner[i], i not in names))
                     if i in wrap else v for i, v in enumerate(r)])
    top = 1 if header else 0
    if header:
        style = st.grid_style(total_rows=1 if total else 0, pad=pad)
        style.add("FONT", (0, 0), (-1, 0), st.BOLD, size, leading)
        style.add("ALIGN", (0, 0), (-1, 0), "CENTER")
    else:
        style = st.body_grid_style(total_rows=1 if total else 0, pad=pad)
    style.add("FONT", (0, top), (-1, -1), st.REGULAR, size, leading)
    if total:
        style.add("FONT", (0, -1), (-1, -1), st.BOLD, size, leading)
    for col, how in align.items():
        style.add("ALIGN", (col, top), (col, -1), how)
    return plain_table(data, style, widths, repeatRows=top, hAlign=h_align)


# No "Sasaran" column: targets are counted in different units (KK, jiwa, unit, desa) and are
# never added across them; they are summed per unit in their own table (targets_table).
SUMMARY_HEAD = ["No", "Kode", "Uraian", "Jumlah Tag", "Anggaran Ditandai", "Realisasi",
                "Serapan", "Fisik"]
PLAN_HEAD = ["No", "Kode", "Uraian", "Jumlah Tag", "Anggaran Ditandai"]


def summary_table(rows, total, with_realization: bool, width: float, code: bool = True,
                  marks: dict | None = None) -> Table:
    """A summary by one grouping, closed by the rollup's total row ("Jumlah").
    `code` False leaves the code column out (tag kinds have no printable code); `marks` maps
    a row's key to the footnote sign after its label (carried-forward OPDs)."""
    head = SUMMARY_HEAD if with_realization else PLAN_HEAD
    marks = marks or {}
    data = []
    for i, r in enumerate(rows, 1):
        label = f"{r.label}\u00a0{marks[r.key]}" if r.key in marks else r.label
        data.append(_summary_cells(str(i), r, with_realization, label))
    data.append(_summary_cells("", total, with_realization, "Jumlah"))
    data[-1][1] = ""
    align = {0: "CENTER", **{i: "RIGHT" for i in range(3, len(head))}}
    if not code:
        head = head[:1] + head[2:]
        data = [row[:1] + row[2:] for row in data]
        align = {0: "CENTER", **{i: "RIGHT" for i in range(2, len(head))}}
        return fitted_table(head, data, width, {1: 1}, align=align, total=True)
    return fitted_table(head, data, width, {2: 1}, align=align, total=True)


def _summary_cells(no, r, with_realization, label):
    cells = [no, r.code or "-", label, format_number(r.tags), money(r.tagged)]
    if with_realization:
        cells += [money(r.realized), pct(r.absorption), pct(r.physical)]
    return cells


def targets_table(targets, with_realization: bool, width: float) -> Table:
    """Targets and beneficiaries reached, summed per unit (rollup.targets_by_unit)."""
    head = ["Satuan", "Sasaran"] + (["Capaian"] if with_realization else [])
    data = [[unit or "tanpa satuan", format_number(t)] + ([format_number(c)]
                                                          if with_realization else [])
            for unit, t, c in targets]
    return fitted_table(head, data, width, {0: 1}, align={1: "RIGHT", 2: "RIGHT"},
                        h_align="LEFT")


def index_table(index: dict, width: float) -> Table:
    """PMK 97/2023: absorption per tag kind, its weight and the weighted index."""
    head = ["Kelompok Penandaan", "Bobot", "Anggaran Ditandai", "Realisasi", "Serapan",
            "Nilai Tertimbang"]
    data = [[k["label"], pct(k["weight"]), money(k["tagged"]), money(k["realized"]),
             pct(k["absorption"]), pct(k["score"], False)] for k in index["kinds"]]
    data.append(["Indeks serapan tertimbang", "", "", "", "", pct(index["index"], False)])
    return fitted_table(head, data, width, {0: 1}, align={i: "RIGHT" for i in range(1, 6)},
                        total=True, h_align="LEFT")


TREND_NOTE = ("* Triwulan tanpa angka memakai angka kumulatif triwulan sebelumnya (dibawa); "
              "jumlah perangkat daerah yang angkanya dibawa tertulis pada baris.")


def trend_table(trend, width: float) -> Table:
    """Realization per quarter: each quarter's own flow and the figure to date."""
    head = ["Triwulan", "Anggaran Ditandai", "Realisasi Triwulan", "Realisasi s.d. Triwulan",
            "Serapan s.d. Triwulan", "Fisik", "Capaian Sasaran"]
    data = []
    previous = Decimal("0.00")
    for r in trend:
        label = f"{r.label} * ({r.carried} OPD dibawa)" if r.carried else r.label
        data.append([label, money(r.tagged), money(r.realized - previous), money(r.realized),
                     pct(r.absorption), pct(r.physical), format_number(r.reached)])
        previous = r.realized
    return fitted_table(head, data, width, {0: 1}, align={i: "RIGHT" for i in range(1, 7)},
                        h_align="LEFT")


LOKUS_HEAD = ["No", "Kecamatan", "Desa", "KK Desil 1", "Jumlah Intervensi", "Strategi",
              "Konvergensi", "Perangkat Daerah", "Anggaran Ditandai*", "Realisasi*"]


def lokus_table(rows, with_realization: bool, width: float, total=None) -> Table:
    """The lokus annex (one table; iter_lokus_tables in parts)."""
    return next(iter_lokus_tables(rows, with_realization, width, total=total))


def iter_lokus_tables(rows, with_realization: bool, width: float, chunk: int | None = None,
                      total=None):
    """The lokus annex. Only the names (kecamatan, desa, OPDs) can wrap and are Paragraphs;
    numbers and codes are plain strings on one line, their columns as wide as the widest. With
    `chunk`, tables of that many desa after the first are made as the layout reaches them
    (bounded.Continued), the pages the same as one long table's. `total`: (KK desil 1, tagged,
    realized) summed over the rows, the last row (issue 23)."""
    head = LOKUS_HEAD if with_realization else LOKUS_HEAD[:-1]
    data = []
    for i, r in enumerate(rows, 1):
        cells = [str(i), r.district, r.village, format_number(r.households),
                 "Belum ada" if r.interventions == 0 else format_number(r.interventions),
                 r.strategies, f"{r.convergence} dari 3", r.opds, money(r.tagged)]
        if with_realization:
            cells.append(money(r.realized))
        data.append(cells)
    if total is not None:
        households, tagged, realized = total
        cells = ["", "Jumlah", f"{len(rows)} desa", format_number(households), "", "", "", "",
                 money(tagged)]
        data.append(cells + ([money(realized)] if with_realization else []))
    align = {0: "CENTER", 3: "RIGHT", 4: "RIGHT", 5: "CENTER", 6: "CENTER", 8: "RIGHT"}
    if with_realization:
        align[9] = "RIGHT"
    wrap, names = {1: 28, 2: 30, 7: 58}, frozenset({1, 2, 7})
    has_total = total is not None
    widths = fitted_widths(head, data, width, wrap, pad=2, names=names, total=has_total)
    size = chunk or len(data) or 1
    parts = [data[i:i + size] for i in range(0, len(data), size)] or [[]]
    yield fitted_part(head, parts[0], widths, wrap, align=align, pad=2, names=names,
                      total=has_total and len(parts) == 1)
    for n, part in enumerate(parts[1:], 2):
        yield Continued(lambda header, skip, p=part, last=n == len(parts): fitted_part(
            head, p[skip:], widths, wrap, align=align, pad=2, names=names, header=header,
            total=has_total and last))


LATE_HEAD = ["No", "Kode", "Perangkat Daerah", "Triwulan", "Status Laporan",
             "Terlambat (hari)"]


def late_table(rows, width: float) -> Table:
    """The compliance annex: each late report with its days overdue
    (reports/queries/lateness.py)."""
    data = [[str(i), r.opd_code, r.opd_name, f"TW {ROMAN[r.quarter]}", r.status,
             format_number(r.days)] for i, r in enumerate(rows, 1)]
    data.append(["", "", f"Jumlah: {len(rows)} laporan terlambat", "", "", ""])
    return fitted_table(LATE_HEAD, data, width, {2: 1}, pad=2, names=frozenset({2}),
                        align={0: "CENTER", 3: "CENTER", 5: "RIGHT"}, h_align="LEFT",
                        total=True)


def key_value_table(pairs, width=120 * mm) -> Table:
    """`Nomor : ...` lines of a letter, aligned on the colon."""
    data = [[p(k, st.BODY_LEFT), p(":", st.BODY_LEFT), p(v, st.BODY_LEFT)] for k, v in pairs]
    t = Table(data, colWidths=[25 * mm, 4 * mm, width - 29 * mm], hAlign="LEFT")
    t.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return t

"""The report's household coverage annex (issue 16), PDF and XLSX: counts only, never an
identifier or a hash. Printed only in kabupaten-wide reports and only once a BNBA extract has
been imported, so a pemda without household data gets the report it always had."""

from reports.content.kemenko import ReportContent
from reports.queries import coverage

TITLE = "Lampiran: Cakupan Rumah Tangga Desil 1 (BNBA)"
HEAD = ["No", "Kecamatan", "Desil 1", "Tidak dijangkau", "1 strategi", "2 strategi",
        "3 strategi"]


def figures(content: ReportContent):
    """(note, rows, total) or None: per kecamatan, from the coverage rollup."""
    if content.opd is not None:
        return None
    snap = coverage.current_snapshot()
    if snap is None:
        return None
    villages = coverage.by_village(snap.id, content.fiscal_year.id, content.quarter)
    groups: dict[str, list] = {}
    for v in villages:
        groups.setdefault(v.district, []).append(v)
    rows = [[name, sum(v.households for v in vs),
             *(sum(v.by_count[k] for v in vs) for k in range(4))] for name, vs in groups.items()]
    total = ["Jumlah", *(sum(r[i] for r in rows) for i in range(1, 6))]
    trend = coverage.trend()
    note = (f"Data {snap.source} per {snap.taken_on.strftime('%d-%m-%Y')}; rumah tangga "
            f"dijangkau = tercantum dalam daftar penerima tagging s.d. {content.period}, "
            "dicocokkan dengan hash berkunci (tanpa NIK).")
    from app.core.money import format_number as n

    exits = trend[-1].exits if trend and trend[-1].snapshot_id == snap.id else 0
    if exits:  # issue 28
        note += (f" Verval desa yang disetujui mengeluarkan {n(exits)} rumah tangga (tidak lagi "
                 "miskin ekstrem, pindah, meninggal, atau ganda) dari hitungan ini.")
    if len(trend) > 1:
        note += (f" Rumah tangga desil 1: {n(trend[0].desil1)} pada "
                 f"{trend[0].taken_on.strftime('%d-%m-%Y')}, {n(trend[-1].desil1)} pada "
                 f"{trend[-1].taken_on.strftime('%d-%m-%Y')}.")
    return note, rows, total

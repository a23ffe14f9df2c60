"""A campaign's XLSX: counts per desa and status and per kecamatan; with a kecamatan chosen, also
the hash prefixes per desa and status (row numbers and prefixes only: what the pemda checks
against its own file). The kabupaten's 40,000 prefixes in one sheet took 17-36 s to write
(bench/bench_verval.py), so they come per kecamatan."""
from app.core.table_xlsx import Column, Table
from models import VERVAL_STATUS_LABELS, VERVAL_STATUSES, VervalCampaign
from models.verval import DESA_STATE_LABELS
from reports.queries import verval as progress

PREFIX_ROWS_MAX = 200_000


def _count_columns():
    return [Column("Rumah tangga", "count"), Column("Dicatat", "count"),
            *(Column(VERVAL_STATUS_LABELS[s], "count") for s in VERVAL_STATUSES)]


def _counts(r: progress.ProgressRow) -> list:
    return [r.households, r.recorded, *(r.by_status[s] for s in VERVAL_STATUSES)]


def tables(c: VervalCampaign, villages, districts,
           district_id: int | None = None) -> list[Table]:
    filters = [("Kampanye", c.name), ("Batas waktu", c.deadline.isoformat())]
    total = progress.total(districts)
    out = [
        Table(title="Verval per desa", sheet="Per desa", filters=filters,
              columns=[Column("Kode desa", width=16), Column("Desa", width=24),
                       Column("Kecamatan", width=22), Column("Status desa", width=16),
                       Column("Terlambat", width=10), *_count_columns()],
              rows=[[r.code, r.name, r.district, DESA_STATE_LABELS.get(r.state, r.state),
                     "ya" if r.late else "tidak", *_counts(r)] for r in villages],
              total=["Jumlah", "", "", "", "", *_counts(total)], frozen_columns=2),
        Table(title="Verval per kecamatan", sheet="Per kecamatan", filters=filters,
              columns=[Column("Kecamatan", width=24), *_count_columns()],
              rows=[[r.name, *_counts(r)] for r in districts],
              total=["Jumlah", *_counts(total)]),
    ]
    if district_id is None:
        return out
    return out + [
        Table(title="Awalan hash per desa dan status (tanpa NIK atau nama)", sheet="Awalan hash",
              filters=filters,
              columns=[Column("Kode desa", width=16), Column("Desa", width=24),
                       Column("No baris", "count"), Column("Awalan hash", width=16),
                       Column("Status", width=26)],
              rows=[[code, name, row, prefix, VERVAL_STATUS_LABELS.get(s or "", "Belum dicatat")]
                    for code, name, row, prefix, s in progress.prefixes_by_status(
                        c.id, district_id=district_id)][:PREFIX_ROWS_MAX]),
    ]

"""The report's annex of other funding sources at the desa (issue 17), PDF and XLSX.

The Kemenko matrix stays APBD kabupaten, as the template asks; what Dana Desa, APBD provinsi,
APBN programs, BAZNAS/LAZ and CSR bring to the desa is a small annex of its own, printed only
when the secretariat has recorded any (kabupaten-wide reports only)."""


TITLE = "Lampiran: Sumber Dana Lain di Desa (di luar APBD Kabupaten)"
NOTE = ("Dicatat oleh Sekretariat TKPKD; tidak termasuk matriks rencana aksi APBD di atas. "
        "Realisasi s.d. akhir periode laporan.")
HEAD = ["No", "Sumber", "Intervensi", "Desa", "Rencana", "Realisasi", "Rumah Tangga"]

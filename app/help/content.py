"""The words of the help page, kept as data so that a form's "?" can name an entry that exists
(a test checks every `term(...)` key used in the templates against GLOSSARY)."""

GLOSSARY = [
    {"key": "strategi", "term": "Strategi",
     "text": "Tiga strategi percepatan penghapusan kemiskinan ekstrem menurut Inpres 4/2022 "
             "(dipertahankan oleh Inpres 8/2025). Setiap tagging memilih satu strategi.",
     "items": [
         "Strategi 1 — pengurangan beban pengeluaran masyarakat: bantuan sosial, bantuan "
         "pangan, jaminan kesehatan (PBI), bantuan pendidikan, perbaikan rumah tidak layak huni.",
         "Strategi 2 — peningkatan pendapatan masyarakat: pelatihan keterampilan, bantuan "
         "modal dan sarana usaha, pendampingan usaha, padat karya.",
         "Strategi 3 — penurunan jumlah kantong-kantong kemiskinan: air minum, sanitasi, "
         "jalan desa, listrik, dan layanan dasar di wilayah kantong kemiskinan.",
     ]},
    {"key": "kelompok", "term": "Kelompok penandaan (PMK 97/2023)",
     "text": "Setiap tagging masuk satu kelompok. Realisasi tiap kelompok diberi bobot dalam "
             "penilaian insentif fiskal: langsung 50 %, tidak langsung 30 %, penunjang 20 %.",
     "items": [
         "Langsung — manfaatnya diterima langsung oleh rumah tangga atau penduduk miskin "
         "ekstrem yang menjadi sasaran, mis. paket sembako, iuran PBI, bedah rumah, modal usaha "
         "bagi keluarga sasaran. Sasaran dihitung dalam KK atau jiwa.",
         "Tidak langsung — manfaatnya sampai kepada penduduk miskin ekstrem melalui layanan "
         "atau prasarana di wilayah sasaran, mis. sarana air minum di desa lokus, posyandu, "
         "jalan lingkungan. Sasaran biasanya dihitung dalam unit atau desa.",
         "Penunjang — mendukung pelaksanaan penanganan tanpa manfaat langsung kepada sasaran, "
         "mis. pemutakhiran data, verifikasi dan validasi penerima, rapat koordinasi TKPKD, "
         "pemantauan dan evaluasi.",
     ]},
    {"key": "lokus", "term": "Lokus desa",
     "text": "Desa atau kelurahan prioritas penanganan kemiskinan ekstrem pada satu tahun "
             "anggaran, ditetapkan dengan Keputusan Bupati atau daftar dari provinsi. Tagging "
             "yang menjangkau lokus mencantumkan desa tersebut, bila diketahui dengan nilai dan "
             "sasaran per desa.", "items": []},
    {"key": "desil", "term": "Desil",
     "text": "Kelompok sepuluh persen penduduk menurut peringkat kesejahteraan dalam data "
             "sasaran nasional. Desil 1 adalah sepuluh persen terbawah dan dipakai sebagai "
             "ukuran miskin ekstrem; desil 2 sampai 4 miskin dan rentan. Jumlah keluarga "
             "desil 1 per desa menunjukkan desa lokus yang belum tersentuh intervensi.",
     "items": []},
    {"key": "dtsen", "term": "DTSEN dan P3KE",
     "text": "Data sasaran nasional. P3KE (Pensasaran Percepatan Penghapusan Kemiskinan "
             "Ekstrem) adalah data keluarga sasaran yang dipakai sejak 2022; DTSEN (Data "
             "Tunggal Sosial dan Ekonomi Nasional) menyatukan data sosial dan ekonomi dengan "
             "peringkat desil 1 sampai 10. Tagar tidak menyimpan NIK; pencocokan rumah tangga "
             "hanya dengan kode tersandi.", "items": []},
    {"key": "kumulatif", "term": "Kumulatif",
     "text": "Realisasi diisi sebagai angka s.d. akhir triwulan (kumulatif sejak awal tahun), "
             "bukan angka triwulan itu saja. Angka s.d. Triwulan II adalah Realisasi Semester 1; "
             "angka s.d. Triwulan IV adalah realisasi setahun. Angka kumulatif tidak boleh turun "
             "tanpa penjelasan.", "items": []},
    {"key": "arus", "term": "Arus (aliran triwulan)",
     "text": "Realisasi dalam satu triwulan saja: selisih angka kumulatif triwulan ini dengan "
             "angka kumulatif triwulan terakhir yang terisi sebelumnya. Tagar menghitungnya; "
             "jangan mengisikannya.", "items": []},
    {"key": "anomali", "term": "Anomali",
     "text": "Angka yang perlu penjelasan tertulis sebelum laporan dapat diajukan:",
     "items": [
         "realisasi keuangan melebihi nilai yang ditandai;",
         "angka kumulatif (keuangan, fisik, atau penerima) turun dibanding triwulan terakhir "
         "yang terisi;",
         "fisik 100 % tetapi realisasi keuangan nol;",
         "penerima manfaat melebihi sasaran.",
     ]},
]

GUIDES = [
    {"role": "opd", "title": "Petugas OPD: triwulan pertama, langkah demi langkah",
     "steps": [
         "Buka Sub Kegiatan. Masukkan sub kegiatan DPA yang melayani penanganan kemiskinan "
         "ekstrem (satu per satu atau impor berkas ekspor SIPD).",
         "Pada setiap sub kegiatan, tambahkan tagging: strategi, kelompok penandaan, nilai yang "
         "ditandai, uraian aktivitas, sasaran, dan lokus desa. Jumlah tagging tidak boleh "
         "melebihi pagu.",
         "Setelah triwulan berakhir, buka Realisasi. Isi angka kumulatif keuangan, fisik, dan "
         "penerima untuk setiap tagging. Ringkasan di atas lembar menunjukkan yang belum diisi "
         "dan yang beranomali; tautannya membawa Anda ke baris tersebut.",
         "Simpan. Bila muncul anomali, tulis penjelasannya pada baris itu.",
         "Tekan Ajukan laporan sebelum batas penyampaian. Beranda memperingatkan tujuh hari "
         "sebelum batas dan menghitung hari keterlambatan sesudahnya.",
         "Bila laporan dikembalikan, catatan Sekretariat tampil di atas lembar realisasi dan "
         "pada baris yang dimaksud. Perbaiki, lalu ajukan ulang.",
     ]},
    {"role": "secretariat", "title": "Sekretariat TKPKD: verifikasi triwulan",
     "steps": [
         "Buka Verifikasi. Saring antrean menurut status, OPD, keterlambatan, atau anomali.",
         "Laporan tanpa anomali dapat dicentang dan diverifikasi sekaligus; laporan beranomali "
         "diperiksa satu per satu.",
         "Pada halaman laporan, periksa penjelasan setiap anomali. Verifikasi, atau kembalikan "
         "dengan catatan umum dan catatan per tagging.",
         "Laporan terverifikasi terkunci. Bila perlu koreksi, buka kembali dengan alasan; "
         "alasan itu tampil kepada OPD.",
         "Pantau Kepatuhan untuk OPD yang terlambat, termasuk yang belum mulai mengisi.",
     ]},
    {"role": "viewer", "title": "Pimpinan dan inspektorat: membaca dasbor",
     "steps": [
         "Dasbor menampilkan anggaran yang ditandai, realisasi, dan serapan per strategi, "
         "kelompok, OPD, kecamatan, dan sumber dana.",
         "Pilih antara angka kumulatif dan arus triwulan pada saringan.",
         "Kepatuhan menunjukkan OPD yang terlambat beserta jumlah hari keterlambatannya.",
     ]},
    {"role": "admin", "title": "Administrator",
     "steps": [
         "Buat tahun anggaran; empat triwulan dan batas penyampaiannya dibuat otomatis.",
         "Kelola OPD dan pengguna; setiap petugas OPD terikat pada satu OPD.",
         "Atur batas hari penyampaian dan identitas pemda pada Pengaturan.",
     ]},
]

# Screenshots of the OPD guide's steps (step index -> file in app/static/help/, alt text). They
# are made by tests/browser/test_help_screenshots.py from the demo (TAGAR_WRITE_HELP_SHOTS=1
# writes them here); the page shows a step's picture only when its file is present.
SCREENSHOTS = {
    "opd": {
        0: ("opd-1-sub-kegiatan.png", "Daftar sub kegiatan OPD dengan nilai yang ditandai"),
        1: ("opd-2-tagging.png", "Formulir tagging: strategi, kelompok, nilai, sasaran, lokus"),
        2: ("opd-3-realisasi.png", "Lembar realisasi: ringkasan isian dan kartu per tagging"),
        4: ("opd-5-ajukan.png", "Tombol Ajukan laporan di atas lembar realisasi"),
        5: ("opd-6-dikembalikan.png", "Catatan Sekretariat di atas lembar laporan yang "
                                      "dikembalikan"),
    },
}

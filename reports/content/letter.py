"""The words of the report's cover letter: number, date, addressees, paragraphs, signatories
and copies. The PDF (reports/pdf/letter.py) lays them out; the XLSX's "Surat" sheet prints the
same words, so both say exactly the same thing."""
from babel.dates import format_date

from app.core.money import format_number, format_percent, format_rupiah
from reports.content.kemenko import ADDRESSEES


def date_long(d) -> str:
    return format_date(d, "d MMMM y", locale="id_ID")


def _strip(text: str, prefixes) -> str:
    for prefix in prefixes:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def head_title(pemda) -> str:
    """`Bupati Lembah Harapan`: the settings may hold the whole title or only `Bupati`."""
    if " " in pemda.head_title.strip():
        return pemda.head_title.strip()
    return f"{pemda.head_title.strip()} {_strip(pemda.region_name, ('Kabupaten ', 'Kota '))}"


def governor(pemda) -> str:
    return "Gubernur " + _strip(pemda.province_name, ("Provinsi ",))


def chair_title(pemda) -> str:
    """`Ketua TKPKD Kabupaten Lembah Harapan` for the default title; a title the admin wrote
    in full ("Sekretaris Daerah selaku Ketua TKPKD") as written."""
    title = (pemda.tkpkd_chair_title or "").strip() or "Ketua TKPKD"
    return f"Ketua TKPKD {pemda.region_name}" if title == "Ketua TKPKD" else title


def signatories(content) -> list[tuple[str, str, str]]:
    """[(title, name, NIP)] left to right: the OPD head for an OPD's report; else, as chosen in
    Pengaturan, the bupati/wali kota, the Ketua TKPKD (or Sekda), or both (the Ketua on the
    left, the head of region on the right, as a letter signed by two is laid out)."""
    pemda = content.pemda
    if content.opd is not None:
        return [(f"Kepala {content.opd.name}", content.opd.head_name, content.opd.head_nip)]
    head = (head_title(pemda), pemda.head_name, pemda.head_nip)
    chair = (chair_title(pemda), pemda.tkpkd_chair_name, pemda.tkpkd_chair_nip)
    return {"chair": [chair], "both": [chair, head]}.get(pemda.signatories, [head])


def addressee(content) -> list[str]:
    """The lines after "Yth.": one addressee on its own, several numbered; then where."""
    pemda = content.pemda
    if content.opd is not None:
        return [head_title(pemda),
                "c.q. Sekretariat TKPKD", f"di {pemda.city or pemda.region_name}"]
    names = [governor(pemda) if code == "gubernur" else ADDRESSEES[code]
             for code in content.addressees]
    lines = names if len(names) == 1 else [f"{i}. {n};" for i, n in enumerate(names, 1)]
    if len(lines) > 1:
        lines[-1] = lines[-1].rstrip(";")
    lines.append("di Jakarta" if any(c != "gubernur" for c in content.addressees)
                 else "di Tempat")
    return lines


def copies(content) -> list[str]:
    """Tembusan: the governor when not addressed, the provincial TKPKD; for the governor's
    variant, the ministries his report goes to."""
    pemda = content.pemda
    if content.opd is not None:
        return []
    if content.variant == "gubernur":
        return [ADDRESSEES["menko_pm"], ADDRESSEES["mendagri"], "Ketua TKPKD Provinsi"]
    out = [] if "gubernur" in content.addressees or not pemda.province_name else [
        governor(pemda)]
    return out + (["Ketua TKPKD Provinsi"] if pemda.province_name else [])


def letter_body(content) -> list[str]:
    """The letter's paragraphs (the XLSX's "Surat" sheet prints the same)."""
    pemda, total = content.pemda, content.total
    who = content.opd.name if content.opd else pemda.region_name
    body = [
        "Dalam rangka pelaksanaan Instruksi Presiden Nomor 4 Tahun 2022 jo. Instruksi Presiden "
        "Nomor 8 Tahun 2025 mengenai percepatan penghapusan kemiskinan ekstrem, bersama ini kami "
        f"sampaikan {content.title[0].lower() + content.title[1:]} {who} sebagaimana terlampir" +
        (", sebagai bahan laporan Gubernur kepada Menteri Koordinator Bidang Pemberdayaan "
         "Masyarakat dan Menteri Dalam Negeri." if content.variant == "gubernur" else "."),
    ]
    if content.with_realization:
        basis = ("data yang telah diverifikasi Sekretariat TKPKD" if not content.draft else
                 "data yang sebagian BELUM diverifikasi (draf, bukan untuk dikirim)")
        body.append(
            f"Berdasarkan {basis}, anggaran yang ditandai untuk penghapusan kemiskinan ekstrem "
            f"sebesar {format_rupiah(total.tagged)} pada {format_number(total.tags)} "
            f"penandaan, dengan realisasi keuangan sampai dengan akhir periode sebesar "
            f"{format_rupiah(total.realized)} ({format_percent(total.absorption, 2)}) dan "
            f"capaian fisik {format_percent(total.physical, 2)}." +
            (f" {content.carried_note}" if content.carried_note else ""))
    else:
        targets = ", ".join(f"{format_number(t)} {u}".strip() for u, t, _ in content.targets)
        body.append(
            f"Anggaran yang ditandai sebesar {format_rupiah(total.tagged)} pada "
            f"{format_number(total.tags)} penandaan" +
            (f" dengan sasaran {targets} (per satuan)." if targets else "."))
    body.append("Demikian kami sampaikan, atas perhatian dan kerja sama Bapak/Ibu kami ucapkan "
                "terima kasih.")
    return body


def letter_number(content) -> str:
    return content.options.number or f"400.14/........../TKPKD/{content.fiscal_year.year}"

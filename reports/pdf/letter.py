"""The cover letter on the pemda's letterhead (kop surat) and the signature block."""
from io import BytesIO
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import HRFlowable, Image, KeepTogether, Paragraph, Spacer, Table

from app.money import format_number, format_percent, format_rupiah

from ..content import ADDRESSEES
from . import styles as st
from .tables import key_value_table

LETTER_WIDTH = 170 * mm  # a letter's text block on portrait A4 (styles.Paper.letter_width)


def date_long(d) -> str:
    return format_date(d, "d MMMM y", locale="id_ID")


def letterhead(pemda, width=LETTER_WIDTH) -> list:
    """Logo (when the admin uploaded one), the pemda's name and address, the double rule."""
    lines = [Paragraph(escape(pemda.name.upper()), st.LETTERHEAD)]
    contact_line = pemda.address
    phone = f"Telepon {pemda.phone}" if pemda.phone else ""
    web = " · ".join(x for x in (phone, pemda.email, pemda.website) if x)
    if contact_line:
        lines.append(Paragraph(escape(contact_line), st.LETTERHEAD_SMALL))
    if web:
        lines.append(Paragraph(escape(web), st.LETTERHEAD_SMALL))
    if pemda.city:
        lines.append(Paragraph(escape(pemda.city.upper()), st.LETTERHEAD_SMALL))
    logo = _logo(pemda.logo)
    logo_w = 20 * mm
    row = [logo or "", lines, ""]
    t = Table([row], colWidths=[logo_w, width - 2 * logo_w, logo_w])
    t.setStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [t, Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=2.2, spaceAfter=1),
            HRFlowable(width="100%", thickness=0.6, spaceAfter=5 * mm)]


def _logo(data: bytes | None):
    if not data:
        return None
    try:
        reader = ImageReader(BytesIO(data))
        w, h = reader.getSize()
    except Exception:  # a broken upload must not stop the report; the kop prints without it
        return None
    side = 20 * mm
    scale = min(side / w, side / h)
    return Image(BytesIO(data), width=w * scale, height=h * scale)


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


def signature_block(content, width=80 * mm, dated=True) -> KeepTogether:
    """One or two signatures, right-aligned, side by side: a row each for the place and date
    (over the right one, when `dated`: the letter has them at its head already), the titles,
    the room to sign, the names and the NIPs, so that two blocks line up."""
    city = content.pemda.city or content.pemda.region_name
    people = signatories(content)
    blank = ""
    rows = []
    if dated:
        rows.append([blank] * (len(people) - 1) + [
            Paragraph(escape(f"{city}, {date_long(content.letter_date)}"), st.SIGN)])
    rows.append([Paragraph(escape(title) + ",", st.SIGN) for title, _, _ in people])
    rows.append([Spacer(1, 17 * mm)] * len(people))
    rows.append([Paragraph("<u>" + escape(name or "(.................................)") +
                           "</u>", st.SIGN_BOLD) for _, name, _ in people])
    if any(nip for _, _, nip in people):
        rows.append([Paragraph(escape(f"NIP. {nip}"), st.SIGN) if nip else blank
                     for _, _, nip in people])
    t = Table([[blank, *row] for row in rows], colWidths=[None] + [width] * len(people))
    title_row = 1 if dated else 0
    t.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, title_row), (-1, title_row), "BOTTOM")])
    return KeepTogether([Spacer(1, 4 * mm), t])


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
        body.append(
            f"Anggaran yang ditandai sebesar {format_rupiah(total.tagged)} pada "
            f"{format_number(total.tags)} penandaan dengan jumlah sasaran "
            f"{format_number(total.target)}.")
    body.append("Demikian kami sampaikan, atas perhatian dan kerja sama Bapak/Ibu kami ucapkan "
                "terima kasih.")
    return body


def letter_number(content) -> str:
    return content.options.number or f"400.14/........../TKPKD/{content.fiscal_year.year}"


def cover_letter(content, width=LETTER_WIDTH) -> list:
    pemda = content.pemda
    story = letterhead(pemda, width)
    number = letter_number(content)
    meta = key_value_table([("Nomor", number), ("Sifat", "Penting"),
                            ("Lampiran", "1 (satu) berkas"), ("Hal", content.subject)],
                           width=100 * mm)
    city = pemda.city or pemda.region_name
    to = [Paragraph(escape(f"{city}, {date_long(content.letter_date)}"), st.BODY_LEFT),
          Spacer(1, 4 * mm), Paragraph("Yth.", st.BODY_LEFT)]
    to += [Paragraph(escape(line), st.BODY_LEFT) for line in addressee(content)]
    head = Table([[meta, to]], colWidths=[102 * mm, width - 102 * mm])
    head.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story += [head, Spacer(1, 6 * mm)]
    body = letter_body(content)
    for text in body:
        story += [Paragraph(escape(text), st.BODY), Spacer(1, 2 * mm)]
    story.append(signature_block(content, dated=False))
    cc = copies(content)
    if cc:
        story += [Spacer(1, 2 * mm), Paragraph("Tembusan:", st.NOTE)]
        story += [Paragraph(escape(f"{i}. {name}" + (";" if i < len(cc) else ".")), st.NOTE)
                  for i, name in enumerate(cc, 1)]
    return story

"""The cover letter on the pemda's letterhead (kop surat) and the signature block."""
from io import BytesIO
from xml.sax.saxutils import escape

from babel.dates import format_date
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import HRFlowable, Image, KeepTogether, Paragraph, Spacer, Table

from app.money import format_number, format_percent, format_rupiah

from . import styles as st
from .tables import key_value_table

LETTER_WIDTH = 190 * mm  # a letter's text block, centred on the landscape page


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


def signatory(content) -> tuple[str, str, str]:
    """(title, name, NIP): the OPD head for an OPD's report, else the bupati."""
    pemda = content.pemda
    if content.opd is not None:
        return (f"Kepala {content.opd.name}", content.opd.head_name, content.opd.head_nip)
    return (head_title(pemda), pemda.head_name, pemda.head_nip)


def signature_block(content, width=90 * mm, dated=True) -> KeepTogether:
    """Place and date (the letter has them at its head already), title, room to sign, name."""
    title, name, nip = signatory(content)
    city = content.pemda.city or content.pemda.region_name
    lines = []
    if dated:
        lines.append(Paragraph(escape(f"{city}, {date_long(content.letter_date)}"), st.SIGN))
    lines += [Paragraph(escape(title) + ",", st.SIGN), Spacer(1, 17 * mm),
             Paragraph("<u>" + escape(name or "(.................................)") + "</u>",
                       st.SIGN_BOLD)]
    if nip:
        lines.append(Paragraph(escape(f"NIP. {nip}"), st.SIGN))
    t = Table([["", lines]], colWidths=[None, width])
    t.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return KeepTogether([Spacer(1, 4 * mm), t])


def addressee(content) -> list[str]:
    pemda = content.pemda
    if content.opd is not None:
        return [head_title(pemda),
                "c.q. Sekretariat TKPKD", f"di {pemda.city or pemda.region_name}"]
    lines = [pemda.report_addressee]
    if pemda.province_name:
        lines.append(f"melalui {governor(pemda)}")
    lines.append("di Jakarta")
    return lines


def cover_letter(content) -> list:
    pemda, total = content.pemda, content.total
    story = letterhead(pemda)
    number = content.options.number or f"400.14/........../TKPKD/{content.fiscal_year.year}"
    meta = key_value_table([("Nomor", number), ("Sifat", "Penting"),
                            ("Lampiran", "1 (satu) berkas"), ("Hal", content.subject)],
                           width=115 * mm)
    city = pemda.city or pemda.region_name
    to = [Paragraph(escape(f"{city}, {date_long(content.letter_date)}"), st.BODY_LEFT),
          Spacer(1, 4 * mm), Paragraph("Yth.", st.BODY_LEFT)]
    to += [Paragraph(escape(line), st.BODY_LEFT) for line in addressee(content)]
    head = Table([[meta, to]], colWidths=[120 * mm, LETTER_WIDTH - 120 * mm])
    head.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story += [head, Spacer(1, 6 * mm)]
    who = content.opd.name if content.opd else pemda.region_name
    body = [
        "Dalam rangka pelaksanaan Instruksi Presiden Nomor 4 Tahun 2022 jo. Instruksi Presiden "
        "Nomor 8 Tahun 2025 mengenai percepatan penghapusan kemiskinan ekstrem, bersama ini kami "
        f"sampaikan {content.title[0].lower() + content.title[1:]} {who} sebagaimana terlampir.",
    ]
    if content.with_realization:
        basis = ("data yang telah diverifikasi Sekretariat TKPKD" if not content.draft else
                 "data yang sebagian BELUM diverifikasi (draf, bukan untuk dikirim)")
        body.append(
            f"Berdasarkan {basis}, anggaran yang ditandai untuk penghapusan kemiskinan ekstrem "
            f"sebesar {format_rupiah(total.tagged)} pada {format_number(total.tags)} "
            f"penandaan, dengan realisasi keuangan sampai dengan akhir periode sebesar "
            f"{format_rupiah(total.realized)} ({format_percent(total.absorption, 2)}) dan "
            f"capaian fisik {format_percent(total.physical, 2)}.")
    else:
        body.append(
            f"Anggaran yang ditandai sebesar {format_rupiah(total.tagged)} pada "
            f"{format_number(total.tags)} penandaan dengan jumlah sasaran "
            f"{format_number(total.target)}.")
    body.append("Demikian kami sampaikan, atas perhatian dan kerja sama Bapak/Ibu kami ucapkan "
                "terima kasih.")
    for text in body:
        story += [Paragraph(escape(text), st.BODY), Spacer(1, 2 * mm)]
    story.append(signature_block(content, dated=False))
    if content.opd is None and pemda.province_name:
        story += [Spacer(1, 2 * mm), Paragraph("Tembusan:", st.NOTE),
                  Paragraph(escape(f"1. {governor(pemda)};"), st.NOTE),
                  Paragraph("2. Ketua TKPKD Provinsi.", st.NOTE)]
    return story

"""The cover letter on the pemda's letterhead (kop surat) and the signature block."""
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import HRFlowable, Image, KeepTogether, Paragraph, Spacer, Table

from reports.content.letter import (
    addressee,
    copies,
    date_long,
    letter_body,
    letter_number,
    signatories,
)

from . import styles as st
from .tables import key_value_table

LETTER_WIDTH = 170 * mm  # a letter's text block on portrait A4 (styles.Paper.letter_width)


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

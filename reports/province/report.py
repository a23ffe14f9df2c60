"""The governor's semester report (Inpres 8/2025) built from the kabupaten bundles: a cover
letter to the Menko PM and the Mendagri saying how many kabupaten/kota sent verified bundles
and which did not, then a summary per kabupaten/kota, per strategy and per tag kind (money,
Sasaran and Terjangkau), the lokus desa per kabupaten, and the signatures of the Sekda, the
Ketua TKPK Provinsi and the Gubernur. The letterhead and the signatories are the province's own
(`flask province init`, then *Pengaturan*). A semester for which no kabupaten sent a bundle
gives no report (NoBundles): a signed "Rp 0" would say the province spent nothing.

PDF in reports/province/report_pdf.py (`build`); XLSX here (the table helper, so text is never a
formula) with the same columns, the letter's words and the signatories. Every figure comes from
reports/province/queries.py."""
from dataclasses import dataclass, field
from datetime import date

from app.core.clock import today
from app.core.money import format_number, format_percent, format_rupiah
from app.core.table_xlsx import Column, Table, workbook
from app.reference.service import settings
from reports.content.kemenko import ADDRESSEES
from reports.content.letter import date_long
from reports.province import queries as province

ADDRESSEE_CODES = ("menko_pm", "mendagri")
SECRETARY_TITLE = "Sekretaris Daerah"
CHAIR_TITLE = "Ketua TKPK Provinsi"


class NoBundles(Exception):
    """No kabupaten/kota sent a bundle for the period: there is nothing to sign."""


@dataclass
class GovernorReport:
    year: int
    semester: int
    quarter: int
    province_name: str
    total: province.ProvinceRow
    members: list
    strategies: list
    kinds: list
    lokus: list
    city: str = ""
    letter_date: date | None = None
    pemda: object = None
    signers: list = field(default_factory=list)  # [(title, name, NIP)] left to right

    @property
    def title(self) -> str:
        return (f"Laporan Semester {self.semester} Tahun {self.year}: Percepatan Penghapusan "
                "Kemiskinan Ekstrem")

    @property
    def sent(self) -> int:
        return sum(1 for m in self.members if m.figures is not None)

    @property
    def missing(self) -> list[str]:
        return [m.name for m in self.members if m.figures is None]

    @property
    def sent_line(self) -> str:
        return f"{self.sent} dari {len(self.members)} kabupaten/kota"


def signatories(pemda) -> list[tuple[str, str, str]]:
    """Left to right: the Sekda and the Ketua TKPK Provinsi (when named), the Gubernur on the
    right, as a page signed by several is laid out."""
    region = pemda.province_name or pemda.region_name
    short = region.removeprefix("Provinsi ").strip()
    title = (pemda.head_title or "Gubernur").strip()
    head = (title if " " in title else f"{title} {short}", pemda.head_name, pemda.head_nip)
    others = [(f"{SECRETARY_TITLE} {region}", pemda.secretary_name, pemda.secretary_nip),
              ((pemda.tkpkd_chair_title or CHAIR_TITLE).strip(), pemda.tkpkd_chair_name,
               pemda.tkpkd_chair_nip)]
    return [s for s in others if s[1]] + [head]


def content(year: int, semester: int) -> GovernorReport:
    q = 2 * semester
    members = province.by_kabupaten(year, q)
    if not any(m.figures is not None for m in members):
        raise NoBundles(f"Belum ada bundel terverifikasi dari kabupaten/kota mana pun untuk "
                        f"Semester {semester} Tahun {year}; laporan gubernur tidak dibuat.")
    pemda = settings()
    return GovernorReport(
        year=year, semester=semester, quarter=q,
        province_name=pemda.province_name or pemda.region_name, city=pemda.city,
        letter_date=today(), pemda=pemda, signers=signatories(pemda),
        total=province.province_total(year, q), members=members,
        strategies=province.by_dimension(year, q, "strategy"),
        kinds=province.by_dimension(year, q, "tag_kind"),
        lokus=province.lokus_by_kabupaten(year, q))


# --- the letter's words (the PDF and the XLSX print the same) --------------------------------

def addressees() -> list[str]:
    return [ADDRESSEES[c] for c in ADDRESSEE_CODES]


def letter_body(report: GovernorReport) -> list[str]:
    t = report.total
    missing = report.missing
    body = [
        "Dalam rangka pelaksanaan Instruksi Presiden Nomor 8 Tahun 2025 tentang Percepatan "
        "Penghapusan Kemiskinan Ekstrem, bersama ini kami sampaikan laporan semester "
        f"{report.semester} tahun {report.year} {report.province_name} sebagaimana terlampir.",
        f"Laporan ini disusun dari bundel data terverifikasi yang ditandatangani secara "
        f"elektronik oleh kabupaten/kota: {report.sent_line} telah mengirim bundel "
        f"terverifikasi s.d. Triwulan {'II' if report.semester == 1 else 'IV'}. " +
        ("Kabupaten/kota yang belum mengirim: " + ", ".join(missing) + "."
         if missing else "Seluruh kabupaten/kota telah mengirim."),
        f"Anggaran yang ditandai sebesar {format_rupiah(t.tagged)} pada "
        f"{format_number(t.tags)} penandaan, dengan realisasi {format_rupiah(t.realized)} "
        f"({format_percent(t.absorption, 2)}), sasaran {format_number(t.target)} dan "
        f"terjangkau {format_number(t.reached)}.",
        "Demikian kami sampaikan, atas perhatian Bapak/Ibu kami ucapkan terima kasih.",
    ]
    return body


def letter_number(report: GovernorReport) -> str:
    return f"400.14/........../TKPK/{report.year}"


def subject(report: GovernorReport) -> str:
    return report.title.replace(":", "")


# --- tables ----------------------------------------------------------------------------------

FIGURE_COLUMNS = [Column("Pagu ditandai", "money"), Column("Realisasi", "money"),
                  Column("Serapan (%)", "pct"), Column("Fisik (%)", "pct"),
                  Column("Sasaran", "count"), Column("Terjangkau", "count")]
MONEY_COLUMNS = FIGURE_COLUMNS  # the name other modules import


def _figures(r) -> list:
    return [r.tagged, r.realized, r.absorption, r.physical, r.target, r.reached]


def tables(report: GovernorReport) -> list[Table]:
    upto = "II" if report.semester == 1 else "IV"
    filters = [("Tahun", str(report.year)),
               ("Periode", f"Semester {report.semester} (s.d. TW {upto})"),
               ("Kabupaten/kota mengirim", report.sent_line)]
    return figure_tables(report, filters)


def dashboard_tables(year: int, quarter: int) -> list[Table]:
    """The province dashboard's tables for its "Unduh XLSX" (figures to date at `quarter`)."""
    data = GovernorReport(
        year=year, semester=1 if quarter <= 2 else 2, quarter=quarter, province_name="",
        total=province.province_total(year, quarter),
        members=province.by_kabupaten(year, quarter),
        strategies=province.by_dimension(year, quarter, "strategy"),
        kinds=province.by_dimension(year, quarter, "tag_kind"),
        lokus=province.lokus_by_kabupaten(year, quarter))
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
    return figure_tables(data, [
        ("Tahun", str(year)), ("Angka s.d.", f"Triwulan {roman[quarter]}"),
        ("Kabupaten/kota mengirim", data.sent_line)])


def figure_tables(report: GovernorReport, filters: list) -> list[Table]:
    per_kab = Table(
        "Ringkasan per kabupaten/kota", [Column("Kode", width=10), Column("Kabupaten/Kota"),
                                         Column("Periode bundel", width=16),
                                         *FIGURE_COLUMNS],
        [[m.code, m.name, m.period or "belum mengirim",
          *(_figures(m.figures) if m.figures else [None] * 6)] for m in report.members],
        filters=filters, total=["", "Jumlah provinsi", "", *_figures(report.total)],
        sheet="Kabupaten")
    by_strategy = Table(
        "Per strategi", [Column("Strategi", width=8), Column("Uraian"), *FIGURE_COLUMNS],
        [[r.key, r.label, *_figures(r)] for r in report.strategies], filters=filters,
        total=["", "Jumlah", *_figures(report.total)], sheet="Strategi")
    by_kind = Table(
        "Per kelompok penandaan", [Column("Kode", width=14), Column("Kelompok"),
                                   *FIGURE_COLUMNS],
        [[r.key, r.label, *_figures(r)] for r in report.kinds], filters=filters,
        total=["", "Jumlah", *_figures(report.total)], sheet="Kelompok")
    lokus = Table(
        "Lokus desa per kabupaten/kota", [
            Column("Kode", width=10), Column("Kabupaten/Kota"), Column("Desa lokus", "count"),
            Column("KK desil 1 di desa lokus", "count"),
            Column("Desa terjangkau", "count"), Column("Desa tiga strategi", "count"),
            Column("Desa celah (belum ada intervensi)", "count")],
        [[s.code, s.name, s.villages, s.households, s.reached, s.converged, s.gaps]
         for s in report.lokus], filters=filters, sheet="Lokus")
    return [per_kab, by_strategy, by_kind, lokus]


def letter_table(report: GovernorReport) -> Table:
    when = date_long(report.letter_date) if report.letter_date else ""
    lines = [("Nomor", letter_number(report)), ("Hal", subject(report)),
             ("Tempat, tanggal", f"{report.city}, {when}".strip(", ")),
             *[("Yth.", name) for name in addressees()],
             *[("", paragraph) for paragraph in letter_body(report)]]
    return Table(f"Surat pengantar: {report.title}", [Column("", width=16), Column("Isi",
                                                                                    width=120)],
                 [list(x) for x in lines], sheet="Surat")


def signer_table(report: GovernorReport) -> Table:
    return Table("Penanda tangan", [Column("Jabatan", width=40), Column("Nama", width=36),
                                    Column("NIP", width=24)],
                 [[t, n or "(belum diisi)", p] for t, n, p in report.signers], sheet="Pengesahan")


def xlsx(report: GovernorReport) -> bytes:
    return workbook([letter_table(report), *tables(report), signer_table(report)])


__all__ = ["GovernorReport", "NoBundles", "content", "dashboard_tables", "figure_tables",
           "letter_body", "signatories", "tables", "xlsx"]

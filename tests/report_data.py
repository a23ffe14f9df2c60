"""A small known kabupaten for the report tests: two OPDs (one with a name no cp1252 font can
print), tags of every strategy and kind, a lokus desa, realization in TW I-III where TW III of
one OPD is still unverified."""
from dataclasses import dataclass

from models import Opd, db

from . import factories as make

YEAR = 2077


@dataclass
class Kab:
    fy: object
    opd_a: Opd
    opd_b: Opd
    tags: list


def build() -> Kab:
    fy = make.fiscal_year(YEAR)
    opd_a = make.opd(name="Dinas Sosial Ćwiek Łódź", short_name="Dinsos",
                     head_name="Dra. Siti Ñurhayati", head_nip="197001011995032001")
    opd_b = make.opd(name="Dinas Kesehatan Uji", short_name="Dinkes")
    q1, q2, q3 = (make.quarter(fy, n) for n in (1, 2, 3))
    sa1 = make.sub_activity(opd_a, fy, "900000000", location="Seluruh kecamatan")
    sa2 = make.sub_activity(opd_b, fy, "500000000")
    tags = [
        make.tag(sa1, "300000000", 1, "langsung", description="=HYPERLINK(\"http://x\")"),
        make.tag(sa1, "200000000", 2, "tidak_langsung", description="Pelatihan usaha"),
        make.tag(sa2, "150000000", 3, "penunjang", description="Pendataan keluarga"),
        make.tag(sa2, "100000000", 1, "langsung", description="Bantuan gizi balita"),
    ]
    village = make.village(fy=fy, priority=True, desil1=77)
    make.village(fy=fy, priority=True, desil1=12)  # a lokus no tag reaches: a gap
    make.tag_village(tags[0], village)
    make.tag_village(tags[3], village)
    for t, amounts in zip(tags, [("60000000", "120000000", "180000000"),
                                 ("20000000", "50000000", "90000000"),
                                 ("10000000", "40000000", "75000000"),
                                 ("0", "30000000", "60000000")], strict=True):
        for q, amount in zip((q1, q2, q3), amounts, strict=True):
            make.realization(t, q, amount, progress="40", reached=10)
    for q in (q1, q2, q3):
        make.submission(opd_a, q, "verified")
    make.submission(opd_b, q1, "verified")
    make.submission(opd_b, q2, "verified")
    make.submission(opd_b, q3, "submitted")  # not verified: counts only with DRAFT
    db.session.flush()
    return Kab(fy, opd_a, opd_b, tags)

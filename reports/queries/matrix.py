"""The per-tag matrix of the Kemenko PMK template and the lokus desa annex.

The descriptive columns come from two small queries here; every NUMBER (tagged amount,
realization, targets, reached) comes from the rollup module, so the report shows exactly the
dashboard's figures.
"""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, select

from models import (
    District,
    FundingSource,
    Opd,
    Strategy,
    SubActivity,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str  # text | money | pct | count | target
    # XLSX width hint (the PDF measures what each column holds, reports/pdf/matrix.py).
    width: float
    hyphenate: bool = True  # False: names and codes ("Dinkes", "DAU-SG") break at spaces only

    @property
    def fixed(self) -> bool:
        return self.kind != "text"


# Columns A-R of the action-plan template (numbered 1-18 under the header).
PLAN_COLUMNS = (
    Column("No", "count", 5),
    Column("Strategi", "text", 7),
    Column("Perangkat Daerah", "text", 10, hyphenate=False),
    Column("Kode", "text", 14),
    Column("Program", "text", 14),
    Column("Kegiatan", "text", 14),
    Column("Sub Kegiatan", "text", 14),
    Column("Aktivitas Langsung", "text", 12),
    Column("Aktivitas Tidak Langsung", "text", 12),
    Column("Aktivitas Penunjang", "text", 12),
    Column("Alokasi Anggaran (Rp)", "money", 14),
    Column("Sumber Pembiayaan", "text", 10, hyphenate=False),
    Column("Sifat Bantuan", "text", 10),
    Column("Lokasi", "text", 13),
    Column("Jumlah Sasaran", "target", 11),
    Column("Besaran Manfaat (Rp)", "money", 12),
    Column("Jenis Bantuan", "text", 10),
    Column("Durasi Pemberian", "text", 9),
)
KIND_COLUMN = {"langsung": 7, "tidak_langsung": 8, "penunjang": 9}  # index in PLAN_COLUMNS


@dataclass(frozen=True)
class MatrixRow:
    tag_id: int
    strategy: tuple[int, str]  # (code, name): the PDF groups the rows under it
    values: tuple  # aligned with the columns: str, Decimal, int, (int, unit) or None


def tag_details(fiscal_year_id: int, opd_id: int | None):
    q = (
        select(Tag.id, Strategy.code, Strategy.short_name.label("strategy_name"),
               Strategy.name.label("strategy_full"),
               Opd.code.label("opd_code"), Opd.short_name.label("opd_short"),
               Opd.name.label("opd_name"), SubActivity.opd_id,
               SubActivity.code.label("sa_code"),
               SubActivity.program_code, SubActivity.program_name, SubActivity.activity_code,
               SubActivity.activity_name, SubActivity.name.label("sa_name"),
               TagKind.code.label("kind"), Tag.description, FundingSource.code.label("fund"),
               Tag.aid_nature, SubActivity.location, Tag.target_unit,
               Tag.benefit_per_recipient, Tag.aid_type, Tag.duration)
        .join(SubActivity, Tag.sub_activity_id == SubActivity.id)
        .join(Opd, SubActivity.opd_id == Opd.id)
        .join(Strategy, Tag.strategy_id == Strategy.id)
        .join(TagKind, Tag.tag_kind_id == TagKind.id)
        .outerjoin(FundingSource, SubActivity.funding_source_id == FundingSource.id)
        .where(SubActivity.fiscal_year_id == fiscal_year_id)
        .order_by(Strategy.code, Opd.code, SubActivity.code, Tag.id)
    )
    if opd_id is not None:
        q = q.where(SubActivity.opd_id == opd_id)
    return db.session.execute(q).all()


def tag_villages(fiscal_year_id: int, opd_id: int | None) -> dict[int, list[str]]:
    q = (
        select(TagVillage.tag_id, Village.name)
        .join(Village, TagVillage.village_id == Village.id)
        .join(Tag, TagVillage.tag_id == Tag.id)
        .join(SubActivity, Tag.sub_activity_id == SubActivity.id)
        .where(SubActivity.fiscal_year_id == fiscal_year_id)
        .order_by(TagVillage.tag_id, Village.name)
    )
    if opd_id is not None:
        q = q.where(SubActivity.opd_id == opd_id)
    names: dict[int, list[str]] = {}
    for tag_id, name in db.session.execute(q):
        names.setdefault(tag_id, []).append(name)
    return names


def matrix_rows(fiscal_year_id: int, opd_id: int | None, by_tag: dict,
                realization: list[dict] | None = None, marks: dict | None = None
                ) -> list[MatrixRow]:
    """One row per tag of the rollup.

    `by_tag` maps tag id -> RollupRow (to date); `realization` holds one dict per extra column
    (tag id -> value), appended after the 18 plan columns; `marks` maps an OPD id to the
    footnote sign its name carries (figures carried forward, reports/queries/verified.py).
    """
    marks = marks or {}
    villages = tag_villages(fiscal_year_id, opd_id)
    rows = []
    for d in tag_details(fiscal_year_id, opd_id):
        r = by_tag.get(d.id)
        if r is None:  # a tag outside the rollup's filter (not expected with the same filter)
            continue
        values = [
            len(rows) + 1,
            f"{d.code}. {d.strategy_name}",
            "\u00a0".join(x for x in (d.opd_short or d.opd_name, marks.get(d.opd_id)) if x),
            d.sa_code,
            d.program_name,  # the codes are the leading parts of the sub-activity code
            d.activity_name,
            d.sa_name,
            "", "", "",
            r.tagged,
            d.fund or "-",
            d.aid_nature or "-",
            ", ".join(villages.get(d.id, [])) or d.location or "-",
            (r.target, d.target_unit or ""),
            d.benefit_per_recipient,
            d.aid_type or "-",
            d.duration or "-",
        ]
        values[KIND_COLUMN[d.kind]] = d.description or "-"
        for column in realization or []:
            values.append(column.get(d.id))
        rows.append(MatrixRow(d.id, (d.code, d.strategy_full), tuple(values)))
    missing = set(by_tag) - {row.tag_id for row in rows}
    if missing:
        raise RuntimeError(f"Rollup tags without details: {sorted(missing)[:5]}")
    return rows


@dataclass(frozen=True)
class LokusRow:
    village_id: int
    district: str
    village: str
    code: str
    households: int
    interventions: int
    strategies: str  # "1, 3"
    convergence: int  # how many of the three strategies reach the desa
    opds: str
    tagged: Decimal
    realized: Decimal


def lokus_rows(fiscal_year_id: int, opd_id: int | None, by_village: dict) -> list[LokusRow]:
    """Priority villages of the year: interventions reaching each, convergence of strategies,
    and the tagged/realized amounts apportioned to it by the rollup (`by_village`).

    A one-OPD report (`opd_id`) lists only the villages that OPD's tags reach: the others are
    not its report's subject (at L they were 11,000 rows from 100 kabupaten). The
    kabupaten-wide report lists every priority village, the gaps included."""
    reach = (
        select(TagVillage.village_id, Tag.id.label("tag_id"), Strategy.code.label("strategy"),
               Opd.short_name.label("opd"))
        .join(Tag, TagVillage.tag_id == Tag.id)
        .join(SubActivity, Tag.sub_activity_id == SubActivity.id)
        .join(Opd, SubActivity.opd_id == Opd.id)
        .join(Strategy, Tag.strategy_id == Strategy.id)
        .where(SubActivity.fiscal_year_id == fiscal_year_id)
    )
    if opd_id is not None:
        reach = reach.where(SubActivity.opd_id == opd_id)
    reach = reach.subquery()
    q = (
        select(Village.id, District.name.label("district"), Village.name, Village.code,
               VillageYear.desil1_households,
               func.count(distinct(reach.c.tag_id)).label("tags"),
               func.count(distinct(reach.c.strategy)).label("strategies"))
        .join(Village, VillageYear.village_id == Village.id)
        .join(District, Village.district_id == District.id)
        .join(reach, reach.c.village_id == Village.id, isouter=opd_id is None)
        .where(VillageYear.fiscal_year_id == fiscal_year_id, VillageYear.is_priority)
        .group_by(Village.id, District.name, District.code, Village.name, Village.code,
                  VillageYear.desil1_households)
        .order_by(District.code, Village.code)
    )
    labels: dict[int, tuple[set, set]] = {}
    for vid, strategy, opd in db.session.execute(
            select(reach.c.village_id, reach.c.strategy, reach.c.opd).distinct()):
        s, o = labels.setdefault(vid, (set(), set()))
        s.add(strategy)
        o.add(opd)
    zero = Decimal("0.00")
    rows = []
    for v in db.session.execute(q):
        s, o = labels.get(v.id, (set(), set()))
        r = by_village.get(v.id)
        rows.append(LokusRow(
            v.id, v.district, v.name, v.code, v.desil1_households, v.tags,
            ", ".join(str(c) for c in sorted(s)) or "-", v.strategies,
            ", ".join(sorted(o)) or "-",
            r.tagged if r else zero, r.realized if r else zero,
        ))
    return rows

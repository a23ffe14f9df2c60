"""Year rollover (issue 15): carry the active OPDs' sub kegiatan, their tags and their lokus desa
into the next fiscal year as a draft plan.

`plan_rollover` counts, in SQL, what each OPD would get and writes nothing; `apply_rollover`
creates the target year with its four quarters when it is missing (the same rule as the admin's
"Buat tahun anggaran": services/reference.create_fiscal_year) and copies. The old year is only
read. Nothing of the quarterly loop is copied: no realization, no submission, so every copied
line is a draft the OPD revises for its new DPA. The allocation is either copied (the one in
force at the end of the old year, APBD perubahan when there was one, becoming the new murni, with
the tagged amounts as they were: they fit it) or set to 0 with every tagged amount 0 (the OPD
fills in the new DPA). Targets, descriptions and lokus desa are kept either way; the priority
status of each desa is a new decree each year and is not copied.

An OPD that is inactive is not carried over; an OPD that already has sub kegiatan in the target
year is skipped (stated in the report), never merged: the rollover is safe to run twice.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.budget.services import themes
from app.core import audit
from app.core.errors import ServiceError
from app.reference.service import create_fiscal_year
from models import ZERO, FiscalYear, Opd, SubActivity, Tag, TagVillage, db

STATUS_LABELS = {
    "copy": "Disalin",
    "existing": "Dilewati: tahun tujuan sudah berisi sub kegiatan OPD ini",
    "inactive": "Dilewati: OPD nonaktif",
}
SA_FIELDS = ("code", "name", "program_code", "program_name", "activity_code", "activity_name",
             "funding_source_id", "output_indicator", "output_target", "output_unit", "location")
TAG_FIELDS = ("strategy_id", "tag_kind_id", "description", "aid_nature", "aid_type",
              "benefit_per_recipient", "duration", "target_count", "target_unit")


@dataclass
class OpdLine:
    opd_id: int
    code: str
    name: str
    status: str  # copy, existing, inactive
    sub_activities: int = 0
    tags: int = 0
    villages: int = 0
    allocation: Decimal = ZERO  # the old year's allocation in force
    existing: int = 0  # sub kegiatan already in the target year

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class RolloverPlan:
    from_year: int
    to_year: int
    copy_allocation: bool
    source_id: int
    target_exists: bool
    lines: list[OpdLine] = field(default_factory=list)
    done: bool = False

    def total(self, attr: str, status: str = "copy"):
        return sum(getattr(line, attr) for line in self.lines if line.status == status)

    @property
    def copied(self) -> list[OpdLine]:
        return [line for line in self.lines if line.status == "copy"]

    def summary(self) -> str:
        verb = "disalin" if self.done else "akan disalin"
        skipped = len(self.lines) - len(self.copied)
        return (f"{self.total('sub_activities')} sub kegiatan, {self.total('tags')} tagging dan "
                f"{self.total('villages')} lokus desa dari {len(self.copied)} OPD {verb} dari "
                f"{self.from_year} ke {self.to_year}; {skipped} OPD dilewati.")


def plan_rollover(from_year: int, to_year: int, *, copy_allocation: bool) -> RolloverPlan:
    if not (2000 <= from_year <= 2100 and 2000 <= to_year <= 2100):
        raise ServiceError("Tahun harus antara 2000 dan 2100.", field="to_year")
    if to_year <= from_year:
        raise ServiceError("Tahun tujuan harus sesudah tahun asal.", field="to_year")
    source = db.session.scalar(select(FiscalYear).where(FiscalYear.year == from_year))
    if source is None:
        raise ServiceError(f"Tahun anggaran {from_year} tidak ada.", field="from_year")
    target = db.session.scalar(select(FiscalYear).where(FiscalYear.year == to_year))
    plan = RolloverPlan(from_year, to_year, copy_allocation, source.id, target is not None)
    allocation = func.coalesce(SubActivity.allocation_revised, SubActivity.allocation_original)
    per_opd = (select(SubActivity.opd_id, func.count(SubActivity.id).label("n"),
                      func.sum(allocation).label("allocation"))
               .where(SubActivity.fiscal_year_id == source.id)
               .group_by(SubActivity.opd_id).subquery())
    tags = (select(SubActivity.opd_id, func.count(Tag.id).label("n"))
            .join(Tag, Tag.sub_activity_id == SubActivity.id)
            .where(SubActivity.fiscal_year_id == source.id)
            .group_by(SubActivity.opd_id).subquery())
    villages = (select(SubActivity.opd_id, func.count(TagVillage.id).label("n"))
                .join(Tag, Tag.sub_activity_id == SubActivity.id)
                .join(TagVillage, TagVillage.tag_id == Tag.id)
                .where(SubActivity.fiscal_year_id == source.id)
                .group_by(SubActivity.opd_id).subquery())
    stmt = (select(Opd.id, Opd.code, Opd.name, Opd.is_active, per_opd.c.n,
                   per_opd.c.allocation, tags.c.n, villages.c.n)
            .join(per_opd, per_opd.c.opd_id == Opd.id)
            .outerjoin(tags, tags.c.opd_id == Opd.id)
            .outerjoin(villages, villages.c.opd_id == Opd.id)
            .order_by(Opd.code))
    existing = {}
    if target is not None:
        existing = dict(db.session.execute(
            select(SubActivity.opd_id, func.count(SubActivity.id))
            .where(SubActivity.fiscal_year_id == target.id)
            .group_by(SubActivity.opd_id)).all())
    for opd_id, code, name, active, n_sa, total, n_tags, n_villages in db.session.execute(stmt):
        status = "inactive" if not active else "existing" if existing.get(opd_id) else "copy"
        plan.lines.append(OpdLine(opd_id, code, name, status, n_sa, n_tags or 0,
                                  n_villages or 0, Decimal(total or 0),
                                  existing.get(opd_id, 0)))
    return plan


def apply_rollover(plan: RolloverPlan, *, actor=None) -> RolloverPlan:
    """Create the target year when missing and copy the plan's OPDs (flushes; the caller
    commits once). The plan is made again here: what the preview showed may have changed."""
    fresh = plan_rollover(plan.from_year, plan.to_year, copy_allocation=plan.copy_allocation)
    target = db.session.scalar(select(FiscalYear).where(FiscalYear.year == plan.to_year))
    if target is None:
        target = create_fiscal_year(plan.to_year)
        audit.record_create(target, user=actor, note=f"Tutup tahun dari {plan.from_year}")
    note = f"Salinan dari tahun anggaran {plan.from_year}"
    opd_ids = [line.opd_id for line in fresh.copied]
    sources = db.session.scalars(
        select(SubActivity)
        .where(SubActivity.fiscal_year_id == fresh.source_id, SubActivity.opd_id.in_(opd_ids))
        .options(selectinload(SubActivity.tags).selectinload(Tag.villages))
        .order_by(SubActivity.opd_id, SubActivity.code)).all() if opd_ids else []
    copies, tag_pairs = [], []
    for old in sources:
        new = SubActivity(opd_id=old.opd_id, fiscal_year_id=target.id,
                          allocation_original=old.allocation if plan.copy_allocation else ZERO,
                          **{k: getattr(old, k) for k in SA_FIELDS})
        for old_tag in old.tags:
            tag = Tag(amount=old_tag.amount if plan.copy_allocation else ZERO,
                      **{k: getattr(old_tag, k) for k in TAG_FIELDS})
            tag.villages = [TagVillage(village_id=tv.village_id, target_count=tv.target_count,
                                       amount=tv.amount if plan.copy_allocation else None)
                            for tv in old_tag.villages]
            new.tags.append(tag)
            tag_pairs.append((old_tag, tag))
        db.session.add(new)
        copies.append(new)
    db.session.flush()
    themes.copy_themes(tag_pairs)
    for new in copies:
        audit.record("create", "sub_activity", new.id, new=audit.snapshot(new),
                     opd_id=new.opd_id, note=note, user=actor)
        for tag in new.tags:
            snap = audit.snapshot(tag)
            snap["villages"] = [tv.village_id for tv in tag.villages]
            audit.record("create", "tag", tag.id, new=snap, opd_id=new.opd_id,
                         parent=("sub_activity", new.id), note=note, user=actor)
    audit.record("rollover", "fiscal_year", target.id, user=actor, note=fresh.summary()[:500],
                 new={"from_year": plan.from_year, "to_year": plan.to_year,
                      "copy_allocation": plan.copy_allocation,
                      "opds": {line.code: line.sub_activities for line in fresh.copied}})
    fresh.done, fresh.target_exists = True, True
    return fresh

"""The OPD's stored figures per tag and quarter, and the anomaly codes kept on them.

A figure is cumulative (to date); its flow and its anomalies are measured against the latest
earlier quarter that has a figure. The codes are stored on each realization and recomputed
(`refresh_anomalies`) whenever a quarter's figures change or a submission is made, including
every later quarter, so the reviewer and the dashboard always see the codes of today's data.
Both the realization sheet and the submission workflow use this module; neither imports the
other."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core import audit
from app.cycle import anomalies
from models import Quarter, Realization, SubActivity, Tag, TagVillage, db


def quarter_in(fy, number: int) -> Quarter | None:
    return next((q for q in fy.quarters if q.number == number), None)


def previous_quarter(quarter: Quarter) -> Quarter | None:
    return quarter_in(quarter.fiscal_year, quarter.number - 1) if quarter.number > 1 else None


def year_quarters(quarter: Quarter) -> list[Quarter]:
    return sorted(quarter.fiscal_year.quarters, key=lambda q: q.number)


def latest_before(found: dict, quarter: Quarter, tag_id: int) -> Realization | None:
    """The tag's figure in the latest quarter before `quarter` that has one."""
    for q in reversed(year_quarters(quarter)):
        if q.number < quarter.number and (q.id, tag_id) in found:
            return found[(q.id, tag_id)]
    return None


def opd_tags(opd_id: int, fiscal_year_id: int) -> list[Tag]:
    """Every tag of the OPD's sub-activities for the year, with what the sheet shows."""
    stmt = (
        select(Tag).join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.opd_id == opd_id, SubActivity.fiscal_year_id == fiscal_year_id)
        .options(joinedload(Tag.sub_activity), joinedload(Tag.strategy),
                 joinedload(Tag.tag_kind),
                 selectinload(Tag.villages).joinedload(TagVillage.village))
        .order_by(SubActivity.code, Tag.id)
    )
    return list(db.session.scalars(stmt).unique())


def stored_figures(opd_id: int, quarter_ids: list[int]) -> dict[tuple[int, int], Realization]:
    """(quarter_id, tag_id) -> realization, one query (plus one for the villages)."""
    stmt = (
        select(Realization).join(Tag, Tag.id == Realization.tag_id)
        .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
        .where(SubActivity.opd_id == opd_id, Realization.quarter_id.in_(quarter_ids))
        .options(selectinload(Realization.villages))
    )
    return {(r.quarter_id, r.tag_id): r for r in db.session.scalars(stmt)}


def anomaly_codes(opd_id: int, quarter: Quarter) -> dict[int, str]:
    """Tag id -> stored anomaly codes of the OPD's flagged figures for the quarter."""
    stmt = (select(Realization.tag_id, Realization.anomalies)
            .join(Tag, Tag.id == Realization.tag_id)
            .join(SubActivity, SubActivity.id == Tag.sub_activity_id)
            .where(SubActivity.opd_id == opd_id, Realization.quarter_id == quarter.id,
                   Realization.anomalies != ""))
    return dict(db.session.execute(stmt).all())


def _figures(r: Realization | None) -> anomalies.Figures | None:
    if r is None:
        return None
    return anomalies.Figures(r.amount, r.physical_progress, r.reached_count)


def detect_codes(r: Realization, tag: Tag, previous: Realization | None) -> str:
    return ",".join(anomalies.detect(_figures(r), _figures(previous), tagged_amount=tag.amount,
                                     target_count=tag.target_count))


def refresh_anomalies(opd_id: int, quarter: Quarter) -> None:
    """Recompute the stored codes of `quarter` and every later quarter as the data stands now."""
    tags = {t.id: t for t in opd_tags(opd_id, quarter.fiscal_year_id)}
    found = stored_figures(opd_id, [q.id for q in year_quarters(quarter)])
    recompute(opd_id, quarter, tags, found, later_only=False)
    db.session.flush()


def recompute(opd_id: int, quarter: Quarter, tags: dict, found: dict, *,
               later_only: bool) -> None:
    """Refresh the codes of the quarter (unless `later_only`) and the quarters after it, each
    against the latest earlier figure; a change is audited."""
    by_number = {q.id: q for q in year_quarters(quarter)}
    for (quarter_id, tag_id), r in sorted(found.items(),
                                          key=lambda kv: by_number[kv[0][0]].number):
        q = by_number[quarter_id]
        if tag_id not in tags or q.number < quarter.number or (
                later_only and q.number == quarter.number):
            continue
        codes = detect_codes(r, tags[tag_id], latest_before(found, q, tag_id))
        if codes != r.anomalies:
            note = ("Anomali dihitung ulang saat pengajuan" if q.id == quarter.id
                    else f"Anomali dihitung ulang karena {quarter.label} berubah")
            audit.record("update", "realization", r.id, old={"anomalies": r.anomalies},
                         new={"anomalies": codes}, opd_id=opd_id, parent=("tag", tag_id),
                         note=note)
            r.anomalies = codes

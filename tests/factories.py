"""Small factories: each builds a valid object with unique codes and flushes it."""
import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.accounts.accounts import create_user
from app.reference.service import create_fiscal_year
from models import (
    District,
    FiscalYear,
    FundingSource,
    Opd,
    Quarter,
    Realization,
    Strategy,
    SubActivity,
    Submission,
    Tag,
    TagKind,
    TagVillage,
    Village,
    VillageYear,
    db,
)

PASSWORD = "rahasia-uji-123"
_seq = itertools.count(1)


def n() -> int:
    return next(_seq)


def opd(**kw) -> Opd:
    i = n()
    obj = Opd(code=kw.pop("code", f"9.{i % 100:02d}.0.00.0.00.{i:02d}.0000"),
              name=kw.pop("name", f"Dinas Uji {i}"), short_name=kw.pop("short_name", f"DU{i}"),
              **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role="opd", opd_obj=None, username=None, password=PASSWORD, **kw):
    if role == "opd" and opd_obj is None:
        opd_obj = opd()
    if role == "desa" and kw.get("village") is None:
        kw["village"] = village()
    return create_user(username or f"{role}{n()}", password, role, opd=opd_obj,
                       full_name=kw.get("full_name", f"Pengguna {role}"),
                       village_id=kw["village"].id if kw.get("village") is not None else None)


def fiscal_year(year=None) -> FiscalYear:
    if year is None:
        year = 2040 + n() % 50
    existing = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
    return existing or create_fiscal_year(year, deadline_days=15)


def quarter(fy: FiscalYear, number: int) -> Quarter:
    return next(q for q in fy.quarters if q.number == number)


def strategy(code=1) -> Strategy:
    return db.session.scalar(select(Strategy).where(Strategy.code == code))


def tag_kind(code="langsung") -> TagKind:
    return db.session.scalar(select(TagKind).where(TagKind.code == code))


def funding(code="DAU") -> FundingSource:
    return db.session.scalar(select(FundingSource).where(FundingSource.code == code))


def sub_activity(opd_obj=None, fy=None, allocation="100000000", **kw) -> SubActivity:
    opd_obj = opd_obj or opd()
    fy = fy or fiscal_year()
    i = n()
    obj = SubActivity(
        opd=opd_obj, fiscal_year=fy,
        code=kw.pop("code", f"1.06.05.2.02.{i:04d}"),
        name=kw.pop("name", f"Sub kegiatan uji {i}"),
        program_code=kw.pop("program_code", "1.06.05"),
        program_name=kw.pop("program_name", "Program Perlindungan dan Jaminan Sosial"),
        activity_code=kw.pop("activity_code", "1.06.05.2.02"),
        activity_name=kw.pop("activity_name", "Pengelolaan Data Fakir Miskin"),
        allocation_original=Decimal(allocation),
        funding_source=kw.pop("funding_source", funding()),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def tag(sa=None, amount="50000000", strategy_code=1, kind="langsung", **kw) -> Tag:
    sa = sa or sub_activity()
    obj = Tag(sub_activity=sa, strategy=strategy(strategy_code), tag_kind=tag_kind(kind),
              amount=Decimal(amount), description=kw.pop("description", "Bantuan uji"),
              target_count=kw.pop("target_count", 100), target_unit=kw.pop("target_unit", "KK"),
              **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def district() -> District:
    i = n()
    obj = District(code=f"98.{i:04d}", name=f"Kecamatan Uji {i}")
    db.session.add(obj)
    db.session.flush()
    return obj


def village(dist=None, fy=None, priority=False, desil1=0) -> Village:
    dist = dist or district()
    i = n()
    obj = Village(district=dist, code=f"{dist.code}.{2000 + i}", name=f"Desa Uji {i}")
    db.session.add(obj)
    db.session.flush()
    if fy is not None:
        db.session.add(VillageYear(village=obj, fiscal_year_id=fy.id, is_priority=priority,
                                   desil1_households=desil1))
        db.session.flush()
    return obj


def tag_village(t: Tag, v: Village, amount=None, target=None) -> TagVillage:
    obj = TagVillage(tag=t, village=v, amount=Decimal(amount) if amount else None,
                     target_count=target)
    db.session.add(obj)
    db.session.flush()
    return obj


def realization(t: Tag, q: Quarter, amount="0", progress="0", reached=0, **kw) -> Realization:
    obj = Realization(tag=t, quarter=q, amount=Decimal(amount),
                      physical_progress=Decimal(progress), reached_count=reached, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


def submission(opd_obj: Opd, q: Quarter, status="draft", **kw) -> Submission:
    obj = Submission(opd=opd_obj, quarter=q, status=status, **kw)
    db.session.add(obj)
    db.session.flush()
    return obj


__all__ = ["PASSWORD", "date"]


def tagged_opd(n_tags=2, fy=None, amount="1000000", target=100):
    """An OPD with one sub-activity per tag for `fy`: (opd, fy, [tags])."""
    fy = fy or fiscal_year(2026)
    o = opd()
    tags = [tag(sub_activity(o, fy), amount=amount, target_count=target) for _ in range(n_tags)]
    return o, fy, tags

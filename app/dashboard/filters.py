"""The dashboard's filters live in the URL (bookmarkable, shareable): read them into a
RollupFilter, enforce who may see which detail, and build links that add or drop a filter."""
from dataclasses import dataclass, field, replace

from flask import abort, url_for
from sqlalchemy import select

from app.core.input_guards import INT32_MAX, parse_int
from app.reference.service import current_fiscal_year, fiscal_year, reporting_quarter
from models import (
    District,
    FiscalYear,
    FundingSource,
    Opd,
    Strategy,
    SubActivity,
    TagKind,
    Theme,
    db,
)
from reports.queries.rollup import RollupFilter

from ..security import load_for

KIND_CODES = ("langsung", "tidak_langsung", "penunjang")
SORTS = {
    "kode": ("Kode", lambda r: r.code, False),
    "pagu": ("Anggaran", lambda r: r.tagged, True),
    "realisasi": ("Realisasi", lambda r: r.realized, True),
    "serapan": ("Serapan", lambda r: r.absorption if r.absorption is not None else -1, True),
    "fisik": ("Fisik", lambda r: r.physical if r.physical is not None else -1, True),
}
# URL names of the filters, in the order links are built.
ARGS = ("tahun", "triwulan", "arus", "terverifikasi", "strategi", "jenis", "opd", "kecamatan",
        "dana", "sub", "urut", "tema")


@dataclass
class DashboardQuery:
    fy: FiscalYear | None
    filt: RollupFilter | None = None
    args: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    detail_opd_id: int | None = None   # whose sub-activities the drill-down shows
    sub: SubActivity | None = None
    sort: str = "kode"
    show_all: bool = False  # ?semua=1: every OPD and kecamatan row, however many

    def url(self, endpoint="dashboard.index", **changes) -> str:
        """This view's URL with some filters changed (None drops a filter)."""
        args = {**self.args, **changes}
        return url_for(endpoint, **{k: v for k, v in args.items() if v not in (None, "")})

    def detail_filter(self) -> RollupFilter | None:
        if self.detail_opd_id is None:
            return None
        return replace(self.filt, opd_id=self.detail_opd_id)


def _int(args, name: str, ignored: list[str], lo=None, hi=None) -> int | None:
    try:  # bounded to a database integer: a larger id is ignored, never a query error
        return parse_int(args.get(name), lo=-INT32_MAX if lo is None else lo,
                         hi=INT32_MAX if hi is None else hi)
    except ValueError:
        ignored.append(name)
        return None


def _exists(model, obj_id, name, ignored):
    if obj_id is None:
        return None
    if db.session.get(model, obj_id) is None:
        ignored.append(name)
        return None
    return obj_id


def parse(args, user) -> DashboardQuery:
    """Read the query string; unknown or malformed values are ignored and reported, never a
    500. An `opd` user asking for another OPD's detail gets 403."""
    ignored: list[str] = []
    year = _int(args, "tahun", ignored)
    fy = fiscal_year(year) if year is not None else None
    if year is not None and fy is None:
        ignored.append("tahun")
    fy = fy or current_fiscal_year()
    if fy is None:
        return DashboardQuery(fy=None, ignored=ignored)
    quarter = _int(args, "triwulan", ignored, 1, 4)
    if quarter is None:
        rq = reporting_quarter(fy)
        quarter = rq.number if rq else 4
    kind = args.get("jenis") or None
    if kind is not None and kind not in KIND_CODES:
        ignored.append("jenis")
        kind = None
    sort = args.get("urut") or "kode"
    if sort not in SORTS:
        ignored.append("urut")
        sort = "kode"
    opd_id = _exists(Opd, _int(args, "opd", ignored), "opd", ignored)
    sub = None
    sub_id = _int(args, "sub", ignored)
    if sub_id is not None:
        sub = load_for(SubActivity, sub_id, user=user)  # 404 / 403 for another OPD's
        if sub.fiscal_year_id != fy.id:
            ignored.append("sub")
            sub = None
        else:
            opd_id = sub.opd_id
    if user.role == "opd" and opd_id is not None and opd_id != user.opd_id:
        abort(403)
    filt = RollupFilter(
        fiscal_year_id=fy.id, quarter=quarter, flow=args.get("arus") == "1",
        verified_only=args.get("terverifikasi") == "1",
        strategy_code=_int(args, "strategi", ignored, 1, 3), tag_kind_code=kind, opd_id=opd_id,
        funding_source_id=_exists(FundingSource, _int(args, "dana", ignored), "dana", ignored),
        district_id=_exists(District, _int(args, "kecamatan", ignored), "kecamatan", ignored),
        theme_id=_exists(Theme, _int(args, "tema", ignored), "tema", ignored),  # issue 17
    )
    clean = {
        "tahun": fy.year, "triwulan": quarter, "arus": 1 if filt.flow else None,
        "terverifikasi": 1 if filt.verified_only else None, "strategi": filt.strategy_code,
        "jenis": kind, "opd": opd_id, "kecamatan": filt.district_id,
        "dana": filt.funding_source_id, "sub": sub.id if sub else None,
        "urut": sort if sort != "kode" else None, "tema": filt.theme_id,
        "semua": 1 if args.get("semua") == "1" else None,
    }
    # Detail (sub-activities, tags) is the OPD's own business: an OPD user sees only its own.
    detail = opd_id if opd_id is not None else (user.opd_id if user.role == "opd" else None)
    return DashboardQuery(fy=fy, filt=filt, args=clean, ignored=ignored, detail_opd_id=detail,
                          sub=sub, sort=sort, show_all=clean["semua"] == 1)


def options() -> dict:
    """The choices of the filter form (a handful of small reference queries)."""
    return {
        "years": db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all(),
        "strategies": db.session.scalars(select(Strategy).order_by(Strategy.code)).all(),
        "kinds": db.session.scalars(select(TagKind).order_by(TagKind.sort_order)).all(),
        "opds": db.session.scalars(select(Opd).order_by(Opd.code)).all(),
        "districts": db.session.scalars(select(District).order_by(District.code)).all(),
        "funds": db.session.scalars(select(FundingSource).order_by(FundingSource.code)).all(),
        "themes": db.session.scalars(select(Theme).order_by(Theme.is_default.desc(),
                                                            Theme.name)).all(),
    }

"""The OPD workspace: the list, sub-activity pages and forms (thin: load, guard, call, render).

Every route loads OPD-owned objects through `load_for`/`check_opd_access`; writes demand the
opd or secretariat role and write access to that OPD.
"""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.budget.services.subactivities import (
    create_sub_activity,
    delete_sub_activity,
    tagged_total,
    update_sub_activity,
)
from app.core.clock import today
from app.core.errors import LockedError, ServiceError, StaleError
from app.core.input_guards import query_int
from app.core.table_xlsx import Column, Table
from app.reference.service import fiscal_year
from forms.budget import ConfirmForm, SubActivityForm
from forms.choices import choices
from models import FiscalYear, FundingSource, Opd, Strategy, SubActivity, Tag, TagVillage, db
from reports.queries import budget_stages

from ..exports import wants_xlsx, xlsx_response
from ..refusals import race_as_stale
from ..security import can_access_opd, check_opd_access, load_for, role_required
from . import bp, history, queries

writer = role_required("opd", "secretariat")


def fiscal_year_from_args() -> FiscalYear | None:
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    return fy


def opd_from_args(*, write: bool = False) -> Opd:
    """`?opd=` for the roles that pick; an opd user is held to its own OPD (403 otherwise)."""
    opd_id = query_int("opd")
    if opd_id is None:
        opd_id = current_user.opd_id if current_user.role == "opd" else db.session.scalar(
            select(Opd.id).where(Opd.is_active).order_by(Opd.code).limit(1))
    opd = db.session.get(Opd, opd_id) if opd_id else None
    if opd is None:
        abort(404)
    check_opd_access(opd.id, write=write)
    return opd


def apply_errors(form, exc: ServiceError) -> list[str]:
    """Put a service's errors beside their fields; returns those that have no field."""
    loose = []
    for name, messages in exc.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            loose.extend(messages)
    if not exc.errors:
        loose.append(exc.message)
    return loose


def typed_values(form, names) -> list[tuple[str, str]]:
    """What the user typed, to show beside the current values after a stale save."""
    return [(form[n].label.text, request.form.get(n, "")) for n in names]


def list_url(sa_or_opd_id, fy: FiscalYear) -> str:
    return url_for("budget.index", opd=sa_or_opd_id, tahun=fy.year)


@bp.route("/")
@login_required
def index():
    fy = fiscal_year_from_args()
    opd = opd_from_args()
    strategy = query_int("strategi")
    text = (request.args.get("q") or "").strip()[:100]
    changed = {"ya": True, "tidak": False}.get(request.args.get("perubahan") or "")
    rows, totals = (queries.sub_activity_list(
        opd.id, fy.id, strategy=strategy, text=text, changed=changed,
        allocation=budget_stages.in_force(fy, today())) if fy else ([], {}))
    if wants_xlsx():
        return xlsx_response([_list_table(fy, opd, strategy, text, rows, totals, changed)],
                             f"sub-kegiatan-{opd.code}-{fy.year}.xlsx")
    opds = []
    if current_user.role != "opd":
        opds = db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all()
    from app.screening.service import suggestions_if_trained  # issue 26

    suggestions = suggestions_if_trained(fy.id, [r.id for r in rows if not r.n_tags]) \
        if fy else {}
    return render_template(
        "budget/index.html", fy=fy, opd=opd, rows=rows, totals=totals, opds=opds,
        suggestions=suggestions,
        years=db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())).all(),
        strategies=db.session.scalars(select(Strategy).order_by(Strategy.code)).all(),
        strategy=strategy, text=text, can_write=can_access_opd(current_user, opd.id, write=True),
        changed=changed)


def _share(tagged, allocation):
    return (tagged * 100 / allocation).quantize(Decimal("0.01")) if allocation else None


def _list_table(fy, opd, strategy, text, rows, totals, changed=None) -> Table:
    """The list page as a sheet: its filters, rows and total row."""
    picked = db.session.scalar(select(Strategy).where(Strategy.code == strategy)) \
        if strategy else None
    return Table(
        title="Sub kegiatan yang ditandai", sheet="Sub kegiatan",
        filters=[("Tahun anggaran", str(fy.year)), ("Perangkat daerah", opd.name),
                 ("Strategi", f"{picked.code}. {picked.short_name}" if picked else "semua"),
                 ("Cari kode / nama", text or "-"),
                 ("APBD perubahan", {True: "berubah", False: "tidak berubah"}.get(changed,
                                                                                 "semua"))],
        columns=[Column("Kode", width=22), Column("Sub kegiatan", width=50),
                 Column("Pagu", "money"), Column("Ditandai", "money"),
                 Column("Porsi (%)", "pct"), Column("Strategi", width=14),
                 Column("Tag", "count"), Column("Lokus desa", "count"),
                 Column("Pagu murni", "money"), Column("Pagu perubahan", "money")],
        rows=[[r.code, r.name, r.allocation, r.tagged, _share(r.tagged, r.allocation),
               ", ".join(f"S{c}" for c in (1, 2, 3) if getattr(r, f"s{c}")) or "belum ditandai",
               r.n_tags, r.lokus, r.murni, r.perubahan] for r in rows],
        total=[f"Jumlah ({totals['count']} sub kegiatan)", "", totals["allocation"],
               totals["tagged"], _share(totals["tagged"], totals["allocation"]), "", "",
               totals["lokus"], totals["murni"], totals["perubahan"]])


def _sa_form(form: SubActivityForm) -> SubActivityForm:
    funds = db.session.scalars(select(FundingSource).order_by(FundingSource.code)).all()
    form.funding_source_id.choices = choices(
        [(0, "— pilih —")] + [(f.id, f"{f.code} · {f.name}") for f in funds])
    return form


@bp.route("/baru", methods=["GET", "POST"])
@writer
def sa_new():
    fy = fiscal_year_from_args() or abort(404)
    opd = opd_from_args(write=True)
    form = _sa_form(SubActivityForm())
    status, loose = 200, []
    if form.validate_on_submit():
        try:
            with race_as_stale():
                with db.session.begin_nested():  # a refusal undoes this request's writes only
                    sa = create_sub_activity(opd.id, fy.id, form.values())
                db.session.commit()
        except (LockedError, StaleError) as exc:
            status, loose = 423 if isinstance(exc, LockedError) else 409, [exc.message]
        except ServiceError as exc:
            loose = apply_errors(form, exc)
        else:
            flash(f"Sub kegiatan {sa.code} ditambahkan. Tambahkan tagging di bawah ini.",
                  "success")
            return redirect(url_for("budget.sa_detail", sa_id=sa.id))
    return render_template("budget/sa_form.html", form=form, sa=None, opd=opd, fy=fy,
                           loose=loose), status


@bp.route("/<int:sa_id>")
@login_required
def sa_detail(sa_id: int, error: str | None = None, status: int = 200):
    sa = load_for(SubActivity, sa_id)
    tags = db.session.scalars(
        select(Tag).where(Tag.sub_activity_id == sa.id).order_by(Tag.id)
        .options(selectinload(Tag.villages).selectinload(TagVillage.village),
                 selectinload(Tag.strategy), selectinload(Tag.tag_kind))).all()
    tagged = tagged_total(sa.id)
    return render_template(
        "budget/sa_detail.html", sa=sa, tags=tags, tagged=tagged, error=error,
        confirm=ConfirmForm(), can_write=can_access_opd(current_user, sa.opd_id, write=True)
        and current_user.role in ("opd", "secretariat")), status


@bp.route("/<int:sa_id>/ubah", methods=["GET", "POST"])
@writer
def sa_edit(sa_id: int):
    sa = load_for(SubActivity, sa_id, write=True)
    form = _sa_form(SubActivityForm(obj=sa))
    if request.method == "GET":
        form.version.data = sa.version
    status, loose, stale = 200, [], None
    if form.validate_on_submit():
        try:
            with race_as_stale():
                with db.session.begin_nested():
                    changed = update_sub_activity(sa, form.values(), form.version.data)
                db.session.commit()
        except StaleError as exc:
            stale = typed_values(form, SubActivityForm.FIELDS)
            db.session.refresh(sa)
            form = _sa_form(SubActivityForm(formdata=None, obj=sa))
            form.version.data = sa.version
            status, loose = 409, [exc.message]
        except LockedError as exc:
            status, loose = 423, [exc.message]
        except ServiceError as exc:
            loose = apply_errors(form, exc)
        else:
            flash("Perubahan disimpan." if changed else "Tidak ada perubahan.", "success")
            return redirect(url_for("budget.sa_detail", sa_id=sa.id))
    return render_template("budget/sa_form.html", form=form, sa=sa, opd=sa.opd,
                           fy=sa.fiscal_year, loose=loose, stale=stale), status


@bp.route("/<int:sa_id>/hapus", methods=["POST"])
@writer
def sa_delete(sa_id: int):
    sa = load_for(SubActivity, sa_id, write=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    opd_id, fy, code = sa.opd_id, sa.fiscal_year, sa.code
    try:
        with race_as_stale():
            with db.session.begin_nested():
                delete_sub_activity(sa, form.version.data)
            db.session.commit()
    except ServiceError as exc:
        status = 409 if isinstance(exc, StaleError) else 423 if isinstance(
            exc, LockedError) else 422
        return sa_detail(sa_id, error=exc.message, status=status)
    flash(f"Sub kegiatan {code} dihapus.", "success")
    return redirect(list_url(opd_id, fy))


@bp.route("/<int:sa_id>/riwayat")
@login_required
def sa_history(sa_id: int):
    sa = load_for(SubActivity, sa_id)
    return render_template("budget/history.html", sa=sa, entries=history.entries(sa.id))



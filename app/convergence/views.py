"""Other sources' interventions (list, form, delete, import), themes and the KLASIK view, and
the rollup in another strategy framework. Thin views: load, check the role, parse, call one
service, map its errors, commit once."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.budget.services import framework_mapping, themes
from app.core.errors import ServiceError, StaleError
from app.core.input_guards import parse_int, query_int
from app.lokus.services import interventions
from app.reference.service import current_fiscal_year, fiscal_year, reporting_quarter
from forms.choices import choices
from forms.convergence import InterventionForm, InterventionImportForm, ThemeForm, TokenForm
from models import (
    SOURCE_KINDS,
    District,
    FiscalYear,
    Framework,
    OtherIntervention,
    Strategy,
    StrategyMapping,
    Theme,
    Village,
    db,
)
from reports.content import convergence_tables as xlsx_tables
from reports.queries import convergence as sources_report
from reports.queries import frameworks as framework_report
from reports.queries import themes as theme_report
from reports.queries.rollup import RollupFilter, total

from ..exports import wants_xlsx, xlsx_response
from ..refusals import race_as_stale
from ..security import role_required
from . import bp

READERS = ("secretariat", "viewer", "admin")


def _year() -> FiscalYear | None:
    year = query_int("tahun")
    return (fiscal_year(year) if year is not None else None) or current_fiscal_year()


def _quarter(fy: FiscalYear) -> int:
    return query_int("triwulan", lo=1, hi=4) or getattr(reporting_quarter(fy), "number", 4)


def _years():
    return db.session.scalars(select(FiscalYear).order_by(FiscalYear.year)).all()


# --- other sources -------------------------------------------------------------------------

@bp.route("/intervensi")
@role_required(*READERS)
def interventions_list():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    quarter = _quarter(fy)
    kind = request.args.get("sumber") or None
    if kind not in SOURCE_KINDS:
        kind = None
    stmt = (select(OtherIntervention, Village.code, Village.name, District.name)
            .join(Village, Village.id == OtherIntervention.village_id)
            .join(District, District.id == Village.district_id)
            .where(OtherIntervention.fiscal_year_id == fy.id)
            .order_by(District.code, Village.code, OtherIntervention.source_kind,
                      OtherIntervention.provider_name, OtherIntervention.id))
    if kind:
        stmt = stmt.where(OtherIntervention.source_kind == kind)
    rows = db.session.execute(stmt).all()
    split = sources_report.split(*_apbd(fy, quarter),
                                 sources_report.other_sources(fy.id, quarter))
    if wants_xlsx():
        return xlsx_response(xlsx_tables.intervention_tables(
            fy.year, quarter, kind, split, sources_report.total_row(split), rows),
            f"intervensi-sumber-lain-{fy.year}-tw{quarter}.xlsx")
    return render_template("convergence/interventions.html", fy=fy, quarter=quarter, kind=kind,
                           rows=rows, split=split, split_total=sources_report.total_row(split),
                           years=_years(), kinds=SOURCE_KINDS,
                           can_edit=current_user.role == "secretariat")


def _apbd(fy: FiscalYear, quarter: int):
    t = total(RollupFilter(fiscal_year_id=fy.id, quarter=quarter))
    return t.tagged, t.realized


def _form(form: InterventionForm) -> InterventionForm:
    form.village_id.choices = choices([(0, "— pilih —")] + [
        (vid, f"{code} {name} ({district})") for vid, code, name, district in db.session.execute(
            select(Village.id, Village.code, Village.name, District.name)
            .join(District, District.id == Village.district_id).order_by(Village.code))])
    form.strategy_id.choices = choices([(0, "— pilih —")] + [
        (s.id, f"{s.code}. {s.name}")
        for s in db.session.scalars(select(Strategy).order_by(Strategy.code))])
    return form


def _edit(fy: FiscalYear, iv: OtherIntervention | None):
    form = _form(InterventionForm(obj=iv))
    if request.method == "GET" and iv is not None:
        form.version.data = iv.version
    status, message = 200, None
    if form.validate_on_submit():
        try:
            with race_as_stale(current=iv):
                interventions.save(fy, iv, form.values(), form.version.data)
                db.session.commit()
        except StaleError as exc:
            db.session.rollback()
            db.session.refresh(iv)
            form = _form(InterventionForm(formdata=None, obj=iv))
            form.version.data = iv.version
            status, message = 409, exc.message
        except ServiceError as exc:
            db.session.rollback()
            for name, errs in exc.errors.items():
                if name in form:
                    form[name].errors = [*form[name].errors, *errs]
            status, message = 422, exc.message
        else:
            flash("Intervensi disimpan.", "success")
            return redirect(url_for("convergence.interventions_list", tahun=fy.year))
    elif form.is_submitted():
        status, message = 422, "Periksa kembali isian yang ditandai."
    return render_template("convergence/intervention_form.html", fy=fy, iv=iv, form=form,
                           message=message), status


@bp.route("/intervensi/baru", methods=["GET", "POST"])
@role_required("secretariat")
def intervention_new():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    return _edit(fy, None)


@bp.route("/intervensi/<int:intervention_id>/ubah", methods=["GET", "POST"])
@role_required("secretariat")
def intervention_edit(intervention_id: int):
    iv = db.session.get(OtherIntervention, intervention_id) or abort(404)
    return _edit(iv.fiscal_year, iv)


@bp.route("/intervensi/<int:intervention_id>/hapus", methods=["POST"])
@role_required("secretariat")
def intervention_delete(intervention_id: int):
    iv = db.session.get(OtherIntervention, intervention_id) or abort(404)
    year = iv.fiscal_year.year
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with race_as_stale(current=iv):
            interventions.delete(iv, form.version.data)
            db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("convergence.interventions_list", tahun=year)), 303
    flash("Intervensi dihapus.", "success")
    return redirect(url_for("convergence.interventions_list", tahun=year))


@bp.route("/intervensi/impor", methods=["GET", "POST"])
@role_required("secretariat")
def intervention_import():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    form, result, confirm, status = InterventionImportForm(), None, None, 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = ["Pilih berkas .xlsx atau .csv."]
            status = 422
        else:
            try:
                result = interventions.preview(upload.filename or "", upload.read())
            except ServiceError as exc:
                form.file.errors = [exc.message]
                status = 422
            else:
                if result.ok:
                    confirm = TokenForm(token=interventions.sign(fy, result))
                else:
                    status = 422
    names = {}
    if result is not None and result.labels:
        names = {vid: (code, name) for vid, code, name in db.session.execute(
            select(Village.id, Village.code, Village.name)
            .where(Village.id.in_({r["village_id"] for r in result.labels})))}
    return render_template("convergence/import.html", fy=fy, form=form, result=result,
                           confirm=confirm, names=names,
                           strategies={s.id: s.code for s in db.session.scalars(
                               select(Strategy))}), status


@bp.route("/intervensi/impor/simpan", methods=["POST"])
@role_required("secretariat")
def intervention_import_confirm():
    fy = _year()
    form = TokenForm()
    if fy is None or not form.validate_on_submit():
        flash("Pratinjau tidak sah; unggah ulang berkas.", "danger")
        return redirect(url_for("convergence.intervention_import"))
    try:
        with race_as_stale():
            created, updated = interventions.apply(fy, form.token.data or "")
            db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("convergence.intervention_import", tahun=fy.year))
    flash(f"Impor selesai: {created} intervensi baru, {updated} diperbarui.", "success")
    return redirect(url_for("convergence.interventions_list", tahun=fy.year))


# --- themes and the cross-theme (KLASIK) view ----------------------------------------------

@bp.route("/tema")
@role_required(*READERS)
def themes_index():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    quarter = _quarter(fy)
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter)
    cross_total, cross_rows = theme_report.cross_theme(f)
    if wants_xlsx():
        return xlsx_response(xlsx_tables.theme_tables(
            fy.year, quarter, theme_report.by_theme(f), total(f), cross_total, cross_rows),
            f"tema-{fy.year}-tw{quarter}.xlsx")
    return render_template("convergence/themes.html", fy=fy, quarter=quarter, years=_years(),
                           by_theme=theme_report.by_theme(f), total=total(f),
                           cross_total=cross_total, cross_rows=cross_rows,
                           themes=themes.all_themes(), form=ThemeForm(), delete_form=TokenForm(),
                           can_admin=current_user.role == "admin")


@bp.route("/tema/baru", methods=["POST"])
@role_required("admin")
def theme_new():
    form = ThemeForm()
    if not form.validate_on_submit():
        flash("Isi nama tema (paling banyak 120 karakter).", "danger")
        return redirect(url_for("convergence.themes_index"))
    try:
        theme = themes.create_theme(form.name.data, form.description.data or "")
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        flash(f"Tema {theme.name} ditambahkan.", "success")
    return redirect(url_for("convergence.themes_index"))


@bp.route("/tema/<int:theme_id>/hapus", methods=["POST"])
@role_required("admin")
def theme_delete(theme_id: int):
    theme = db.session.get(Theme, theme_id) or abort(404)
    if not TokenForm().validate_on_submit():
        abort(400)
    name = theme.name
    try:
        n = themes.delete_theme(theme)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("convergence.themes_index")), 303
    flash(f"Tema {name} dihapus; {n} tagging dilepas dari tema ini.", "success")
    return redirect(url_for("convergence.themes_index"))


# --- frameworks ----------------------------------------------------------------------------

@bp.route("/kerangka")
@role_required(*READERS)
def frameworks_index():
    fy = _year()
    if fy is None:
        return render_template("dashboard/empty.html")
    quarter = _quarter(fy)
    frameworks = db.session.scalars(select(Framework).order_by(Framework.is_default.desc(),
                                                               Framework.name)).all()
    chosen = framework_report.framework_of(request.args.get("kerangka")) or abort(404)
    f = RollupFilter(fiscal_year_id=fy.id, quarter=quarter)
    mapping = db.session.execute(
        select(Strategy.code, Strategy.name, StrategyMapping.framework_strategy_id)
        .outerjoin(StrategyMapping, (StrategyMapping.strategy_id == Strategy.id)
                   & (StrategyMapping.framework_id == chosen.id))
        .order_by(Strategy.code)).all()
    targets = {s.id: s for s in chosen.strategies}
    rows = framework_report.rollup_by_framework(f, chosen.id)
    if wants_xlsx():
        return xlsx_response(xlsx_tables.framework_tables(
            fy.year, quarter, chosen, rows, total(f), mapping, targets),
            f"kerangka-{chosen.code}-{fy.year}-tw{quarter}.xlsx")
    return render_template("convergence/frameworks.html", fy=fy, quarter=quarter,
                           years=_years(), frameworks=frameworks, chosen=chosen,
                           rows=rows, total=total(f), mapping=mapping, targets=targets,
                           can_map=current_user.role == "admin" and not chosen.is_default)


def _choice(raw: str | None) -> int | None:
    """A select's value as an id; a tampered one as no choice (the service refuses it)."""
    try:
        return parse_int(raw, lo=1)
    except ValueError:
        return None


@bp.route("/kerangka/pemetaan", methods=["GET", "POST"])
@role_required("admin")
def mapping_edit():
    """The admin edits which strategy of a (non-default) framework each Inpres strategy goes
    to. A mapping changes every report in that framework, old years included: it is
    configuration, kept with the admin as the themes are."""
    chosen = framework_report.framework_of(request.args.get("kerangka")) or abort(404)
    if chosen.is_default:
        abort(404)
    strategies = db.session.scalars(select(Strategy).order_by(Strategy.code)).all()
    stored = framework_mapping.current(chosen.id)
    form, status, message, picked = TokenForm(), 200, None, dict(stored)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        picked = {s.id: _choice(request.form.get(f"strategi_{s.id}")) for s in strategies}
        try:
            with race_as_stale():
                changed = framework_mapping.save(chosen, picked, form.version.data or "")
                db.session.commit()
        except StaleError as exc:
            db.session.rollback()
            stored = framework_mapping.current(chosen.id)
            picked, status, message = dict(stored), 409, exc.message
        except ServiceError as exc:
            db.session.rollback()
            status, message = 422, exc.message
        else:
            flash(f"Pemetaan {chosen.name} disimpan ({changed} strategi berubah)."
                  if changed else "Pemetaan tidak berubah.", "success")
            return redirect(url_for("convergence.frameworks_index", kerangka=chosen.code), 303)
    form.version.data = framework_mapping.fingerprint(stored)
    return render_template("convergence/mapping_form.html", chosen=chosen, form=form,
                           strategies=strategies, picked=picked, message=message), status

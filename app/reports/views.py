"""Reports: choose a variant and period; the Kemenko PMK report (PDF or XLSX) is built by the
job queue (see builds.py) and downloaded when ready.

An `opd` user gets only its own OPD's report: the OPD list offers only it, and any other OPD
(or the kabupaten-wide report, which shows every OPD's tags) is refused with 403."""
from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.core.input_guards import parse_int
from app.reference.service import current_fiscal_year, reporting_quarter, settings
from app.reports.build_service import recent_builds
from forms.choices import choices
from forms.reports import ReportForm
from models import FiscalYear, Framework, Opd, Theme, db
from reports.content.kemenko import DEFAULT_ADDRESSEES, parse_addressees

from ..security import check_opd_access, role_required
from . import bp
from .builds import start_build


def _form() -> ReportForm:
    form = ReportForm()
    years = db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()
    form.year.choices = choices((y, str(y)) for y in years)
    opds = select(Opd).order_by(Opd.code)
    if current_user.role == "opd":
        opds = opds.where(Opd.id == current_user.opd_id)
        pairs = []
    else:
        pairs = [(0, "Semua perangkat daerah (kabupaten)")]
    pairs += [(o.id, f"{o.short_name or o.name} · {o.name}")
              for o in db.session.scalars(opds)]
    form.opd_id.choices = choices(pairs)
    # Issue 17: theme and framework choices (default: every tag, Inpres).
    form.theme_id.choices = choices([(0, "Semua tema")] + [
        (t.id, t.name) for t in db.session.scalars(
            select(Theme).order_by(Theme.is_default.desc(), Theme.name))])
    form.framework.choices = choices([(f.code if not f.is_default else "", f.name)
                                      for f in db.session.scalars(select(Framework).order_by(
                                          Framework.is_default.desc(), Framework.name))])
    return form


def _guard(raw: str) -> None:
    """Whatever the form offered: an opd user asking for the kabupaten-wide report or for
    another OPD's report is refused (403), not merely shown a validation message."""
    try:
        opd_id = parse_int(raw, lo=0) or 0
    except ValueError:
        abort(400)
    if opd_id:
        check_opd_access(opd_id)
    elif current_user.role == "opd":
        abort(403)


@bp.route("/", methods=["GET", "POST"])
@role_required("opd", "secretariat", "viewer", "admin")
def index():
    form = _form()
    if not form.is_submitted():
        fy = current_fiscal_year()
        if fy is not None:
            form.year.data = fy.year
            q = reporting_quarter(fy)
            form.quarter.data = q.number if q else 1
        if current_user.role == "opd":
            form.opd_id.data = current_user.opd_id
            form.variant.data = "opd"
        form.addressees.data = list(parse_addressees(settings().report_addressees)
                                    or DEFAULT_ADDRESSEES)
    if request.method == "POST":
        _guard(request.form.get("opd_id", ""))
    if form.validate_on_submit():
        response = start_build(form)
        if response is not None:
            return response
    return render_template("reports/index.html", form=form,
                           builds=recent_builds(current_user))

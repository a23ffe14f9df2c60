"""The administrator's page for the public portal: open or close it, choose the licence of its
open data, enter each year's total APBD belanja (murni and perubahan). On the admin blueprint
(/admin/portal-publik); the portal's own pages are in views.py."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.core.errors import ServiceError
from app.security import role_required
from forms.public import ApbdTotalForm, PortalForm
from models import FiscalYear, PublicApbdTotal, db

from . import portal

admin_only = role_required("admin")


def _year_forms():
    totals = {t.fiscal_year_id: t for t in db.session.scalars(select(PublicApbdTotal))}
    out = []
    for fy in db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())):
        t = totals.get(fy.id)
        form = ApbdTotalForm(prefix=f"y{fy.id}", obj=t)
        out.append((fy, t, form))
    return out


def _render(form):
    return render_template("public/admin.html", form=form, row=portal.portal_or_default(),
                           years=_year_forms())


@bp.route("/portal-publik", methods=["GET", "POST"])
@admin_only
def public_portal():
    row = portal.portal_or_default()
    form = PortalForm(obj=row)
    if form.validate_on_submit():
        try:
            portal.configure(form.enabled.data, form.license_id.data, user=current_user)
        except ServiceError as exc:
            form.license_id.errors.append(exc.message)
            return _render(form)
        db.session.commit()
        flash("Portal publik dibuka." if form.enabled.data else "Portal publik ditutup.",
              "success")
        return redirect(url_for("admin.public_portal"))
    return _render(form)


@bp.route("/portal-publik/apbd/<int:fy_id>", methods=["POST"])
@admin_only
def public_apbd_total(fy_id: int):
    fy = db.get_or_404(FiscalYear, fy_id)
    form = ApbdTotalForm(prefix=f"y{fy.id}")
    if not form.validate_on_submit():
        for field in (form.belanja_murni, form.belanja_perubahan):
            for message in field.errors:
                flash(f"{fy.year}: {field.label.text}: {message}", "danger")
        return redirect(url_for("admin.public_portal"))
    try:
        portal.set_apbd_total(fy, form.belanja_murni.data, form.belanja_perubahan.data,
                              user=current_user)
    except ServiceError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("admin.public_portal"))
    db.session.commit()
    flash(f"Total belanja APBD {fy.year} disimpan.", "success")
    return redirect(url_for("admin.public_portal"))

"""Administration: users, OPDs, fiscal years and quarters, pemda settings."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts import throttle
from app.accounts.accounts import create_user, deactivate, set_password
from app.accounts.opd_status import ensure_opd_active
from app.core import audit
from app.core.clock import now
from app.core.errors import ServiceError
from app.core.image_reader import ImageError, read_image
from app.reference.service import create_fiscal_year
from app.reference.service import settings as pemda_settings
from forms.admin import FiscalYearForm, OpdForm, SettingsForm, UserForm
from forms.choices import choices
from models import (
    ApiToken,
    FiscalYear,
    LoginThrottle,
    Opd,
    Quarter,
    SubActivity,
    Submission,
    User,
    Village,
    db,
)

from .. import confirmations
from ..security import role_required
from . import bp

admin_only = role_required("admin")


def _opd_choices():
    opds = db.session.scalars(select(Opd).order_by(Opd.code)).all()
    # Issue 15: an inactive OPD takes no new users (services/opd_status.py says so).
    return choices([(0, "— tidak ada —")] + [
        (o.id, f"{o.code} {o.name}" + ("" if o.is_active else " (nonaktif)")) for o in opds])


def _village_choices():
    rows = db.session.execute(select(Village.id, Village.code, Village.name)
                              .order_by(Village.code)).all()
    return choices([(0, "— tidak ada —")] + [(i, f"{c} {n}") for i, c, n in rows])


@bp.route("/pengguna")
@admin_only
def users():
    rows = db.session.scalars(select(User)
                              .options(selectinload(User.opd), selectinload(User.village))
                              .order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=rows, blocked=throttle.blocked_accounts())


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user_edit(user_id=None):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.opd_id.choices = _opd_choices()
    form.village_id.choices = _village_choices()
    if request.method == "GET" and user:
        form.opd_id.data = user.opd_id or 0
        form.village_id.data = user.village_id or 0
    if form.validate_on_submit():
        opd = db.session.get(Opd, form.opd_id.data) if form.opd_id.data else None
        village_id = form.village_id.data if (
            form.village_id.data and db.session.get(Village, form.village_id.data)) else None
        try:
            if user is None:
                if not form.password.data:
                    raise ServiceError("Kata sandi wajib diisi untuk pengguna baru.",
                                       field="password")
                user = create_user(form.username.data, form.password.data, form.role.data,
                                   full_name=form.full_name.data, opd=opd,
                                   email=form.email.data or "", actor=current_user,
                                   village_id=village_id)
            else:
                if form.role.data == "opd" and opd is None:
                    raise ServiceError("Pengguna dengan peran OPD harus terhubung ke satu OPD.",
                                       field="opd_id")
                if form.role.data == "opd" and opd.id != user.opd_id:
                    ensure_opd_active(opd.id)  # issue 15: no new users for an inactive OPD
                if user.id == current_user.id and (form.role.data != "admin"
                                                   or not form.active.data):
                    raise ServiceError("Anda tidak dapat mencabut peran admin akun sendiri.",
                                       field="role")
                if form.role.data == "desa" and village_id is None:
                    raise ServiceError("Operator desa harus terhubung ke satu desa.",
                                       field="village_id")
                if user.active and not form.active.data and not confirmations.confirmed():
                    return render_template(  # nothing saved; everything typed shown again
                        "admin/user_form.html", form=form, user=user,
                        confirm_needed=_user_consequences(user)), 400
                before = audit.snapshot(user)
                user.full_name = form.full_name.data
                user.email = form.email.data or ""
                user.role = form.role.data
                user.opd_id = opd.id if (opd and form.role.data == "opd") else None
                user.village_id = village_id if form.role.data == "desa" else None
                if form.active.data:
                    user.active = True
                else:
                    deactivate(user)  # ends the user's sessions as well
                if form.password.data:
                    set_password(user, form.password.data, actor=current_user,
                                 revoke_tokens=form.revoke_tokens.data)
                audit.record_update(user, before, opd_id=user.opd_id)
        except ServiceError as exc:
            getattr(form, exc.field or "username").errors.append(exc.message)
        else:
            db.session.commit()
            flash("Data pengguna disimpan.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


def _user_consequences(user: User) -> list[str]:
    tokens = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    return [f"Akun {user.username} ({user.full_name}) tidak dapat masuk lagi sampai diaktifkan "
            "kembali.",
            "Semua sesi akun ini berakhir (1 akun).",
            f"Token API aktif milik akun ini: {tokens}; token tidak dapat dipakai selama akun "
            "nonaktif.",
            "Data yang pernah diisi akun ini tetap tersimpan."]


@bp.route("/pengguna/<int:user_id>/buka-kunci", methods=["POST"])
@admin_only
def user_unlock(user_id):
    """Lift the login blocks of one account, at every address."""
    user = db.get_or_404(User, user_id)
    rows = throttle.account_rows(user.username)
    throttle.forget([r.key for r in rows])
    audit.record("unlock", "user", user.id, old={"addresses": sorted(r.address for r in rows)},
                 note="Blokir masuk dibuka administrator")
    db.session.commit()
    flash(f"Blokir masuk akun {user.username} dibuka.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/pembatasan-masuk")
@admin_only
def throttles():
    return render_template("admin/throttles.html", rows=throttle.current(), now=now())


@bp.route("/pembatasan-masuk/<int:entry_id>/hapus", methods=["POST"])
@admin_only
def throttle_lift(entry_id):
    entry = db.get_or_404(LoginThrottle, entry_id)
    audit.record("unlock", "login_throttle", entry.id, old=audit.snapshot(entry),
                 note="Pembatasan masuk dihapus administrator")
    throttle.forget([entry.key])
    db.session.commit()
    flash(f"Pembatasan untuk {entry.address} dihapus.", "success")
    return redirect(url_for("admin.throttles"))


@bp.route("/opd")
@admin_only
def opds():
    rows = db.session.scalars(select(Opd).order_by(Opd.code)).all()
    return render_template("admin/opds.html", opds=rows)


@bp.route("/opd/baru", methods=["GET", "POST"])
@bp.route("/opd/<int:opd_id>", methods=["GET", "POST"])
@admin_only
def opd_edit(opd_id=None):
    opd = db.get_or_404(Opd, opd_id) if opd_id else None
    form = OpdForm(obj=opd)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Opd).where(
            (Opd.code == form.code.data) | (Opd.name == form.name.data),
            Opd.id != (opd.id if opd else 0)))
        if clash is not None:
            field = form.code if clash.code == form.code.data else form.name
            field.errors.append("Sudah dipakai OPD lain.")
        elif opd is not None and opd.is_active and not form.is_active.data \
                and not confirmations.confirmed():
            return render_template("admin/opd_form.html", form=form, opd=opd,
                                   confirm_needed=_opd_consequences(opd)), 400
        else:
            before = audit.snapshot(opd) if opd else None
            if opd is None:
                opd = Opd()
                db.session.add(opd)
            form.populate_obj(opd)
            if before is None:
                audit.record_create(opd, opd_id=None)
            else:
                audit.record_update(opd, before)
            db.session.commit()
            flash("Data OPD disimpan.", "success")
            return redirect(url_for("admin.opds"))
    return render_template("admin/opd_form.html", form=form, opd=opd)


def _opd_consequences(opd: Opd) -> list[str]:
    users = db.session.scalar(select(func.count(User.id)).where(
        User.opd_id == opd.id, User.active))
    subs = db.session.scalar(select(func.count(SubActivity.id)).where(
        SubActivity.opd_id == opd.id))
    return [f"{opd.name} tidak lagi dihitung pada status laporan, kepatuhan dan pengingat batas "
            "waktu, dan tidak disalin saat tutup tahun.",
            f"Pengguna aktif OPD ini: {users}; akun mereka tetap aktif (nonaktifkan terpisah "
            "bila perlu) dan tidak ada pengguna baru yang dapat dihubungkan.",
            f"Sub kegiatan OPD ini ({subs}, semua tahun) dan realisasinya tetap tersimpan."]


@bp.route("/tahun", methods=["GET", "POST"])
@admin_only
def years():
    form = FiscalYearForm()
    if form.validate_on_submit():
        try:
            fy = create_fiscal_year(form.year.data)
        except ServiceError as exc:
            form.year.errors.append(exc.message)
        else:
            audit.record_create(fy)
            db.session.commit()
            flash(f"Tahun anggaran {fy.year} dibuat dengan empat triwulan.", "success")
            return redirect(url_for("admin.years"))
    rows = db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())).all()
    return render_template("admin/years.html", years=rows, form=form)


@bp.route("/tahun/<int:fy_id>/aktif", methods=["GET", "POST"])
@admin_only
def year_current(fy_id):
    fy = db.get_or_404(FiscalYear, fy_id)
    if not confirmations.confirmed():
        old = db.session.scalar(select(FiscalYear.year).where(FiscalYear.is_current))
        users = db.session.scalar(select(func.count(User.id)).where(User.active))
        return confirmations.ask(
            f"jadikan {fy.year} tahun berjalan",
            [f"Tahun anggaran {fy.year} menjadi tahun berjalan"
             + (f", menggantikan {old}." if old else "."),
             f"Beranda, dasbor, pengingat batas waktu dan laporan semua pengguna aktif "
             f"({users}) memakai tahun {fy.year} sebagai bawaan.",
             "Data tahun lain tidak berubah."],
            f"Ya, jadikan {fy.year} tahun berjalan", url_for("admin.years"))
    for other in db.session.scalars(select(FiscalYear).where(FiscalYear.is_current)):
        other.is_current = False
    fy.is_current = True
    audit.record("update", "fiscal_year", fy.id, new={"is_current": True})
    db.session.commit()
    flash(f"Tahun anggaran {fy.year} menjadi tahun berjalan.", "success")
    return redirect(url_for("admin.years"))


def _quarter_consequences(quarter: Quarter) -> list[str]:
    opds = db.session.scalar(select(func.count(Opd.id)).where(Opd.is_active))
    sent = db.session.scalar(
        select(func.count(Submission.id)).join(Opd, Opd.id == Submission.opd_id)
        .where(Submission.quarter_id == quarter.id, Opd.is_active,
               Submission.status.in_(("submitted", "verified"))))
    name = f"{quarter.label} {quarter.fiscal_year.year}"
    if quarter.is_open:
        return [f"{name} ditutup untuk pengisian: {opds} OPD aktif tidak dapat lagi mengisi "
                "atau mengubah realisasi triwulan ini (Sekretariat masih dapat).",
                f"{opds - sent} dari {opds} OPD belum mengajukan atau belum diverifikasi "
                "laporannya untuk triwulan ini.",
                "Dapat dibuka kembali dari halaman ini."]
    return [f"{name} dibuka kembali untuk pengisian: {opds} OPD aktif dapat mengisi dan "
            "mengubah realisasi yang belum diajukan.",
            "Laporan yang sudah diajukan atau diverifikasi tetap terkunci."]


@bp.route("/triwulan/<int:quarter_id>", methods=["GET", "POST"])
@admin_only
def quarter_update(quarter_id):
    quarter = db.get_or_404(Quarter, quarter_id)
    before = audit.snapshot(quarter)
    action = request.values.get("action")
    if request.method == "GET" and action != "toggle":
        return redirect(url_for("admin.years"))
    if action == "toggle" and not confirmations.confirmed():
        verb = "tutup" if quarter.is_open else "buka"
        return confirmations.ask(
            f"{verb} {quarter.label} {quarter.fiscal_year.year}",
            _quarter_consequences(quarter),
            f"Ya, {verb} {quarter.label}", url_for("admin.years"),
            hidden={"action": "toggle"})
    if action == "toggle":
        quarter.is_open = not quarter.is_open
    elif action == "deadline":
        try:
            days = int(request.form.get("days", ""))
            if not 0 <= days <= 90:
                raise ValueError
        except ValueError:
            flash("Batas waktu harus berupa jumlah hari 0–90.", "danger")
            return redirect(url_for("admin.years"))
        quarter.deadline = quarter.end_date + timedelta(days=days)
    audit.record_update(quarter, before)
    db.session.commit()
    flash(f"{quarter.label} {quarter.fiscal_year.year} diperbarui.", "success")
    return redirect(url_for("admin.years"))


@bp.route("/pengaturan", methods=["GET", "POST"])
@admin_only
def settings():
    row = pemda_settings()
    form = SettingsForm(obj=row)
    if form.validate_on_submit():
        logo = None
        if form.logo.data:  # a new file; without one the stored logo stays
            try:
                logo = read_image(form.logo.data)
            except ImageError as exc:
                form.logo.errors.append(exc.message)
                return render_template("admin/settings.html", form=form, row=row)
        before = audit.snapshot(row)
        form.populate_obj(row)
        if logo is not None:
            row.logo = logo
        audit.record_update(row, before)
        db.session.commit()
        flash("Pengaturan disimpan.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, row=row)


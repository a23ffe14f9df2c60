"""Set-up pages: import OPDs, areas and users (upload, preview, all-or-nothing commit, the
templates), the year rollover (preview, then run), and the users without activity."""
import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app.accounts import account_hygiene
from app.core.clock import now
from app.core.errors import ServiceError, StaleError
from app.reference.service import current_fiscal_year
from app.setup.services.rollover import apply_rollover, plan_rollover
from app.setup.services.setup_import import apply_plan, build_plan, build_template, get_kind
from forms.setup import RolloverForm, SetupConfirmForm, SetupUploadForm
from models import SETUP_KINDS, FiscalYear, User, db

from .. import confirmations
from ..refusals import race_as_stale, refused
from ..security import role_required
from . import bp, uploads

admin_only = role_required("admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The URL speaks Indonesian; the services name the kinds in English.
KIND_OF = {"opd": "opds", "wilayah": "areas", "pengguna": "users"}
SLUG_OF = {v: k for k, v in KIND_OF.items()}
SLUGS = "any(opd, wilayah, pengguna)"
RACED = "Data yang sama sedang diubah pengguna lain pada saat yang sama; tidak ada yang disimpan."
assert set(KIND_OF.values()) == set(SETUP_KINDS)


@bp.route("/")
@admin_only
def index():
    return render_template("setup/index.html", kinds=[(s, get_kind(k)) for s, k in
                                                      KIND_OF.items()])


@bp.route(f"/impor/<{SLUGS}:setup_kind>", methods=["GET", "POST"])
@admin_only
def import_upload(setup_kind: str):
    kind = get_kind(KIND_OF[setup_kind])
    form = SetupUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Pilih berkas .xlsx atau .csv."]
        else:
            data = upload.read()
            plan = build_plan(kind.name, upload.filename, data, actor=current_user)
            token = None
            if plan.ok:
                token = uploads.save(kind.name, data, upload.filename, current_user.id)
                db.session.commit()  # the file, for the commit (on any node)
            return render_template("setup/preview.html", plan=plan, kind=kind, slug=setup_kind,
                                   token=token, confirm=SetupConfirmForm())
    return render_template("setup/import.html", form=form, kind=kind, slug=setup_kind)


@bp.route(f"/impor/<{SLUGS}:setup_kind>/<token>", methods=["POST"])
@admin_only
def import_commit(setup_kind: str, token: str):
    kind = get_kind(KIND_OF[setup_kind])
    if not SetupConfirmForm().validate_on_submit():
        abort(400)
    stored = uploads.load(token, current_user.id, kind.name)
    if stored is None:
        flash("Berkas pratinjau tidak ditemukan atau sudah kedaluwarsa. Unggah ulang berkas.",
              "danger")
        return redirect(url_for("setup.import_upload", setup_kind=setup_kind))
    plan = build_plan(kind.name, stored.filename, stored.data, actor=current_user)  # read again
    filename = stored.filename
    try:
        with race_as_stale():  # another admin's import of the same codes, at the same moment
            with db.session.begin_nested():
                result = apply_plan(plan, note=f"Impor berkas penyiapan {filename}",
                                    actor=current_user)
            uploads.discard(stored)
            db.session.commit()
    except StaleError:
        return refused(f"{RACED} Unggah ulang berkas untuk melihat pratinjaunya.", 409,
                       url_for("setup.import_upload", setup_kind=setup_kind))
    except ServiceError:
        return render_template("setup/preview.html", plan=plan, kind=kind, slug=setup_kind,
                               token=None, confirm=SetupConfirmForm()), 409
    # Rendered, not redirected: the temporary passwords are shown this once and kept nowhere.
    return render_template("setup/result.html", kind=kind, slug=setup_kind, result=result,
                           filename=filename)


@bp.route(f"/templat/<{SLUGS}:setup_kind>")
@admin_only
def template(setup_kind: str):
    data = build_template(KIND_OF[setup_kind])
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX,
                     download_name=f"templat-{setup_kind}-tagar.xlsx")


@bp.route("/tutup-tahun", methods=["GET", "POST"])
@admin_only
def rollover():
    form = RolloverForm()
    if request.method == "GET":
        fy = current_fiscal_year()
        if fy is not None:
            form.from_year.data, form.to_year.data = fy.year, fy.year + 1
    plan, status = None, 200
    if form.validate_on_submit():
        run = request.form.get("action") == "run"
        if run and request.form.get("confirm") != "1":
            # Issue 23: the run is confirmed from the preview, which states what is copied.
            flash("Belum dijalankan: periksa pratinjau di bawah, lalu tekan Jalankan.", "danger")
            run, status = False, 400
        try:
            with race_as_stale():  # two admins rolling the same year over at once
                with db.session.begin_nested():
                    plan = plan_rollover(form.from_year.data, form.to_year.data,
                                         copy_allocation=form.copy_allocation.data)
                    if run:
                        plan = apply_rollover(plan, actor=current_user)
                if plan.done:
                    db.session.commit()
        except StaleError:
            return refused(f"{RACED} Buat pratinjau lagi.", 409,
                           url_for("setup.rollover"))
        except ServiceError as exc:
            getattr(form, exc.field or "to_year").errors.append(exc.message)
            plan = None
        else:
            if plan.done:
                flash(plan.summary(), "success")
    years = db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()
    return render_template("setup/rollover.html", form=form, plan=plan, years=years), status


@bp.route("/pengguna-tidak-aktif")
@admin_only
def idle_users():
    days, note = account_hygiene.parse_days(request.args.get("hari"))
    if note:
        flash(note, "warning")
    return render_template("setup/idle_users.html", users=account_hygiene.idle_users(days),
                           days=days, now=now(), confirm=SetupConfirmForm())


@bp.route("/pengguna-tidak-aktif/<int:user_id>/nonaktifkan", methods=["GET", "POST"])
@admin_only
def deactivate_user(user_id: int):
    user = db.get_or_404(User, user_id)
    days, _ = account_hygiene.parse_days(request.values.get("hari"))
    if not confirmations.confirmed():  # issue 23: a confirmation page, also without JavaScript
        return confirmations.ask(
            f"nonaktifkan {user.username}",
            [f"Akun {user.username} ({user.full_name}) tidak dapat masuk lagi sampai "
             "diaktifkan kembali; semua sesinya berakhir (1 akun).",
             "Data yang pernah diisi akun ini tetap tersimpan."],
            "Ya, nonaktifkan", url_for("setup.idle_users", hari=days), hidden={"hari": days})
    try:
        account_hygiene.deactivate_idle(user, actor=current_user)
    except ServiceError as exc:
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(f"Akun {user.username} dinonaktifkan; semua sesinya berakhir.", "success")
    return redirect(url_for("setup.idle_users", hari=days))

"""Realization entry for one OPD and quarter: the sheet, save, copy the previous quarter, submit.

Thin: every route loads, checks the OPD (per object), calls a service, commits once.
"""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import LockedError, ServiceError, StaleError
from app.core.input_guards import query_int
from app.cycle import evidence, evidence_requests, figures, workflow
from app.cycle import realization as service
from app.reference.service import fiscal_year, reporting_quarter
from forms.realization import CopyPreviousForm, SheetForm, SubmitForm, parse_sheet
from models import Opd, Quarter, db

from ..refusals import race_as_stale, refused
from ..security import check_opd_access, role_required
from . import bp, layout

entry_roles = role_required("opd", "secretariat")


def pick_quarter():
    """The fiscal year (`?tahun=`, default the current one) and quarter (`?triwulan=`)."""
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    number = query_int("triwulan")
    if number is None:
        quarter = reporting_quarter(fy)
    else:
        quarter = figures.quarter_in(fy, number)
    if quarter is None:
        abort(404)
    return fy, quarter


def _target(opd_id: int, quarter_id: int) -> tuple[Opd, Quarter]:
    check_opd_access(opd_id, write=True)
    return db.get_or_404(Opd, opd_id), db.get_or_404(Quarter, quarter_id)


def _back(opd: Opd, quarter: Quarter) -> str:
    return url_for("realization.index", opd=opd.id, triwulan=quarter.number,
                   tahun=quarter.fiscal_year.year)


NEWS_KEY = "sheet_new_anomalies"


def _news(opd, quarter, rows) -> list:
    """The rows whose anomalies appeared at the last save of this sheet (shown once)."""
    news = session.pop(NEWS_KEY, None)
    if not news or news.get("sheet") != [opd.id, quarter.id]:
        return []
    ids = set(news.get("tags") or [])
    return [layout.Link(r.tag.id, layout.row_label(r), "; ".join(r.anomaly_labels))
            for r in rows if r.tag.id in ids and r.current is not None]


def render_sheet(opd, quarter, *, raw=None, errors=None, stale=(), problems=None, status=200):
    rows = service.sheet(opd.id, quarter)
    opds = []
    if current_user.role != "opd":
        opds = db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all()
    submission = workflow.find(opd.id, quarter.id)
    try:  # a sheet that cannot be saved opens read-only, saying why
        service.ensure_writable(opd.id, quarter, current_user, submission=submission)
        lock_reason = None
    except LockedError as exc:
        lock_reason = exc.message
    errors, stale = errors or {}, set(stale)
    review = layout.latest_review(submission)
    requests = evidence_requests.open_by_tag(opd.id, quarter.id)
    marked = layout.marked(rows, errors=errors, stale=stale, problems=problems,
                           requested=requests)
    marked_ids = {m.tag_id for m in marked}
    groups = layout.groups(rows)
    # Nothing filled yet, or returned (the note may concern any row): every group open.
    fresh = review is not None or not any(r.current for r in rows)
    return render_template(
        "realization/index.html", opd=opd, quarter=quarter, fy=quarter.fiscal_year, rows=rows,
        opds=opds, submission=submission, previous=figures.previous_quarter(quarter),
        locked=lock_reason is not None, lock_reason=lock_reason, raw=raw or {}, errors=errors,
        stale=stale, problems=problems, form=SheetForm(), copy_form=CopyPreviousForm(),
        values=layout.field_values(rows, raw or {}),
        groups=groups, open_groups={g.sub_activity.id for g in groups if layout.opens(
            g, marked_ids=marked_ids, review=review, fresh=fresh)},
        review=review, marked=marked, summary=layout.summary(rows, review),
        news=_news(opd, quarter, rows), evidence=evidence.by_tag(opd.id, quarter.id),
        evidence_requests=requests,
        submit_form=SubmitForm(), can_submit=submission is None or workflow.can(
            current_user, "submit", submission)), status


@bp.route("/")
@entry_roles
def index():
    fy, quarter = pick_quarter()
    if current_user.role == "opd":
        opd_id = query_int("opd") or current_user.opd_id
    else:
        opd_id = query_int("opd")
        if opd_id is None:
            opds = db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all()
            return render_template("realization/pick.html", opds=opds, fy=fy, quarter=quarter)
    check_opd_access(opd_id)
    return render_sheet(db.get_or_404(Opd, opd_id), quarter)


@bp.route("/<int:opd_id>/<int:quarter_id>", methods=["POST"])
@entry_roles
def save(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    if not SheetForm().validate_on_submit():
        abort(400)
    tags = figures.opd_tags(opd.id, quarter.fiscal_year_id)
    group = _group_of(tags)
    rows, raw, errors = parse_sheet(request.form, [t for t in tags if group is None
                                                   or t.sub_activity_id == group])
    others = ([], {}, {})
    if group is not None:  # the rest of the sheet: read, not judged, not saved
        others = parse_sheet(request.form, [t for t in tags if t.sub_activity_id != group])
        raw = {**others[1], **raw}
    if errors:
        flash(f"Periksa {len(errors)} tagging yang ditandai; tidak ada yang disimpan.",
              "danger")
        return render_sheet(opd, quarter, raw=raw, errors=errors)
    before = figures.anomaly_codes(opd.id, quarter)
    back = _back(opd, quarter)  # read before the commit expires what it needs
    try:
        with race_as_stale():
            saved = service.save_sheet(opd.id, quarter, rows, current_user, tags=tags)
            after = figures.anomaly_codes(opd.id, quarter)  # flushed: as it will be committed
            db.session.commit()
    except LockedError as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except StaleError as exc:
        db.session.rollback()
        # A lost race names no row: every row of this save shows its stored values again.
        stale = exc.current or [r.tag_id for r in rows]
        flash(exc.message, "danger")
        keep = {k: v for k, v in raw.items() if k not in set(stale)}
        return render_sheet(opd, quarter, raw=keep, stale=stale, status=409)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message + " Tidak ada yang disimpan.", "danger")
        return render_sheet(opd, quarter, raw=raw)
    _announce(opd_id, quarter_id, saved, before, after)
    if group is not None:
        typed = layout.unsaved(service.sheet(opd.id, quarter), others[0], others[2])
        keep = {k: v for k, v in others[1].items() if k in typed}
        if keep:
            flash("Isian pada sub kegiatan lain belum disimpan; isian tersebut tetap "
                  "ditampilkan.", "warning")
            return render_sheet(opd, quarter, raw=keep)
    return redirect(back)


def _group_of(tags) -> int | None:
    """The sub kegiatan whose own save button was pressed (None: the whole sheet)."""
    raw = request.form.get("group", "")
    if raw.isdigit() and len(raw) <= 10:
        wanted = int(raw)
        if any(t.sub_activity_id == wanted for t in tags):
            return wanted
    return None


def _announce(opd_id: int, quarter_id: int, saved: int, before: dict[int, str],
              after: dict[int, str]) -> None:
    """The save's message, naming the anomalies it raised (the sheet links to their rows)."""
    new = [tag_id for tag_id, codes in after.items()
           if set(codes.split(",")) - set(before.get(tag_id, "").split(","))]
    message = (f"Realisasi disimpan ({saved} tagging berubah)." if saved
               else "Tidak ada perubahan.")
    if new:
        message += (f" {len(new)} anomali baru perlu diberi penjelasan sebelum laporan "
                    "diajukan; lihat daftar di atas.")
        session[NEWS_KEY] = {"sheet": [opd_id, quarter_id], "tags": new}
    flash(message, "warning" if new else "success" if saved else "info")


@bp.route("/<int:opd_id>/<int:quarter_id>/salin", methods=["POST"])
@entry_roles
def copy_previous(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    if not CopyPreviousForm().validate_on_submit():
        abort(400)
    try:
        with race_as_stale():
            copied = service.copy_previous(opd.id, quarter, current_user)
            db.session.commit()
    except (LockedError, StaleError) as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(_back(opd, quarter))
    flash(f"{copied} tagging diisi dari triwulan sebelumnya; periksa dan sesuaikan." if copied
          else "Tidak ada yang disalin: semua tagging sudah terisi atau triwulan sebelumnya "
               "kosong.", "success" if copied else "info")
    return redirect(_back(opd, quarter))


@bp.route("/<int:opd_id>/<int:quarter_id>/ajukan", methods=["POST"])
@entry_roles
def submit(opd_id: int, quarter_id: int):
    opd, quarter = _target(opd_id, quarter_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        with race_as_stale():
            sub = workflow.ensure_started(opd.id, quarter, current_user)
            workflow.submit(sub, current_user, version=version)
            db.session.commit()
    except (workflow.NotAllowedError, workflow.WrongStateError) as exc:
        db.session.rollback()
        return refused(exc.message, exc.status_code, _back(opd, quarter))
    except StaleError as exc:
        db.session.rollback()
        return refused(exc.message, 409, _back(opd, quarter))
    except workflow.NotReadyError as exc:
        db.session.rollback()
        # Nothing is submitted, but the refreshed anomaly flags are true: keep them, so the
        # sheet marks the rows the refusal names.
        figures.refresh_anomalies(opd.id, quarter)
        db.session.commit()
        flash(exc.message, "danger")
        return render_sheet(opd, quarter, problems=exc.errors)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return render_sheet(opd, quarter, problems=exc.errors)
    flash(f"Laporan {quarter.label} diajukan ke Sekretariat TKPKD"
          + (" (melewati batas waktu)." if sub.is_late else "."), "success")
    return redirect(_back(opd, quarter))

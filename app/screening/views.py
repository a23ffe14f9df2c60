"""Penyaringan anggaran: the secretariat's screening page. Thin views: load, check the role,
parse, one service call, commit once."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import ServiceError
from app.core.input_guards import parse_int, query_int
from app.core.upload_guard import read_bounded
from app.reference.service import fiscal_year
from forms.screening import ProvinceReferenceForm, RejectForm, SendForm
from models import Opd, ProvinceReference, Strategy, SubActivity, db

from ..refusals import race_as_stale
from ..security import load_for, role_required
from . import bp, decisions, province, service, store

PAGE_LIMIT = 3000


def _fy():
    fy = fiscal_year(query_int("tahun"))
    if fy is None:
        abort(404)
    return fy


def _min_score() -> float | None:
    raw = (request.args.get("skor") or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        abort(400)
    if not 0 <= value <= 1:
        abort(400)
    return value


def _pattern(endpoint: str) -> tuple[str, str]:
    """An endpoint's URL around its `sa_id`, built once: 3,000 rows times three links through
    url_for was a third of the page's time."""
    marker = 987654321
    url = url_for(endpoint, sa_id=marker)
    head, tail = url.split(str(marker), 1)
    return head, tail


@bp.route("/")
@role_required("secretariat")
def index():
    fy = _fy()
    opd_id = query_int("opd", lo=1)
    strategy = query_int("strategi", lo=1, hi=3)
    min_score = _min_score()
    lines = service.untagged(fy.id)
    shown = service.filtered(lines, opd_id=opd_id, strategy=strategy, min_score=min_score)
    return render_template(
        "screening/index.html", fy=fy, lines=shown[:PAGE_LIMIT], total=len(lines),
        matched=len(shown), opd_id=opd_id, strategy=strategy, min_score=min_score,
        disagreements=service.disagreements(fy.id),
        opds=db.session.scalars(select(Opd).where(Opd.is_active).order_by(Opd.code)).all(),
        strategies=db.session.scalars(select(Strategy).order_by(Strategy.code)).all(),
        reject_form=RejectForm(), send_form=SendForm(), province_form=ProvinceReferenceForm(),
        province_ref=_current_reference(),
        urls={name: _pattern(endpoint) for name, endpoint in (
            ("detail", "budget.sa_detail"), ("accept", "budget.tag_new"),
            ("reject", "screening.reject"))})


@bp.route("/<int:sa_id>/tolak", methods=["GET", "POST"])
@role_required("secretariat")
def reject(sa_id: int):
    sa = load_for(SubActivity, sa_id, write=True)
    form = RejectForm()
    suggestion = service.for_lines(sa.fiscal_year_id, [sa.id]).get(sa.id) or {}
    if form.validate_on_submit():
        try:
            with race_as_stale():
                decisions.reject(sa, form.reason.data, current_user.id,
                                 score=suggestion.get("score"),
                                 strategy=suggestion.get("strategy_code"),
                                 kind=suggestion.get("tag_kind_code"))
                db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            form.reason.errors = [exc.message]
        else:
            _maybe_retrain()
            flash(f"Saran untuk {sa.code} ditolak dan tidak akan disarankan lagi.", "success")
            return redirect(url_for("screening.index", tahun=sa.fiscal_year.year))
    status = 422 if request.method == "POST" else 200
    return render_template("screening/reject.html", sa=sa, form=form,
                           suggestion=suggestion), status


@bp.route("/kirim", methods=["POST"])
@role_required("secretariat")
def send():
    fy = _fy()
    if not SendForm().validate_on_submit():
        abort(400)
    wanted = set()
    for raw in request.form.getlist("sa_ids")[:PAGE_LIMIT]:
        try:
            wanted.add(parse_int(raw, lo=1))
        except ValueError:
            continue
    lines = [line for line in service.untagged(fy.id) if line.sa_id in wanted]
    if not lines:
        flash("Pilih sub kegiatan yang akan dikirim ke OPD.", "warning")
        return redirect(url_for("screening.index", tahun=fy.year))
    with race_as_stale():
        reached = decisions.send_to_opds(lines)
        db.session.commit()
    flash(f"{len(lines)} sub kegiatan dikirim ke {reached} OPD untuk ditinjau.", "success")
    return redirect(url_for("screening.index", tahun=fy.year))


def _maybe_retrain() -> None:
    """Enough new decisions: retrain in the background (the request never waits for it)."""
    from app.jobs import enqueue

    if store.retrain_due():
        enqueue("suggest.train")


def _current_reference():
    return db.session.scalar(select(ProvinceReference).where(ProvinceReference.is_current)
                             .order_by(ProvinceReference.id.desc()).limit(1))


@bp.route("/referensi-provinsi", methods=["POST"])
@role_required("secretariat")
def province_reference():
    """The kabupaten imports the province's signed consensus (as `flask suggest
    import-reference`); a refused file writes nothing."""
    fy = _fy()
    form = ProvinceReferenceForm()
    if not form.validate_on_submit() or not form.file.data:
        flash("Pilih berkas referensi provinsi.", "warning")
        return redirect(url_for("screening.index", tahun=fy.year))
    try:
        data = read_bounded(form.file.data, province.MAX_BYTES)
        ref = province.import_reference(data, (form.public_key.data or "").strip() or None,
                                        current_user.id)
        with race_as_stale():
            db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(f"Referensi {ref.province_name} {ref.fiscal_year} ({ref.members} kab/kota) "
              f"diimpor.", "success")
    return redirect(url_for("screening.index", tahun=fy.year))

"""Tag pages: create, edit (with the lokus picker) and delete a tag of a sub-activity."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.budget.services import themes
from app.budget.services.subactivity_tags import delete_tag, realized_villages, save_tag
from app.core.errors import LockedError, ServiceError, StaleError
from app.core.money import money_input
from app.cycle.locks import ensure_budget_unlocked
from app.screening import decisions as screening_decisions
from forms.budget import ConfirmForm, TagForm, parse_village_rows
from forms.choices import choices
from models import Strategy, SubActivity, Tag, TagKind, db

from ..refusals import race_as_stale
from ..security import load_for
from . import bp, queries
from .views import apply_errors, sa_detail, typed_values, writer


def _tag_form(form: TagForm) -> TagForm:
    form.strategy_id.choices = choices([(0, "— pilih —")] + [
        (s.id, f"{s.code}. {s.name}")
        for s in db.session.scalars(select(Strategy).order_by(Strategy.code))])
    form.tag_kind_id.choices = choices([(0, "— pilih —")] + [
        (k.id, f"{k.name} (bobot {k.weight:.0f}%)")
        for k in db.session.scalars(select(TagKind).order_by(TagKind.sort_order))])
    return form


def _rows_of(tag: Tag | None) -> list[dict]:
    if tag is None:
        return []
    return [{"village_id": tv.village_id,
             "amount_text": money_input(tv.amount),
             "target_text": "" if tv.target_count is None else str(tv.target_count)}
            for tv in tag.villages]


def _realized_names(tag: Tag | None) -> list[str]:
    """Desa of the tag with per-desa realization: removing them needs the confirmation box."""
    if tag is None:
        return []
    figures = realized_villages(tag, [tv.village_id for tv in tag.villages])
    return sorted({rv.village.name for rv in figures})


def _choice_names(form: TagForm, typed: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The typed values of a refused save, with the strategy and tag kind by name, not id."""
    names = {n: {str(c.value): c.label for c in form[n].choices}
             for n in ("strategy_id", "tag_kind_id")}
    return [(label, names.get(n, {}).get(value, value))
            for n, (label, value) in zip(TagForm.FIELDS, typed, strict=True)]


def _lock_reason(sa: SubActivity) -> str | None:
    """Why the amounts of this sub-activity's tags cannot change now (None: they can)."""
    try:
        ensure_budget_unlocked(sa.opd_id, sa.fiscal_year_id)
    except LockedError as exc:
        return exc.message
    return None


def _prefill_suggestion(form: TagForm) -> None:
    """Issue 26: a tag form opened from a screening suggestion starts with its strategy and
    kelompok chosen; the person still fills in and saves the tag."""
    strategy = db.session.scalar(select(Strategy.id).where(
        Strategy.code == (request.args.get("strategi", type=int) or 0)))
    kind = db.session.scalar(select(TagKind.id).where(
        TagKind.code == (request.args.get("kelompok") or "")[:20]))
    form.strategy_id.data = strategy or 0
    form.tag_kind_id.data = kind or 0


def _page(sa: SubActivity, tag: Tag | None):
    form = _tag_form(TagForm(obj=tag))
    rows, row_errors = _rows_of(tag), {}
    suggested = tag is None and request.args.get("saran") == "1"  # issue 26
    if request.method == "GET" and tag is not None:
        form.version.data = tag.version
    if request.method == "GET" and suggested:
        _prefill_suggestion(form)
    status, loose, stale, lokus_error = 200, [], None, None
    theme_ids, theme_error = themes.theme_ids_of(tag), None
    if request.method == "POST":
        rows, row_errors = parse_village_rows(request.form)
        theme_ids = themes.parse_ids(request.form)
        valid = form.validate_on_submit()
        if valid and not row_errors:
            try:
                with race_as_stale():
                    with db.session.begin_nested():  # a refusal undoes this request's writes
                        _saved, warnings = save_tag(
                            sa, tag, form.values(), rows, form.version.data,
                            drop_realized=bool(form.drop_realized.data))
                        themes.set_tag_themes(_saved, theme_ids)  # issue 17
                        if suggested:  # issue 26: audited as an accepted suggestion
                            screening_decisions.accept(_saved, current_user.id,
                                                       score=request.args.get("skor"))
                    db.session.commit()
            except StaleError as exc:
                stale = _choice_names(form, typed_values(form, TagForm.FIELDS))
                db.session.refresh(tag)
                form = _tag_form(TagForm(formdata=None, obj=tag))
                form.version.data = tag.version
                rows, status, loose = _rows_of(tag), 409, [exc.message]
            except LockedError as exc:
                status, loose = 423, [exc.message]
            except ServiceError as exc:
                lokus_error = (exc.errors.pop("villages", None) or [None])[0]
                theme_error = (exc.errors.pop("themes", None) or [None])[0]
                loose = apply_errors(form, exc) if exc.errors else []
            else:
                flash("Tagging disimpan.", "success")
                if warnings:
                    flash(f"Desa berikut bukan lokus tahun {sa.fiscal_year.year}: "
                          f"{', '.join(warnings)}. Periksa kembali bila tidak disengaja.",
                          "warning")
                return redirect(url_for("budget.sa_detail", sa_id=sa.id))
    lock_reason = _lock_reason(sa)
    if lock_reason:  # opened read-only where the lock bites, with the reason on top
        form.amount.render_kw = {"readonly": True, "aria-readonly": "true"}
    groups, by_id = queries.village_choices(sa.fiscal_year_id)
    selected = []
    for row in rows:
        info = by_id.get(row["village_id"])
        if info is not None:
            selected.append({**info, "amount_text": row.get("amount_text", ""),
                             "target_text": row.get("target_text", ""),
                             "error": row_errors.get(row["village_id"])})
    return render_template(
        "budget/tag_form.html", form=form, sa=sa, tag=tag, groups=groups, selected=selected,
        selected_ids={s["id"] for s in selected}, loose=loose, stale=stale,
        realized=_realized_names(tag), lock_reason=lock_reason, theme_error=theme_error,
        suggested=suggested,
        theme_choices=[(t, t.id in (theme_ids if theme_ids is not None else
                                    themes.theme_ids_of(tag))) for t in themes.all_themes()],
        lokus_error=lokus_error or (row_errors.get(0) or "Periksa nilai per desa."
                                    if row_errors else None)), status


@bp.route("/<int:sa_id>/tag/baru", methods=["GET", "POST"])
@writer
def tag_new(sa_id: int):
    return _page(load_for(SubActivity, sa_id, write=True), None)


@bp.route("/tag/<int:tag_id>/ubah", methods=["GET", "POST"])
@writer
def tag_edit(tag_id: int):
    tag = load_for(Tag, tag_id, write=True)
    return _page(tag.sub_activity, tag)


@bp.route("/tag/<int:tag_id>/hapus", methods=["POST"])
@writer
def tag_delete(tag_id: int):
    tag = load_for(Tag, tag_id, write=True)
    sa_id = tag.sub_activity_id
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with race_as_stale():
            with db.session.begin_nested():
                delete_tag(tag, form.version.data)
            db.session.commit()
    except ServiceError as exc:
        status = 409 if isinstance(exc, StaleError) else 423 if isinstance(
            exc, LockedError) else 422
        return sa_detail(sa_id, error=exc.message, status=status)
    flash("Tagging dihapus.", "success")
    return redirect(url_for("budget.sa_detail", sa_id=sa_id))

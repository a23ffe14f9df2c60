"""A user's own notifications: the list marks what it shows as read; opening one goes to the
report it concerns. Per object: another user's notification is a 404, never shown."""
from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.cycle import notifications as service
from models import Notification, db

from . import bp

PAGE = 100


@bp.route("/")
@login_required
def index():
    items = list(db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(PAGE)))
    unread = {n.id for n in items if n.read_at is None}
    if unread:
        service.mark_read(current_user.id, list(unread))
        db.session.commit()
    return render_template("notifications/index.html", items=items, unread=unread)


@bp.route("/<int:notification_id>")
@login_required
def open_(notification_id: int):
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != current_user.id:
        abort(404)
    service.mark_read(current_user.id, [n.id])
    db.session.commit()
    return redirect(target(n))


def target(n: Notification) -> str:
    """The page where the user acts on it: the report's review page for a report that came in
    (secretariat), the verval page for a verval notice, else the quarter's realization sheet."""
    if n.kind == "submitted" and n.submission_id is not None:
        return url_for("review.detail", submission_id=n.submission_id)
    if n.kind == "verval":  # issue 28: the desa's (or the reviewer's) verval page
        return url_for("verval.home")
    if n.quarter_id is not None and n.quarter is not None:
        return url_for("realization.index", triwulan=n.quarter.number,
                       tahun=n.quarter.fiscal_year.year)
    return url_for("notifications.index")

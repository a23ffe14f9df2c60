"""A temporary password is changed before anything else: after login, every page of the UI leads
to the own-password page until the user has chosen a password (User.must_change_password, set by
the set-up import; cleared by services/accounts.set_password when the user sets one)."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from . import bp

# What a user with a temporary password may still reach.
ALLOWED = {"auth.change_password", "auth.logout", "auth.login", "static"}


@bp.before_app_request
def require_own_password():
    if request.endpoint in ALLOWED or (request.endpoint or "").startswith("health."):
        return None
    if request.path.startswith("/api/"):  # token requests: a new account has no token yet
        return None
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    if request.method == "GET":
        flash("Anda masuk dengan kata sandi sementara. Ganti kata sandi terlebih dahulu.",
              "warning")
    return redirect(url_for("auth.change_password"))

"""The `desa` role sees its own desa's verval and nothing else.

Most pages check a role list that never names `desa`, but some only ask for a login (the
dashboard, reports, coverage counts, reference lists of the API). Rather than trusting every
one of those to remember the new role, a desa operator's request, UI or API, is refused (403)
unless its endpoint is on this list: the verval pages, its own account and notifications.
The home page leads to the verval page."""
from flask import Flask, abort, g, redirect, request, url_for
from flask_login import current_user

ALLOWED = {
    "auth.login", "auth.logout", "auth.change_password", "auth.tokens", "auth.revoke",
    "notifications.index", "notifications.open_", "mail_prefs.preferences", "static",
    "api_docs.docs", "api-docs.openapi_json", "api_federation.bundle_schema",
}
# Public by design (password recovery, the public portal of issue 29): what anyone may see, a
# desa operator may see too; each view keeps its own checks.
ALLOWED_PREFIXES = ("verval.", "api_verval.", "health.", "recovery.", "public.")


def allowed(endpoint: str | None) -> bool:
    return endpoint is None or endpoint in ALLOWED or endpoint.startswith(ALLOWED_PREFIXES)


def init_app(app: Flask) -> None:
    # Registered after the API's token hook (create_app), so an API request sees the token's
    # user here, never the session's.
    @app.before_request
    def _desa_only_verval():
        if request.path.startswith("/api/") and "_login_user" not in g:
            return None  # no token user (public or push-token paths): never the session's
        if not (current_user.is_authenticated and current_user.role == "desa"):
            return None
        if request.endpoint == "main.home":
            return redirect(url_for("verval.home"))
        if allowed(request.endpoint):
            return None
        if request.path.startswith("/api/"):
            from flask_smorest import abort as api_abort

            api_abort(403, message="Operator desa hanya dapat mengakses verval desanya.")
        abort(403)

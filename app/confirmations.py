"""Consequential actions ask first, also without JavaScript (issue 23): closing or opening a
quarter, making a year current, the year rollover, deactivating a user or an OPD, revoking an API
token.

The rule: a GET of the action's address shows a confirmation page that says what will happen
and to how many objects; a POST carrying `confirm=1` (from that page's button) does it; a POST
without it is refused with 400 and the same page, nothing done. Edit forms that can deactivate
(user, OPD) re-show the form with everything typed and the consequence beside a confirming
button instead (`confirm_panel` in templates/_confirm.html).
"""
from flask import render_template, request


def confirmed() -> bool:
    """The request is the confirming POST."""
    return request.method == "POST" and request.form.get("confirm") == "1"


def ask(title: str, consequences: list[str], button: str, back: str, *,
        hidden: dict | None = None):
    """The confirmation page (200 on GET; 400 on a POST that was not confirmed)."""
    refused = request.method == "POST"
    return render_template("confirm.html", title=title, consequences=consequences,
                           button=button, back=back, hidden=hidden or {}, refused=refused,
                           action=request.path), 400 if refused else 200

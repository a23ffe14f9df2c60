"""The one source of "now", so deadlines can be tested (and demoed) with a fixed clock."""
from datetime import date, datetime, timedelta

from flask import current_app, has_app_context

from models import utcnow

WIB = timedelta(hours=7)  # deadlines are set in local office time (Asia/Jakarta)


def now() -> datetime:
    """Naive UTC."""
    fixed = current_app.config.get("TAGAR_NOW") if has_app_context() else None
    if fixed:
        return datetime.fromisoformat(fixed) if isinstance(fixed, str) else fixed
    return utcnow()


def today() -> date:
    """The local (WIB) date: a report sent at 23:00 WIB on the deadline is on time."""
    return (now() + WIB).date()

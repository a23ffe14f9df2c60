"""The secretariat's decision on a submission: verify, return with comments, or reopen.

Whether a comment is required depends on the button pressed (return needs one, verify not), so
the workflow service checks it and the view puts its message beside the field.
"""
import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from app.core.input_guards import INT32_MAX

LONG = Length(max=4000, message="Paling banyak 4000 karakter.")


class DecisionForm(FlaskForm):
    general = TextAreaField("Catatan umum", validators=[LONG])
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField("Alasan membuka kembali", validators=[LONG])
    version = HiddenField()


class BulkVerifyForm(FlaskForm):
    """CSRF for the queue's bulk verification; the ticked reports are read by `bulk_ids`."""


BULK_MAX = 200  # a kabupaten has ~18 OPDs; a province-wide queue a few hundred


def bulk_ids(formdata) -> list[tuple[int, int | None]]:
    """(submission id, version the list showed) of each ticked report, bounded, deduplicated."""
    found: dict[int, int | None] = {}
    for raw in formdata.getlist("ids")[:BULK_MAX]:
        if re.fullmatch(r"\d{1,10}", raw or "") and 0 < int(raw) <= INT32_MAX:
            version = formdata.get(f"v-{raw}", "")
            found[int(raw)] = (int(version) if re.fullmatch(r"\d{1,10}", version)
                               and int(version) <= INT32_MAX else None)
    return list(found.items())


def tag_comment_name(tag_id: int) -> str:
    return f"c-{tag_id}"


def tag_comments(formdata) -> dict[int, str]:
    """The per-tag comment boxes that were filled in (the service checks the tags are the
    OPD's)."""
    found = {}
    for key in formdata:
        m = re.fullmatch(r"c-(\d{1,12})", key)
        body = (formdata.get(key) or "").strip()
        if m and body and int(m.group(1)) <= INT32_MAX:
            found[int(m.group(1))] = body[:4000]
    return found


def version_of(form) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except ValueError:
        return -1  # tampered: refused as stale

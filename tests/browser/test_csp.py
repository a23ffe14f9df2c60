"""The Content-Security-Policy in a real Chromium: the styles and scripts still apply under it,
and the delete confirmation that used to be an inline `onsubmit` still asks before anything is
sent. Every page of every role is checked for violations by the walk of
tests/browser/test_accessibility.py, with the helpers below."""
from sqlalchemy import select

from models import Opd, SubActivity, Submission, Tag, User, db

from .conftest import log_in

# Reported by the page itself: a listener installed before any of the page's own code runs
# (Playwright injects it through the DevTools protocol, which the CSP does not govern).
WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-VIOLATION " + e.violatedDirective + " " + e.blockedURI + " " +
                (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


def _objects(app):
    """A sub-activity with a tag of the dinsos OPD, a submission, a user and an OPD id."""
    with app.app_context():
        dinsos = db.session.scalar(select(User).where(User.username == "dinsos"))
        sa = db.session.scalar(select(SubActivity).join(Tag)
                               .where(SubActivity.opd_id == dinsos.opd_id)
                               .order_by(SubActivity.id))
        tag = db.session.scalar(select(Tag).where(Tag.sub_activity_id == sa.id))
        sub = db.session.scalar(select(Submission).order_by(Submission.id))
        ids = {"sa": sa.id, "tag": tag.id, "sub": sub.id, "opd": dinsos.opd_id,
               "user": dinsos.id, "any_opd": db.session.scalar(select(Opd.id))}
        db.session.remove()
    return ids


def _watch(page):
    messages = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    return messages


def _problems(messages):
    return [m for m in messages
            if "CSP-VIOLATION" in m or "Content Security Policy" in m
            or "Permissions-Policy" in m or m.startswith("pageerror")]


def test_styles_and_scripts_apply_under_the_policy(page, live_app):
    """The policy must not break the page: the stylesheet, the bar and the lokus picker work."""
    with live_app.app_context():  # dinkes: its budget is open, so the picker is offered
        opd_id = db.session.scalar(select(User.opd_id).where(User.username == "dinkes"))
        open_sa = db.session.scalar(select(SubActivity.id).where(SubActivity.opd_id == opd_id)
                                    .order_by(SubActivity.id))
        db.session.remove()
    messages = _watch(page)
    log_in(page, "dinkes")
    # tagar.css applied: the top bar has its dark background.
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor") \
        == "rgb(11, 61, 110)"
    bar = page.locator("svg.bar rect.bar-fill").first
    assert bar.count() == 1 and float(bar.get_attribute("width")) >= 0
    page.goto(page.base + f"/sub-kegiatan/{open_sa}/tag/baru")
    page.wait_for_selector(".lokus-picker")  # budget.js ran
    assert not _problems(messages), messages


def test_delete_still_asks_for_confirmation(page, live_app):
    ids = _objects(live_app)
    messages = _watch(page)
    log_in(page, "dinsos")
    url = page.base + f"/sub-kegiatan/{ids['sa']}"
    page.goto(url)
    dialogs = []

    def dismiss(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", dismiss)
    form = page.locator(f"form[action$='/sub-kegiatan/tag/{ids['tag']}/hapus']")
    form.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert dialogs == [("confirm", "Hapus tagging ini?")]
    assert page.url == url  # dismissed: nothing was sent
    with live_app.app_context():
        assert db.session.get(Tag, ids["tag"]) is not None
        db.session.remove()
    assert not _problems(messages), messages

"""The error summary at the top of a refused form (GOV.UK pattern, WCAG 3.3.1): every WTForms
form in the template's context that carries errors gives one line per field, linking to the
field by its id. base.html renders it first in <main>; tagar.js moves focus to it, so a person
whose form was refused hears and sees what to fix without scrolling, and nothing typed is lost
because the form itself is rendered again with the submitted values."""
from jinja2 import pass_context
from wtforms import Form


@pass_context
def form_errors(context) -> list[dict]:
    found, seen = [], set()
    for value in context.values():
        if not isinstance(value, Form) or id(value) in seen or not value.errors:
            continue
        seen.add(id(value))
        for f in value:
            if f.errors and f.type not in ("CSRFTokenField", "HiddenField"):
                for message in f.errors:
                    text = message if isinstance(message, str) else "; ".join(map(str, message))
                    found.append({"id": f.id, "label": f.label.text, "message": text})
    return found

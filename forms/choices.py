"""WTForms 3.3 deprecates (value, label) tuples as SelectField choices: build SelectChoice."""
from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]

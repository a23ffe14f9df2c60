"""Views of this feature (thin: load, check access, call a service, render)."""
from . import bp  # noqa: F401

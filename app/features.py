"""Feature blueprints and commands beyond the foundation. Each feature adds its own lines here."""
from flask import Flask


def register(app: Flask) -> None:
    """Register feature blueprints."""


def register_cli(app: Flask) -> None:
    """Register feature CLI commands."""

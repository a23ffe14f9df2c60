"""SMTP settings from the environment, read once into app.config (a test or a deployment may
override them there)."""
import os

from flask import Flask

TRUE = ("1", "true", "yes", "on")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in TRUE


def load(app: Flask) -> None:
    ssl = _flag("TAGAR_SMTP_SSL")
    starttls = _flag("TAGAR_SMTP_STARTTLS")
    default_port = 465 if ssl else 587 if starttls else 25
    defaults = {
        "SMTP_HOST": os.environ.get("TAGAR_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("TAGAR_SMTP_PORT") or default_port),
        "SMTP_USER": os.environ.get("TAGAR_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("TAGAR_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": starttls,
        "SMTP_SSL": ssl,
        "SMTP_TIMEOUT": int(os.environ.get("TAGAR_SMTP_TIMEOUT") or 10),
        "MAIL_FROM": os.environ.get("TAGAR_MAIL_FROM", "tagar@localhost"),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("TAGAR_MAIL_MAX_ATTEMPTS") or 5),
        "MAIL_RETRY_SECONDS": int(os.environ.get("TAGAR_MAIL_RETRY_SECONDS") or 60),
        # Links in mail written outside a request (cron): https://tagar.example.go.id
        "BASE_URL": os.environ.get("TAGAR_BASE_URL", ""),
        "PASSWORD_RESET_MINUTES": int(os.environ.get("TAGAR_PASSWORD_RESET_MINUTES") or 60),
        # "Lupa kata sandi" answers no sooner than this, known name or not (app/recovery).
        "PASSWORD_RESET_FLOOR_MS": int(os.environ.get("TAGAR_PASSWORD_RESET_FLOOR_MS") or 100),
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)


def configured(config) -> bool:
    """Mail can be sent only with an SMTP host; without one it is kept in the outbox."""
    return bool(config.get("SMTP_HOST"))

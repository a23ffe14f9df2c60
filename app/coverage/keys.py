"""The pemda's household key and the keyed hashes made with it.

NIK and family card numbers are never stored: only HMAC-SHA256(key, domain + number), where the
key lives outside the database (TAGAR_HOUSEHOLD_KEY, or the file instance/household.key made
0600 by `flask coverage keygen`), so a database backup alone cannot be turned back into NIKs by
hashing the ~10^10 plausible numbers. The domain prefix keeps a member's hash and a household's
hash apart even when a household is keyed by its head's NIK.

Rotation: a hash cannot be recomputed without the numbers it was made from, and those are not
kept. Rotating the key therefore means re-importing the BNBA extract and the beneficiary lists;
until then the key check of the latest snapshot differs and matching is refused.
"""
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from flask import current_app

from app.core.errors import ServiceError

MIN_KEY_CHARS = 32
NIK_DIGITS = 16
_SEPARATORS = re.compile(r"[\s.\-']+")

MEMBER = b"nik:"
FAMILY = b"kk:"
HEAD = b"kepala:"  # a household keyed by its head's NIK (an extract without KK numbers)


class KeyMissing(ServiceError):
    """No key configured: imports and matching are refused (production must set one)."""


def key_path() -> Path:
    from config import INSTANCE_DIR

    configured = current_app.config.get("HOUSEHOLD_KEY_FILE")
    return Path(configured) if configured else INSTANCE_DIR / "household.key"


def generate(path: Path) -> Path:
    """Write a new random key to `path` (0600), refusing to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
    return path


def household_key() -> bytes:
    value = current_app.config.get("HOUSEHOLD_KEY") or ""
    if not value:
        path = key_path()
        if not path.exists() and current_app.config.get("HOUSEHOLD_KEY_CREATE"):
            try:
                generate(path)  # development: `make run` needs nothing else
            except FileExistsError:
                pass  # another worker made it meanwhile
        if path.exists():
            value = path.read_text().strip()
    if not value:
        raise KeyMissing("Kunci hash rumah tangga belum dipasang (TAGAR_HOUSEHOLD_KEY atau "
                         "`flask coverage keygen`); impor dan pencocokan tidak dijalankan.")
    if len(value) < MIN_KEY_CHARS:
        raise KeyMissing(f"Kunci hash rumah tangga terlalu pendek (minimal {MIN_KEY_CHARS} "
                         "karakter).")
    return value.encode()


def key_check(key: bytes) -> str:
    """A fingerprint of the key, stored with each snapshot to detect a changed key."""
    return hmac.new(key, b"tagar-household-key-check", hashlib.sha256).hexdigest()[:16]


def normalise(value) -> str | None:
    """A NIK or KK number as 16 digits (spaces, dots and dashes removed), or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = _SEPARATORS.sub("", str(value))
    if len(text) != NIK_DIGITS or not text.isdigit() or text == "0" * NIK_DIGITS:
        return None
    return text


class Hasher:
    """HMAC with one key, prepared once (hmac.copy() skips re-keying for each number)."""

    def __init__(self, key: bytes):
        self._base = hmac.new(key, digestmod=hashlib.sha256)
        self.check = key_check(key)

    def __call__(self, domain: bytes, digits: str) -> bytes:
        h = self._base.copy()
        h.update(domain + digits.encode())
        return h.digest()


def hasher() -> Hasher:
    return Hasher(household_key())


def prefix(digest: bytes, chars: int = 12) -> str:
    return digest.hex()[:chars]

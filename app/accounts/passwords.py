"""Password rules: long enough, not the account name, not a password everyone tries first.

The list in data/common_passwords.txt (lower case, one a line) holds the most used passwords of
the public breach lists and their Indonesian counterparts (bismillah, sayangku, rahasia123 ...),
with the usual digit and year suffixes. A password is refused when it, or what remains after
stripping trailing digits and symbols (`bismillah2026!`), is on the list.
"""
import re
from functools import lru_cache
from pathlib import Path

from app.core.errors import ServiceError

MIN_LENGTH = 10
_LIST = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_SUFFIX = re.compile(r"[\d\W_]+$")
_PREFIX = re.compile(r"^[\d\W_]+")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def is_common(password: str) -> bool:
    p = password.lower()
    words = common_passwords()
    core = _PREFIX.sub("", _SUFFIX.sub("", p))
    return p in words or (len(core) >= 4 and core in words) or len(set(p)) < 4


def check(password: str, username: str = "") -> None:
    """ServiceError (on field `password`) when the password may not be used."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Kata sandi minimal {MIN_LENGTH} karakter.", field="password")
    name = (username or "").strip().lower()
    if name and (len(name) >= 3 and name in password.lower() or name == password.lower()):
        raise ServiceError("Kata sandi tidak boleh memuat nama pengguna.", field="password")
    if is_common(password):
        raise ServiceError("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain.",
                           field="password")

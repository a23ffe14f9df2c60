"""Password rules: long enough, not the account name, not a password everyone tries first,
not the name of the place or of the app (the first guess of anyone who knows where it runs).

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


APP_NAMES = ("tagar",)
# Words that say what kind of place a name is; "Kabupaten Lembah Harapan" is guessed as
# "lembahharapan" as well as "kabupatenlembahharapan".
PLACE_WORDS = ("pemerintah", "kabupaten", "kota", "provinsi", "pemkab", "pemkot", "pemprov",
               "kab", "kec", "kecamatan", "desa")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i"})
_NOT_LETTER = re.compile(r"[^a-z]+")


def _only_names(password: str, names) -> bool:
    """True when the password is a name of the place or the app and little else: fewer than 4
    of its letters lie outside every occurrence of those names ("LembahHarapan2026!",
    "t4g4r-2026"; a passphrase that merely mentions one, "demo-tagar-2026", is not refused).
    Names are found in any case, across spaces and symbols, with look-alike digits."""
    chars = [(c.translate(_LEET), c.isalpha()) for c in password.lower()]
    chars = [(c, letter) for c, letter in chars if "a" <= c <= "z"]
    text = "".join(c for c, _ in chars)
    covered = [False] * len(text)
    for word in names:
        start = text.find(word)
        while start >= 0:
            covered[start:start + len(word)] = [True] * len(word)
            start = text.find(word, start + 1)
    if not any(covered):
        return False
    return sum(1 for (_, letter), cov in zip(chars, covered, strict=True)
               if letter and not cov) < 4


def place_words(*names: str) -> set[str]:
    """The guessable forms of the pemda's names: each whole, and without its kind of place."""
    out = set(APP_NAMES)
    for name in names:
        words = [w for w in _NOT_LETTER.split((name or "").lower()) if w]
        for form in (words, [w for w in words if w not in PLACE_WORDS]):
            joined = "".join(form)
            if len(joined) >= 4:
                out.add(joined)
    return out


def check(password: str, username: str = "", names: set[str] | frozenset = frozenset()) -> None:
    """ServiceError (on field `password`) when the password may not be used. `names`: the
    place_words of the pemda (refused as the password, in any case, spacing or 4-for-a)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Kata sandi minimal {MIN_LENGTH} karakter.", field="password")
    name = (username or "").strip().lower()
    if name and (len(name) >= 3 and name in password.lower() or name == password.lower()):
        raise ServiceError("Kata sandi tidak boleh memuat nama pengguna.", field="password")
    if _only_names(password, names):
        raise ServiceError("Kata sandi tidak boleh memuat nama pemda, daerah, kota, atau nama "
                           "aplikasi; pilih yang lain.", field="password")
    if is_common(password):
        raise ServiceError("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain.",
                           field="password")

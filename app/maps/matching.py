"""Which property of a feature holds its Kemendagri code, and which area that code names.

Codes are compared as digits only: `63.02.01.2001`, `6302012001`, `63-02-01-2001` and the
number 6302012001.0 (a shapefile's numeric field) are the same desa. Ten digits name a desa,
six a kecamatan. When no property is named, the one whose values match the most known codes is
taken (ties go to the usual names: `kode`, `KDEPUM`, `kode_desa`, ...); its name is shown in
the preview so a wrong guess is seen before anything is saved.
"""
import re

from app.core.errors import ServiceError

USUAL_NAMES = ("kode", "kode_desa", "kd_desa", "kdepum", "kode_kemendagri", "kode_wilayah",
               "kode_kec", "kdcpum", "kd_kec", "kode_kecamatan", "id_desa", "iddesa", "kode_bps")
_NON_DIGIT = re.compile(r"\D")


def digits(value) -> str:
    """The code's digits; '' when the value cannot be a code."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            return ""
        value = int(value)
    text = str(value).strip()[:40]
    if re.search(r"[A-Za-z]", text):
        return ""
    return _NON_DIGIT.sub("", text)


def choose_property(features, wanted: str | None, known: set[str]) -> str:
    """The property to read codes from: `wanted` (any case) if given, else the best guess."""
    names: dict[str, str] = {}
    for f in features:
        for name in f.properties:
            if len(str(name)) <= 60:  # a longer name is no code column; it is not echoed back
                names.setdefault(str(name).lower(), str(name))
    if wanted:
        found = names.get(wanted.strip().lower())
        if found is None:
            shown = ", ".join(sorted(names.values())[:12]) or "(tidak ada)"
            raise ServiceError(f"Kolom kode {wanted[:40]!r} tidak ada pada berkas. Kolom yang "
                               f"ada: {shown}.", field="code_property")
        return found

    def score(lower: str) -> tuple[int, int]:
        original = names[lower]
        hits = sum(1 for f in features if digits(f.properties.get(original)) in known)
        usual = len(USUAL_NAMES) - USUAL_NAMES.index(lower) if lower in USUAL_NAMES else 0
        return hits, usual

    ranked = sorted(names, key=score, reverse=True)
    if not ranked or score(ranked[0])[0] == 0:
        raise ServiceError("Tidak ada kolom yang berisi kode wilayah Kemendagri yang dikenal "
                           "(mis. 63.02.01.2001). Sebutkan nama kolom kodenya.",
                           field="code_property")
    return names[ranked[0]]
